"""The Adapt & align tab in the browser's terms: versions, a hand-entered evaluation judged
against the criteria with its trend, prompts side by side, and bad input kept in its form."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from models_registry import services
from models_registry.models import Evaluation, EvaluationMetric, FineTuneRun, ModelVersion
from tests.models_registry.adapt_support import approve_scope, base_version, metric

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, manager):
    client.force_login(manager)
    return client


def page(project) -> str:
    return reverse("models_registry:adapt", args=[project.pk])


def test_the_tab_shows_each_criterion_passing_or_failing_by_version(project, manager, signed_in):
    accuracy, _ = approve_scope(project, manager)
    v1 = base_version(project, manager)
    v2 = services.model_version_create(
        actor=manager, project=project, parent=v1, adaptation="fine_tune", name="v2 LoRA"
    )
    for version, value in ((v1, "0.85"), (v2, "0.93")):
        services.evaluation_record(
            actor=manager,
            project=project,
            model_version=version,
            benchmark="Hold-out",
            metrics=[metric("accuracy", value, criterion=accuracy.pk)],
        )
    html = signed_in.get(page(project)).content.decode()
    assert "Routing accuracy" in html
    assert "latest: v2 LoRA" in html
    assert html.count('class="point-bad"') == 1
    assert html.count('class="point-ok"') == 1
    assert "target-line" in html


def test_an_evaluation_entered_by_hand_binds_each_criterion_field(project, manager, signed_in):
    accuracy, triage = approve_scope(project, manager)
    v1 = base_version(project, manager)
    response = signed_in.post(
        reverse("models_registry:evaluation-create", args=[project.pk]),
        {
            "model_version": str(v1.pk),
            "benchmark": "Pilot week",
            f"criterion_{accuracy.pk}": "0.91",
            f"criterion_{triage.pk}": "5.5",
            "extra_metrics": "latency_p95, 820, ms\nlatency_p95, 760, ms, language=de",
        },
    )
    assert response.status_code == 302
    evaluation = Evaluation.objects.get()
    assert response["Location"] == reverse(
        "models_registry:evaluation-detail", args=[project.pk, evaluation.pk]
    )
    rows = {
        (m.name, m.slice_key): m for m in EvaluationMetric.objects.filter(evaluation=evaluation)
    }
    assert rows[("Routing accuracy", "")].criterion == accuracy
    assert rows[("Median triage time", "")].higher_is_better is False
    assert rows[("latency_p95", "")].value == Decimal("820")
    assert rows[("latency_p95", "language")].slice_value == "de"
    detail = signed_in.get(response["Location"]).content.decode()
    assert detail.count(">pass<") == 1  # accuracy 0.91 ≥ 0.90
    assert detail.count(">fail<") == 1  # 5.5 hours > 4


def test_a_slice_without_its_overall_is_refused_in_the_form_and_nothing_is_recorded(
    project, manager, signed_in
):
    v1 = base_version(project, manager)
    response = signed_in.post(
        reverse("models_registry:evaluation-create", args=[project.pk]),
        {
            "model_version": str(v1.pk),
            "benchmark": "Pilot",
            "extra_metrics": "accuracy, 0.88, ratio, language=de",
        },
    )
    assert response.status_code == 400
    assert "overall figure" in response.content.decode()
    assert not Evaluation.objects.exists()


def test_hyperparameters_that_are_not_a_json_object_stay_in_the_form(project, manager, signed_in):
    v1 = base_version(project, manager)
    data = services.dataset_create(
        actor=manager, project=project, name="Notes", source="Wiki", licence="Internal"
    )
    response = signed_in.post(
        reverse("models_registry:run-create", args=[project.pk]),
        {
            "name": "LoRA 1",
            "method": "lora",
            "base_version": str(v1.pk),
            "dataset": str(data.pk),
            "hyperparameters": "[16, 32]",
            "status": "planned",
        },
    )
    assert response.status_code == 400
    assert "JSON object" in response.content.decode()
    assert not FineTuneRun.objects.exists()


def test_a_version_is_recorded_from_its_parent(project, manager, signed_in):
    v1 = base_version(project, manager)
    response = signed_in.post(
        reverse("models_registry:version-create", args=[project.pk]),
        {"parent": str(v1.pk), "adaptation": "prompting", "name": ""},
    )
    assert response.status_code == 302
    v2 = ModelVersion.objects.get(number=2)
    assert (v2.parent, v2.name) == (v1, "v2")


def test_the_prompt_page_shows_two_versions_side_by_side(project, manager, signed_in):
    template = services.prompt_template_create(
        actor=manager, project=project, name="Triage", text="Route the claim.\nBe brief."
    )
    url = reverse("models_registry:prompt-detail", args=[project.pk, template.pk])
    posted = signed_in.post(
        url, {"text": "Route the claim to a team.\nBe brief.", "change_note": "Team"}
    )
    assert posted.status_code == 302
    html = signed_in.get(url).content.decode()
    assert "<del>Route the claim.</del>" in html
    assert "<ins>Route the claim to a team.</ins>" in html
    same = signed_in.post(url, {"text": "Route the claim to a team.\nBe brief."})
    assert same.status_code == 400
    assert "same as the latest version" in same.content.decode()


@pytest.mark.parametrize("count", [5, 200])
def test_the_tab_and_the_api_list_cost_the_same_queries_for_5_and_200_evaluations(
    project, manager, signed_in, token_client, django_assert_max_num_queries, count
):
    accuracy, _ = approve_scope(project, manager)
    v1 = base_version(project, manager)
    now = timezone.now()
    evaluations = Evaluation.objects.bulk_create(
        Evaluation(project=project, model_version=v1, benchmark=f"B{i}", evaluated_at=now)
        for i in range(count)
    )
    EvaluationMetric.objects.bulk_create(
        EvaluationMetric(evaluation=e, name="accuracy", value="0.9", criterion=accuracy)
        for e in evaluations
    )
    api = token_client(manager)
    # The same count for both sizes (measured: 23, one of them the catalogue for the base-model
    # choice, and 8); a query per row would blow it.
    with django_assert_max_num_queries(23):
        assert signed_in.get(page(project)).status_code == 200
    with django_assert_max_num_queries(8):
        listed = api.get(f"/api/v1/projects/{project.pk}/adapt/evaluations/")
    assert listed.status_code == 200


def test_feedback_is_triaged_on_the_page_and_a_user_test_recorded(project, manager, signed_in):
    v1 = base_version(project, manager)
    item = services.feedback_record(actor=manager, project=project, text="Too terse.")
    triage = reverse("models_registry:feedback-triage", args=[project.pk, item.pk])
    refused = signed_in.post(triage, {"status": "rejected"})
    assert refused.status_code == 400
    assert "Say why the feedback is rejected." in refused.content.decode()
    assert signed_in.post(triage, {"status": "accepted"}).status_code == 302
    no_version = signed_in.post(triage, {"status": "addressed"})
    assert no_version.status_code == 400
    recorded = signed_in.post(
        reverse("models_registry:user-test-create", args=[project.pk]),
        {
            "model_version": str(v1.pk),
            "held_on": "2026-11-20",
            "participants": "6",
            "tasks": "Route five claims\n\nExplain one",
            "attempts": "30",
            "successes": "24",
            "satisfaction": "4.2",
        },
    )
    assert recorded.status_code == 302
    html = " ".join(signed_in.get(page(project)).content.decode().split())
    assert "80 % (24/30)" in html
    assert "Accepted" in html
