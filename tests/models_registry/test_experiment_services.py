"""A/B tests: created whole or not at all, started, fed totals, finished with the outcome the
statistics support; each step audited and refused when it does not fit."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import ProjectMembership
from audit.models import AuditEvent
from models_registry import selectors, services
from models_registry.models import ABTest, ABVariant
from models_registry.services.experiments import (
    BATCH_DIFFERENT,
    NOT_RUNNING,
    ONE_CONTROL,
    SUCCESSES_RANGE,
    TOO_FEW_VARIANTS,
)
from tests.factories import ProjectFactory
from tests.models_registry.experiment_support import ab_test, two_versions, variants

pytestmark = pytest.mark.django_db


def _arms(test):
    control = test.variants.get(is_control=True)
    treatment = test.variants.get(is_control=False)
    return control, treatment


def test_a_test_is_created_with_its_variants_and_audited(project, manager):
    test = ab_test(project, manager)
    assert test.status == ABTest.Status.DRAFT
    assert [(v.name, v.traffic_share, v.is_control) for v in test.variants.all()] == [
        ("control", 50, True),
        ("treatment", 50, False),
    ]
    event = AuditEvent.objects.get(action="ab_test.created", project_id=project.pk)
    assert len(event.data["variants"]) == 2


@pytest.mark.parametrize(
    ("shares", "message"), [((50, 40), "add up to exactly 100"), ((70, 40), "110%")]
)
def test_shares_must_add_up_to_100(project, manager, shares, message):
    v1, v2 = two_versions(project, manager)
    with pytest.raises(ValidationError, match=message):
        services.ab_test_create(
            actor=manager,
            project=project,
            name="Bad split",
            metric_name="resolved",
            metric_kind="rate",
            variants=variants(v1, v2, shares),
        )
    assert not ABTest.objects.exists()
    assert not ABVariant.objects.exists()


def test_variants_need_two_one_control_and_this_project_s_versions(project, manager, org, admin):
    v1, v2 = two_versions(project, manager)
    base = {"actor": manager, "project": project, "metric_name": "m", "metric_kind": "rate"}
    one = [{"name": "a", "is_control": True, "model_version": v1, "traffic_share": 100}]
    with pytest.raises(ValidationError, match=TOO_FEW_VARIANTS):
        services.ab_test_create(name="t1", variants=one, **base)
    no_control = variants(v1, v2)
    no_control[0]["is_control"] = False
    with pytest.raises(ValidationError, match=ONE_CONTROL):
        services.ab_test_create(name="t2", variants=no_control, **base)
    elsewhere = ProjectFactory(organization=org)
    foreign, _ = two_versions(elsewhere, admin)
    with pytest.raises(ValidationError, match="this project"):
        services.ab_test_create(name="t3", variants=variants(v1, foreign), **base)
    no_version = variants(v1, v2)
    no_version[1]["model_version"] = None
    with pytest.raises(ValidationError, match="model version or the prompt version"):
        services.ab_test_create(name="t4", variants=no_version, **base)
    assert not ABTest.objects.exists()


def test_a_viewer_creates_nothing(project, manager, project_member):
    viewer = project_member(project, ProjectMembership.Role.VIEWER)
    v1, v2 = two_versions(project, manager)
    with pytest.raises(PermissionDenied):
        services.ab_test_create(
            actor=viewer,
            project=project,
            name="t",
            metric_name="m",
            metric_kind="rate",
            variants=variants(v1, v2),
        )


def test_results_only_while_running_and_checked(project, manager):
    test = ab_test(project, manager)
    control, _treatment = _arms(test)
    with pytest.raises(ValidationError, match=NOT_RUNNING):
        services.ab_test_results_post(actor=manager, variant=control, sample_size=10, successes=1)
    services.ab_test_start(actor=manager, test=test)
    bad_rates: list[dict[str, Any]] = [
        {"sample_size": 0, "successes": 0},
        {"sample_size": -3, "successes": 0},
        {"sample_size": 10, "successes": 11},
        {"sample_size": 10, "successes": -1},
        {"sample_size": "NaN", "successes": 1},
        {"sample_size": 10.5, "successes": 1},
        {"sample_size": 10, "successes": 1, "mean": 0.4},
    ]
    for bad in bad_rates:
        with pytest.raises(ValidationError):
            services.ab_test_results_post(actor=manager, variant=control, **bad)
    control.refresh_from_db()
    assert control.sample_size is None
    assert SUCCESSES_RANGE


def test_a_mean_test_refuses_bad_totals(project, manager):
    test = ab_test(project, manager, kind="mean")
    services.ab_test_start(actor=manager, test=test)
    control, _ = _arms(test)
    bad_means: list[dict[str, Any]] = [
        {"sample_size": 1, "mean": 4, "std_dev": 1},
        {"sample_size": 10, "mean": "inf", "std_dev": 1},
        {"sample_size": 10, "mean": 4, "std_dev": -1},
        {"sample_size": 10, "mean": 4, "std_dev": "nan"},
        {"sample_size": 10, "mean": 4, "std_dev": 1, "successes": 3},
    ]
    for bad in bad_means:
        with pytest.raises(ValidationError):
            services.ab_test_results_post(actor=manager, variant=control, **bad)
    services.ab_test_results_post(
        actor=manager, variant=control, sample_size=50, mean="4.0", std_dev="1.0"
    )
    control.refresh_from_db()
    assert (control.sample_size, str(control.mean)) == (50, "4.000000")


def test_posting_replaces_totals_and_a_batch_id_is_idempotent(project, manager):
    test = ab_test(project, manager)
    services.ab_test_start(actor=manager, test=test)
    control, _ = _arms(test)
    services.ab_test_results_post(actor=manager, variant=control, sample_size=100, successes=10)
    _, changed = services.ab_test_results_post(
        actor=manager, variant=control, sample_size=200, successes=30, batch_id="b-1"
    )
    assert changed
    _, again = services.ab_test_results_post(
        actor=manager, variant=control, sample_size=200, successes=30, batch_id="b-1"
    )
    assert not again
    with pytest.raises(ValidationError, match=BATCH_DIFFERENT):
        services.ab_test_results_post(
            actor=manager, variant=control, sample_size=300, successes=30, batch_id="b-1"
        )
    control.refresh_from_db()
    assert (control.sample_size, control.successes) == (200, 30)
    events = AuditEvent.objects.filter(action="ab_test.results_posted", project_id=project.pk)
    assert events.count() == 2
    last = events.order_by("sequence").last()
    assert last is not None
    assert last.data["before"] == {
        "sample_size": 100,
        "successes": 10,
        "mean": None,
        "std_dev": None,
    }


def test_finishing_records_the_winner(project, manager):
    test = ab_test(project, manager)
    services.ab_test_start(actor=manager, test=test)
    control, treatment = _arms(test)
    services.ab_test_results_post(actor=manager, variant=control, sample_size=1000, successes=120)
    services.ab_test_results_post(actor=manager, variant=treatment, sample_size=1000, successes=150)
    detail = selectors.ab_test_detail(test=test)
    row = detail.analysis.variants[0]
    assert row.comparison is not None
    assert row.comparison.p_value == pytest.approx(0.0496, abs=5e-4)
    assert row.better
    finished = services.ab_test_finish(actor=manager, test=test, conclusion="Ship v2.")
    assert finished.outcome == ABTest.Outcome.WINNER
    assert finished.winner_id == treatment.pk
    assert AuditEvent.objects.filter(action="ab_test.finished", project_id=project.pk).exists()
    with pytest.raises(ValidationError, match=NOT_RUNNING):
        services.ab_test_finish(actor=manager, test=finished)


def test_lower_is_better_and_not_significant_yet(project, manager):
    test = ab_test(project, manager, higher_is_better=False)
    services.ab_test_start(actor=manager, test=test)
    control, treatment = _arms(test)
    services.ab_test_results_post(actor=manager, variant=control, sample_size=1000, successes=120)
    services.ab_test_results_post(actor=manager, variant=treatment, sample_size=1000, successes=130)
    analysis = selectors.ab_test_detail(test=test).analysis
    row = analysis.variants[0]
    assert row.comparison is not None
    assert not row.comparison.significant
    # 0.12 vs 0.13 needs ≈ 17,000 per variant at power 0.8; 1,000 are in.
    assert row.more_needed is not None
    assert row.more_needed > 10000
    assert analysis.verdict.startswith("Not significant yet: about")
    finished = services.ab_test_finish(actor=manager, test=test)
    assert finished.outcome == ABTest.Outcome.NOT_SIGNIFICANT
    assert finished.winner is None


def test_a_winner_needs_the_minimum_sample(project, manager):
    test = ab_test(project, manager, min_sample_per_variant=5000)
    services.ab_test_start(actor=manager, test=test)
    control, treatment = _arms(test)
    services.ab_test_results_post(actor=manager, variant=control, sample_size=1000, successes=100)
    services.ab_test_results_post(actor=manager, variant=treatment, sample_size=1000, successes=200)
    finished = services.ab_test_finish(actor=manager, test=test)
    assert finished.outcome == ABTest.Outcome.NOT_SIGNIFICANT
