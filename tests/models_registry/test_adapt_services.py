"""Adapt & align: version lineage, prompt versions and their diff, data governance, fine-tuning
runs, and evaluations judged against the approved scope's success criteria."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import ProjectMembership
from audit.models import AuditEvent
from models_registry import selectors, services
from models_registry.evaluating import (
    SLICE_WITHOUT_OVERALL,
    batch_problems,
    finite_decimal,
    meets,
)
from models_registry.models import Evaluation, EvaluationMetric, FineTuneRun, ModelVersion
from models_registry.prompts import placeholders, side_by_side
from models_registry.services.adapt import (
    CRITERION_NOT_APPROVED,
    NO_DECISION,
    ONE_BASE,
    RUN_ID_TAKEN_DIFFERENTLY,
    SAME_TEXT,
)
from tests.factories import ProjectFactory
from tests.models_registry.adapt_support import approve_scope, base_version, metric

pytestmark = pytest.mark.django_db


# --- the pure parts -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "comparison", "target", "expected"),
    [
        ("0.90", "gte", "0.90", True),
        ("0.89", "gte", "0.90", False),
        ("4", "lte", "4", True),
        ("4.01", "lte", "4", False),
        ("1", "eq", "1.000", True),
    ],
)
def test_a_value_meets_its_target_by_the_criterion_s_comparison(
    value, comparison, target, expected
):
    assert meets(Decimal(value), comparison, Decimal(target)) is expected


@pytest.mark.parametrize("raw", ["NaN", "nan", "inf", "-Infinity", "high", "", None, True, [1]])
def test_metric_values_must_be_finite_numbers(raw):
    with pytest.raises(ValueError, match="finite number"):
        finite_decimal(raw)


def test_metric_values_keep_their_digits():
    assert finite_decimal(0.1) == Decimal("0.1")
    assert finite_decimal("12.50") == Decimal("12.50")


def test_a_batch_names_each_bad_metric_by_its_position():
    problems = batch_problems(
        [
            metric("accuracy", "0.9"),
            metric("accuracy", "0.8", slice_key="language", slice_value="de"),
            metric("recall", "0.7", slice_key="language", slice_value="de"),
            metric("accuracy", "0.9"),
            metric("f1", "NaN"),
            metric("f1b", "0.5", slice_key="language"),
        ]
    )
    assert set(problems) == {2, 3, 4, 5}
    assert problems[2] == SLICE_WITHOUT_OVERALL
    assert "twice" in problems[3]
    assert "finite" in problems[4]
    assert "both" in problems[5]


def test_placeholders_are_found_once_in_order():
    text = "Claim {{ claim_text }} from {{customer}}; again {{ claim_text }}; not {single}"
    assert placeholders(text) == ["claim_text", "customer"]


def test_the_side_by_side_diff_pairs_changed_lines_and_faces_blanks():
    old = "You are a triage assistant.\nBe brief.\nAnswer in English."
    new = "You are a claims triage assistant.\nBe brief.\nAnswer in the claim's language.\nCite."
    rows = [(r.kind, r.old_number, r.new_number) for r in side_by_side(old, new)]
    assert rows == [
        ("changed", 1, 1),
        ("same", 2, 2),
        ("changed", 3, 3),
        ("added", None, 4),
    ]


# --- versions -----------------------------------------------------------------------------------


def test_versions_form_a_lineage_from_the_base(project, manager):
    v1 = base_version(project, manager)
    v2 = services.model_version_create(
        actor=manager, project=project, parent=v1, adaptation="fine_tune", name="v2 LoRA"
    )
    v3 = services.model_version_create(
        actor=manager, project=project, parent=v2, adaptation="prompting"
    )
    assert (v1.number, v2.number, v3.number) == (1, 2, 3)
    assert v3.name == "v3"
    assert v3.base_model_id == v1.base_model_id  # the lineage keeps its base model
    assert selectors.version_lineage(version=v3) == [v1, v2, v3]
    assert (
        AuditEvent.objects.filter(action="model_version.created", project_id=project.pk).count()
        == 3
    )


def test_a_project_has_one_base_version_and_adaptations_need_a_parent(project, manager):
    v1 = base_version(project, manager)
    with pytest.raises(ValidationError) as second_base:
        base_version(project, manager)
    assert ONE_BASE in str(second_base.value)
    with pytest.raises(ValidationError) as orphan:
        services.model_version_create(actor=manager, project=project, adaptation="fine_tune")
    assert "adapted from" in str(orphan.value)
    assert list(ModelVersion.objects.filter(project=project)) == [v1]


def test_the_base_version_defaults_to_the_chosen_model_and_needs_a_decision(project, manager):
    with pytest.raises(ValidationError) as no_decision:
        services.model_version_create(actor=manager, project=project)
    assert NO_DECISION in str(no_decision.value)
    assert not ModelVersion.objects.exists()


def test_a_parent_of_another_project_is_refused(project, manager, org, admin):
    elsewhere = ProjectFactory(organization=org)
    other_base = base_version(elsewhere, admin)
    with pytest.raises(ValidationError, match="this project"):
        services.model_version_create(
            actor=manager, project=project, parent=other_base, adaptation="fine_tune"
        )
    assert not ModelVersion.objects.filter(project=project).exists()


def test_a_viewer_records_nothing(project, manager, project_member):
    viewer = project_member(project, ProjectMembership.Role.VIEWER)
    with pytest.raises(PermissionDenied):
        base_version(project, viewer)


# --- prompts ------------------------------------------------------------------------------------


def test_prompt_versions_number_up_and_refuse_an_unchanged_text(project, manager):
    v1 = base_version(project, manager)
    template = services.prompt_template_create(
        actor=manager,
        project=project,
        name="Triage",
        text="Route {{ claim }}.",
        model_version=v1,
        change_note="First draft.",
    )
    second = services.prompt_version_create(
        actor=manager, template=template, text="Route {{ claim }} for {{ customer }}."
    )
    assert second.number == 2
    assert second.variables == ["claim", "customer"]
    with pytest.raises(ValidationError) as same:
        services.prompt_version_create(actor=manager, template=template, text=second.text)
    assert SAME_TEXT in str(same.value)
    first = selectors.prompt_version_in_template(template=template, number=1)
    assert first is not None
    rows = selectors.prompt_diff(old=first, new=second)
    assert [(r.kind, r.old, r.new) for r in rows] == [
        ("changed", "Route {{ claim }}.", "Route {{ claim }} for {{ customer }}.")
    ]


# --- data and runs ------------------------------------------------------------------------------


def test_personal_data_needs_its_lawful_basis_and_retention(project, manager):
    with pytest.raises(ValidationError) as missing:
        services.dataset_create(
            actor=manager,
            project=project,
            name="Claims 2025",
            source="Claims system export",
            licence="Internal",
            personal_data=True,
        )
    assert set(missing.value.message_dict) == {"lawful_basis", "retention"}
    with pytest.raises(ValidationError) as needless:
        services.dataset_create(
            actor=manager,
            project=project,
            name="Public benchmark",
            source="Hugging Face",
            licence="CC-BY-4.0",
            lawful_basis="consent",
        )
    assert "lawful_basis" in needless.value.message_dict
    governed = services.dataset_create(
        actor=manager,
        project=project,
        name="Claims 2025",
        source="Claims system export",
        licence="Internal",
        personal_data=True,
        lawful_basis="contract",
        retention="Deleted 12 months after the model is retired.",
    )
    assert governed.lawful_basis == "contract"


def test_a_fine_tune_run_records_its_method_data_cost_and_result(project, manager):
    v1 = base_version(project, manager)
    data = services.dataset_create(
        actor=manager, project=project, name="Notes", source="Wiki", licence="Internal"
    )
    with pytest.raises(ValidationError) as not_object:
        services.fine_tune_run_create(
            actor=manager,
            project=project,
            name="LoRA 1",
            method="lora",
            base_version=v1,
            dataset=data,
            hyperparameters=[["rank", 8]],
        )
    assert "JSON object" in str(not_object.value)
    run = services.fine_tune_run_create(
        actor=manager,
        project=project,
        name="LoRA 1",
        method="lora",
        base_version=v1,
        dataset=data,
        hyperparameters={"rank": 16, "alpha": 32, "learning_rate": 0.0002},
        gpu_hours=Decimal("12.5"),
        cost=Decimal("48.00"),
        cost_currency="EUR",
        status="running",
    )
    v2 = services.model_version_create(
        actor=manager, project=project, parent=v1, adaptation="fine_tune"
    )
    with pytest.raises(ValidationError, match="succeeded"):
        services.fine_tune_run_update(actor=manager, run=run, result_version=v2)
    done = services.fine_tune_run_update(
        actor=manager, run=run, status="succeeded", result_version=v2
    )
    assert done.result_version == v2
    assert FineTuneRun.objects.get(pk=run.pk).status == "succeeded"
    updated = AuditEvent.objects.get(action="fine_tune_run.updated", target_id=str(run.pk))
    assert updated.data["status"] == {"old": "running", "new": "succeeded"}


# --- evaluations --------------------------------------------------------------------------------


def test_bound_metrics_pass_or_fail_and_the_trend_reads_across_versions(project, manager):
    accuracy, triage_time = approve_scope(project, manager)
    v1 = base_version(project, manager)
    v2 = services.model_version_create(
        actor=manager, project=project, parent=v1, adaptation="fine_tune"
    )
    for version, value in ((v1, "0.85"), (v2, "0.93")):
        services.evaluation_record(
            actor=manager,
            project=project,
            model_version=version,
            benchmark="Claims routing hold-out",
            metrics=[metric("accuracy", value, criterion=str(accuracy.pk))],
        )
    standing = {entry.criterion.pk: entry for entry in selectors.criteria_standing(project=project)}
    points = standing[accuracy.pk].points
    assert [(p["version"].number, p["value"], p["passed"]) for p in points] == [
        (1, Decimal("0.85000000"), False),
        (2, Decimal("0.93000000"), True),
    ]
    assert standing[triage_time.pk].points == []
    passes, missing = selectors.version_passes_all_criteria(version=v2)
    assert not passes
    assert missing == [str(triage_time)]
    services.evaluation_record(
        actor=manager,
        project=project,
        model_version=v2,
        benchmark="Pilot week",
        metrics=[
            metric(
                "median_triage_hours",
                "3.5",
                unit="hours",
                higher_is_better=False,
                criterion=triage_time.pk,
            )
        ],
    )
    assert selectors.version_passes_all_criteria(version=v2) == (True, [])


def test_a_criterion_of_another_project_or_an_unapproved_scope_is_refused_whole(
    project, manager, org, compliance_officer
):
    approve_scope(project, manager)
    v1 = base_version(project, manager)
    elsewhere = ProjectFactory(organization=org)
    foreign = approve_scope(elsewhere, compliance_officer)[0]
    with pytest.raises(ValidationError) as refused:
        services.evaluation_record(
            actor=manager,
            project=project,
            model_version=v1,
            benchmark="Hold-out",
            metrics=[metric("latency", "1.0"), metric("accuracy", "0.9", criterion=foreign.pk)],
        )
    assert CRITERION_NOT_APPROVED in str(refused.value)
    assert not Evaluation.objects.exists()
    assert not EvaluationMetric.objects.exists()


@pytest.mark.parametrize("bad", ["NaN", "inf", "-inf", "ninety", None])
def test_a_non_finite_value_refuses_the_whole_batch(project, manager, bad):
    v1 = base_version(project, manager)
    with pytest.raises(ValidationError, match="finite"):
        services.evaluation_record(
            actor=manager,
            project=project,
            model_version=v1,
            benchmark="Hold-out",
            metrics=[metric("accuracy", "0.9"), metric("recall", bad)],
        )
    assert not Evaluation.objects.exists()


def test_a_run_id_posted_twice_records_one_evaluation(project, manager):
    v1 = base_version(project, manager)
    batch = [
        metric("accuracy", "0.9"),
        metric("accuracy", "0.84", slice_key="language", slice_value="de", sample_size=400),
    ]
    first, created = services.evaluation_record(
        actor=manager,
        project=project,
        model_version=v1,
        benchmark="Hold-out",
        metrics=batch,
        run_id="ci-4711",
    )
    again, created_again = services.evaluation_record(
        actor=manager,
        project=project,
        model_version=v1,
        benchmark="Hold-out",
        metrics=batch,
        run_id="ci-4711",
    )
    assert created
    assert not created_again
    assert again.pk == first.pk
    assert EvaluationMetric.objects.filter(evaluation=first).count() == 2
    assert AuditEvent.objects.filter(action="evaluation.recorded").count() == 1
    v2 = services.model_version_create(
        actor=manager, project=project, parent=v1, adaptation="prompting"
    )
    with pytest.raises(ValidationError) as clash:
        services.evaluation_record(
            actor=manager,
            project=project,
            model_version=v2,
            benchmark="Hold-out",
            metrics=batch,
            run_id="ci-4711",
        )
    assert RUN_ID_TAKEN_DIFFERENTLY in str(clash.value)
    assert Evaluation.objects.count() == 1


def test_a_metric_the_model_refuses_is_named_by_its_place_and_nothing_is_recorded(project, manager):
    """A name too long for the table used to crash the refusal itself (a 500)."""
    v1 = base_version(project, manager)
    with pytest.raises(ValidationError) as refused:
        services.evaluation_record(
            actor=manager,
            project=project,
            model_version=v1,
            benchmark="Hold-out",
            metrics=[metric("accuracy", "0.9"), metric("x" * 200, "0.5")],
        )
    [message] = refused.value.message_dict["metrics"]
    assert message.startswith("Metric 2: name: Ensure this value has at most 120 characters")
    assert not Evaluation.objects.exists()
