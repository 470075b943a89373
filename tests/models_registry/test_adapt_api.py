"""The Adapt & align API as its clients use it: a CI pipeline posting an evaluation with a
personal token (and retrying it), notebooks recording versions, prompts, data and runs."""

import json

import pytest
from django.urls import reverse

from accounts.models import ProjectMembership
from audit.models import AuditEvent
from models_registry.models import Dataset, Evaluation, EvaluationMetric, ModelVersion
from tests.factories import ProjectFactory
from tests.models_registry.adapt_support import approve_scope, base_version

pytestmark = pytest.mark.django_db

API = "/api/v1/projects/{project}/adapt/"


def url(project, path: str) -> str:
    return API.format(project=project.pk) + path


@pytest.fixture
def adapt(project, manager):
    criteria = approve_scope(project, manager)
    v1 = base_version(project, manager)
    return {"criteria": criteria, "v1": v1}


@pytest.fixture
def ci(project, project_member, token_client):
    """A CI pipeline's client: a contributor's personal token."""
    return token_client(project_member(project, ProjectMembership.Role.CONTRIBUTOR))


def ci_run(version, criterion, *, run_id="gha-8812-1", accuracy=0.931):
    return {
        "run_id": run_id,
        "model_version": str(version.pk),
        "benchmark": "Claims routing hold-out",
        "metrics": [
            {
                "name": "accuracy",
                "value": accuracy,
                "unit": "ratio",
                "criterion": str(criterion.pk),
            },
            {
                "name": "accuracy",
                "value": 0.902,
                "unit": "ratio",
                "slice_key": "language",
                "slice_value": "de",
                "sample_size": 412,
            },
        ],
    }


def test_a_ci_pipeline_posts_an_evaluation_and_the_criterion_shows_it_passing(
    project, adapt, ci, client, manager
):
    accuracy = adapt["criteria"][0]
    posted = ci.post(url(project, "evaluations/"), ci_run(adapt["v1"], accuracy), format="json")
    assert posted.status_code == 201, posted.content
    body = posted.json()
    assert body["source"] == "api"
    overall = next(m for m in body["metrics"] if not m["slice_key"])
    assert overall["passed"] is True
    assert overall["value"] == "0.93100000"
    standing = ci.get(url(project, "criteria/")).json()
    by_metric = {entry["metric"]: entry for entry in standing}
    assert by_metric["Routing accuracy"]["points"] == [
        {
            "version": {"id": str(adapt["v1"].pk), "number": 1, "name": "v1"},
            "value": "0.93100000",
            "passed": True,
            "evaluation": body["id"],
        }
    ]
    assert by_metric["Median triage time"]["points"] == []
    client.force_login(manager)  # and the project's page says so
    html = client.get(reverse("models_registry:adapt", args=[project.pk])).content.decode()
    assert 'latest: v1 <span class="badge ok">passes</span>' in " ".join(html.split())


def test_a_retried_post_with_the_same_run_id_creates_nothing(project, adapt, ci):
    payload = ci_run(adapt["v1"], adapt["criteria"][0])
    first = ci.post(url(project, "evaluations/"), payload, format="json")
    again = ci.post(url(project, "evaluations/"), payload, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Evaluation.objects.count() == 1
    assert EvaluationMetric.objects.count() == 2
    assert AuditEvent.objects.filter(action="evaluation.recorded").count() == 1


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_json_numbers_are_refused_and_nothing_is_recorded(project, adapt, ci, literal):
    body = json.dumps(ci_run(adapt["v1"], adapt["criteria"][0])).replace("0.931", literal)
    response = ci.post(url(project, "evaluations/"), body, content_type="application/json")
    assert response.status_code == 400
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("value", ["NaN", "inf", "ninety", True, None])
def test_non_numeric_metric_values_are_refused_whole(project, adapt, ci, value):
    payload = ci_run(adapt["v1"], adapt["criteria"][0])
    payload["metrics"][1]["value"] = value
    response = ci.post(url(project, "evaluations/"), payload, format="json")
    assert response.status_code == 400
    assert "metrics" in response.json()["errors"]
    assert not Evaluation.objects.exists()


def test_a_criterion_of_another_project_is_a_400_and_nothing_is_recorded(
    project, adapt, ci, org, compliance_officer
):
    elsewhere = ProjectFactory(organization=org)
    foreign = approve_scope(elsewhere, compliance_officer)[0]
    response = ci.post(url(project, "evaluations/"), ci_run(adapt["v1"], foreign), format="json")
    assert response.status_code == 400
    assert "approved scope" in json.dumps(response.json())
    assert not Evaluation.objects.exists()


def test_a_slice_without_its_overall_figure_is_refused(project, adapt, ci):
    payload = ci_run(adapt["v1"], adapt["criteria"][0])
    payload["metrics"] = payload["metrics"][1:]
    response = ci.post(url(project, "evaluations/"), payload, format="json")
    assert response.status_code == 400
    assert "overall" in json.dumps(response.json())


def test_another_organisation_gets_404_for_the_evaluations(project, adapt, outsider, token_client):
    client = token_client(outsider)
    assert client.get(url(project, "evaluations/")).status_code == 404
    posted = client.post(
        url(project, "evaluations/"), ci_run(adapt["v1"], adapt["criteria"][0]), format="json"
    )
    assert posted.status_code == 404
    assert not Evaluation.objects.exists()


def test_a_viewer_reads_but_does_not_post(project, adapt, project_member, token_client):
    viewer = token_client(project_member(project, ProjectMembership.Role.VIEWER))
    assert viewer.get(url(project, "evaluations/")).status_code == 200
    posted = viewer.post(
        url(project, "evaluations/"), ci_run(adapt["v1"], adapt["criteria"][0]), format="json"
    )
    assert posted.status_code == 403


def test_versions_show_their_lineage_and_prompts_their_diff(project, adapt, ci):
    v1 = adapt["v1"]
    made = ci.post(
        url(project, "model-versions/"),
        {"parent": str(v1.pk), "adaptation": "fine_tune", "name": "v2 LoRA"},
        format="json",
    )
    assert made.status_code == 201, made.content
    assert [v["number"] for v in made.json()["lineage"]] == [1, 2]
    created = ci.post(
        url(project, "prompts/"),
        {"name": "Triage", "text": "Route {{ claim }}.\nBe brief.", "model_version": str(v1.pk)},
        format="json",
    )
    assert created.status_code == 201, created.content
    template = created.json()["id"]
    second = ci.post(
        url(project, f"prompts/{template}/versions/"),
        {"text": "Route {{ claim }} for {{ team }}.\nBe brief.", "change_note": "Name the team."},
        format="json",
    )
    assert second.status_code == 201
    assert second.json()["variables"] == ["claim", "team"]
    diff = ci.get(url(project, f"prompts/{template}/diff/"), {"old": 1, "new": 2}).json()
    assert [row["kind"] for row in diff["rows"]] == ["changed", "same"]
    missing = ci.get(url(project, f"prompts/{template}/diff/"), {"old": 1, "new": 9})
    assert missing.status_code == 400


def test_a_parent_of_another_project_is_a_400(project, adapt, ci, org, admin):
    elsewhere = ProjectFactory(organization=org)
    foreign = base_version(elsewhere, admin)
    response = ci.post(
        url(project, "model-versions/"),
        {"parent": str(foreign.pk), "adaptation": "fine_tune"},
        format="json",
    )
    assert response.status_code == 400
    assert ModelVersion.objects.filter(project=project).count() == 1


def test_datasets_and_runs_keep_their_governance_and_refuse_non_object_hyperparameters(
    project, adapt, ci
):
    personal = ci.post(
        url(project, "datasets/"),
        {"name": "Claims", "source": "Claims system", "licence": "Internal", "personal_data": True},
        format="json",
    )
    assert personal.status_code == 400
    assert {"lawful_basis", "retention"} <= set(personal.json()["errors"])
    dataset = ci.post(
        url(project, "datasets/"),
        {"name": "Notes", "source": "Wiki", "licence": "Internal"},
        format="json",
    )
    assert dataset.status_code == 201
    run = {
        "name": "LoRA 1",
        "method": "lora",
        "base_version": str(adapt["v1"].pk),
        "dataset": dataset.json()["id"],
        "hyperparameters": [8, 16],
    }
    assert ci.post(url(project, "fine-tune-runs/"), run, format="json").status_code == 400
    run["hyperparameters"] = {"rank": 8, "alpha": 16}
    made = ci.post(url(project, "fine-tune-runs/"), run, format="json")
    assert made.status_code == 201, made.content
    assert made.json()["hyperparameters"] == {"rank": 8, "alpha": 16}
    assert Dataset.objects.filter(project=project).count() == 1


def test_a_bias_check_is_run_on_the_slices_and_reviewed_by_someone_else(
    project, adapt, ci, project_member, token_client
):
    posted = ci.post(
        url(project, "evaluations/"), ci_run(adapt["v1"], adapt["criteria"][0]), format="json"
    )
    payload = {
        "evaluation": posted.json()["id"],
        "metric_name": "accuracy",
        "slice_key": "language",
    }
    one_slice = ci.post(url(project, "bias-checks/"), payload, format="json")
    assert one_slice.status_code == 400  # the run holds one language only
    assert "two slices" in json.dumps(one_slice.json())
    second = ci_run(adapt["v1"], adapt["criteria"][0], run_id="gha-8812-2")
    second["metrics"].append(
        {"name": "accuracy", "value": 0.95, "slice_key": "language", "slice_value": "fr"}
    )
    posted = ci.post(url(project, "evaluations/"), second, format="json")
    payload["evaluation"] = posted.json()["id"]
    run = ci.post(url(project, "bias-checks/"), payload, format="json")
    assert run.status_code == 201, run.content
    body = run.json()
    assert body["flagged_count"] == 0  # de 0.902 and fr 0.95 against 0.931: within 0.05
    assert body["outcome"] == ""
    own = ci.post(
        url(project, f"bias-checks/{body['id']}/review/"), {"outcome": "acceptable"}, format="json"
    )
    assert own.status_code == 403
    reviewer = token_client(project_member(project, ProjectMembership.Role.REVIEWER))
    reviewed = reviewer.post(
        url(project, f"bias-checks/{body['id']}/review/"), {"outcome": "acceptable"}, format="json"
    )
    assert reviewed.status_code == 200
    assert reviewed.json()["outcome"] == "acceptable"
