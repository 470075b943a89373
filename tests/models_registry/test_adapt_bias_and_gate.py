"""Bias checks on slice metrics (hand-computed examples, the four-fifths rule included), their
review, and the Adapt → Integrate gate criteria they feed."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import ProjectMembership
from audit.models import AuditEvent
from models_registry import services
from models_registry.evaluating import deviation_flags, four_fifths_flags
from models_registry.models import BiasCheck
from projects.lifecycle import gates
from projects.models import Project
from tests.models_registry.adapt_support import approve_scope, base_version, metric

pytestmark = pytest.mark.django_db
D = Decimal


def by_slice(rows):
    return {row["slice"]: row for row in rows}


def test_four_fifths_flags_a_group_below_four_fifths_of_the_highest_rate():
    rows = by_slice(four_fifths_flags({"a": D("0.60"), "b": D("0.45"), "c": D("0.50")}))
    assert rows["a"]["ratio"] == 1
    assert rows["b"]["ratio"] == D("0.75")  # 0.45 / 0.60
    assert rows["b"]["flagged"] is True
    assert rows["c"]["ratio"].quantize(D("0.0001")) == D("0.8333")
    assert rows["c"]["flagged"] is False


def test_exactly_four_fifths_is_not_adverse_impact():
    rows = by_slice(four_fifths_flags({"a": D("0.60"), "b": D("0.48")}))
    assert rows["b"]["ratio"] == D("0.8")
    assert rows["b"]["flagged"] is False


def test_four_fifths_refuses_values_that_are_not_rates():
    with pytest.raises(ValueError, match="between 0 and 1"):
        four_fifths_flags({"a": D("62"), "b": D("40")})


def test_deviation_flags_by_units_or_by_share_of_the_overall():
    absolute = by_slice(
        deviation_flags(
            D("0.90"), {"de": D("0.84"), "fr": D("0.87")}, threshold=D("0.05"), relative=False
        )
    )
    assert absolute["de"]["deviation"] == D("-0.06")
    assert absolute["de"]["flagged"] is True
    assert absolute["fr"]["flagged"] is False
    relative = by_slice(
        deviation_flags(
            D("0.50"), {"x": D("0.44"), "y": D("0.46")}, threshold=D("0.10"), relative=True
        )
    )
    assert relative["x"]["measured"] == D("0.12")
    assert relative["x"]["flagged"] is True
    assert relative["y"]["flagged"] is False  # 8 %


@pytest.fixture
def sliced(project, manager):
    v1 = base_version(project, manager)
    evaluation, _ = services.evaluation_record(
        actor=manager,
        project=project,
        model_version=v1,
        benchmark="Hold-out",
        metrics=[
            metric("accuracy", "0.90"),
            metric("accuracy", "0.84", slice_key="language", slice_value="de"),
            metric("accuracy", "0.91", slice_key="language", slice_value="fr"),
            metric("selection_rate", "0.30"),
            metric("selection_rate", "0.36", slice_key="gender", slice_value="women"),
            metric("selection_rate", "0.27", slice_key="gender", slice_value="men"),
        ],
    )
    return evaluation


def test_a_bias_check_computes_and_freezes_its_flags(sliced, manager):
    check = services.bias_check_run(
        actor=manager, evaluation=sliced, metric_name="accuracy", slice_key="language"
    )
    assert check.flagged_count == 1
    assert {r["slice"]: r["flagged"] for r in check.results} == {"de": True, "fr": False}
    rates = services.bias_check_run(
        actor=manager,
        evaluation=sliced,
        metric_name="selection_rate",
        slice_key="gender",
        method="four_fifths",
    )
    assert rates.threshold == D("0.8")
    assert {r["slice"]: r["flagged"] for r in rates.results} == {"men": True, "women": False}
    assert AuditEvent.objects.filter(action="bias_check.run").count() == 2


@pytest.mark.parametrize(
    ("metric_name", "slice_key", "method", "message"),
    [
        ("accuracy", "region", "deviation", "no accuracy figures by region"),
        ("latency", "language", "deviation", "no latency figures"),
        ("accuracy", "language", "four_fifths", None),  # accuracy values are rates: allowed
    ],
)
def test_a_bias_check_needs_slices_of_the_metric(
    sliced, manager, metric_name, slice_key, method, message
):
    if message is None:
        services.bias_check_run(
            actor=manager,
            evaluation=sliced,
            metric_name=metric_name,
            slice_key=slice_key,
            method=method,
        )
        return
    with pytest.raises(ValidationError, match=message):
        services.bias_check_run(
            actor=manager,
            evaluation=sliced,
            metric_name=metric_name,
            slice_key=slice_key,
            method=method,
        )
    assert not BiasCheck.objects.exists()


def test_who_ran_a_check_does_not_review_it_and_mitigation_says_what_was_done(
    sliced, manager, project, project_member
):
    check = services.bias_check_run(
        actor=manager, evaluation=sliced, metric_name="accuracy", slice_key="language"
    )
    with pytest.raises(PermissionDenied):
        services.bias_check_review(actor=manager, check=check, outcome="acceptable")
    reviewer = project_member(project, ProjectMembership.Role.REVIEWER)
    with pytest.raises(ValidationError, match="what was done"):
        services.bias_check_review(actor=reviewer, check=check, outcome="mitigated")
    done = services.bias_check_review(
        actor=reviewer, check=check, outcome="mitigated", notes="Added 2,000 German claims."
    )
    assert (done.outcome, done.reviewer) == ("mitigated", reviewer)
    with pytest.raises(ValidationError, match="already reviewed"):
        services.bias_check_review(actor=reviewer, check=check, outcome="acceptable")
    viewer = project_member(project, ProjectMembership.Role.VIEWER)
    other = services.bias_check_run(
        actor=manager, evaluation=sliced, metric_name="selection_rate", slice_key="gender"
    )
    with pytest.raises(PermissionDenied):
        services.bias_check_review(actor=viewer, check=other, outcome="acceptable")


def _adapt_results(project):
    Project.objects.filter(pk=project.pk).update(phase="adapt")
    project.refresh_from_db()
    return {r.key: r for r in gates.evaluate(project)}


def test_the_integrate_gate_waits_for_criteria_met_and_a_cleared_bias_check(
    project, manager, project_member
):
    accuracy, triage = approve_scope(project, manager)
    results = _adapt_results(project)
    assert not results["success_criteria_met"].met
    assert not results["bias_check_cleared"].met
    v1 = base_version(project, manager)
    evaluation, _ = services.evaluation_record(
        actor=manager,
        project=project,
        model_version=v1,
        benchmark="Pilot",
        metrics=[
            metric("accuracy", "0.93", criterion=accuracy.pk),
            metric("accuracy", "0.90", slice_key="language", slice_value="de"),
            metric("accuracy", "0.94", slice_key="language", slice_value="fr"),
            metric("hours", "5", criterion=triage.pk, higher_is_better=False),
        ],
    )
    results = _adapt_results(project)
    assert not results["success_criteria_met"].met
    assert "Median triage time" in results["success_criteria_met"].detail
    v2 = services.model_version_create(
        actor=manager, project=project, parent=v1, adaptation="prompting"
    )
    passing, _ = services.evaluation_record(
        actor=manager,
        project=project,
        model_version=v2,
        benchmark="Pilot",
        metrics=[
            metric("accuracy", "0.92", criterion=accuracy.pk),
            metric("accuracy", "0.91", slice_key="language", slice_value="de"),
            metric("accuracy", "0.93", slice_key="language", slice_value="fr"),
            metric("hours", "3.5", criterion=triage.pk, higher_is_better=False),
        ],
    )
    results = _adapt_results(project)
    assert results["success_criteria_met"].met
    assert not results["bias_check_cleared"].met
    reviewer = project_member(project, ProjectMembership.Role.REVIEWER)
    on_v1 = services.bias_check_run(
        actor=manager, evaluation=evaluation, metric_name="accuracy", slice_key="language"
    )
    services.bias_check_review(actor=reviewer, check=on_v1, outcome="acceptable")
    assert not _adapt_results(project)["bias_check_cleared"].met  # on the wrong version
    on_v2 = services.bias_check_run(
        actor=manager, evaluation=passing, metric_name="accuracy", slice_key="language"
    )
    services.bias_check_review(
        actor=reviewer, check=on_v2, outcome="unacceptable", notes="Too wide."
    )
    assert not _adapt_results(project)["bias_check_cleared"].met
    again = services.bias_check_run(
        actor=manager, evaluation=passing, metric_name="accuracy", slice_key="language"
    )
    services.bias_check_review(actor=reviewer, check=again, outcome="acceptable")
    assert _adapt_results(project)["bias_check_cleared"].met
