"""Integrate & operate: rollout plans that only go up, approved by another manager, promoted
one confirmed stage at a time, paused and rolled back; incidents and the Art. 73 clock, read
from data with its legal source."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import OrganizationMembership, ProjectMembership
from audit.models import AuditEvent
from models_registry import selectors, services
from models_registry.incident_clock import report_due, serious_kinds
from models_registry.models import Deployment, Incident
from tests.models_registry.adapt_support import base_version

pytestmark = pytest.mark.django_db
TODAY = date.today


def stages(*percents, start=None):
    start = start or timezone.localdate()
    return [
        {
            "traffic_percent": p,
            "starts_on": start + timedelta(days=i),
            "exit_criteria": f"Error rate < 1 % at {p} %",
        }
        for i, p in enumerate(percents)
    ]


@pytest.fixture
def second_manager(project, project_member):
    return project_member(project, ProjectMembership.Role.MANAGER)


@pytest.fixture
def planned(project, manager):
    return services.deployment_plan(
        actor=manager,
        project=project,
        name="Claims triage v1 to production",
        environment="production",
        model_version=base_version(project, manager),
        stages=stages(5, 25, 100, start=timezone.localdate()),
    )


def test_a_plan_whose_traffic_goes_down_or_whose_dates_go_back_is_refused(project, manager):
    v1 = base_version(project, manager)
    for bad, message in (
        (stages(10, 5), "more traffic"),
        (stages(10, 10), "more traffic"),
        ([], "at least one stage"),
        ([{"traffic_percent": 0, "starts_on": TODAY(), "exit_criteria": "x"}], "Stage 1"),
        (list(reversed(stages(5, 50))), "more traffic"),
    ):
        with pytest.raises(ValidationError, match=message):
            services.deployment_plan(
                actor=manager,
                project=project,
                name="Prod",
                environment="production",
                model_version=v1,
                stages=bad,
            )
    back = stages(5, 50)
    back[1]["starts_on"] = back[0]["starts_on"] - timedelta(days=1)
    with pytest.raises(ValidationError, match="on or after"):
        services.deployment_plan(
            actor=manager,
            project=project,
            name="Prod",
            environment="production",
            model_version=v1,
            stages=back,
        )
    assert not Deployment.objects.exists()


def test_the_plan_is_approved_by_another_manager_then_promoted_stage_by_stage(
    planned, manager, second_manager
):
    with pytest.raises(PermissionDenied):
        services.deployment_approve(actor=manager, deployment=planned)
    with pytest.raises(ValidationError, match="approved"):
        services.deployment_start(actor=manager, deployment=planned)
    services.deployment_approve(actor=second_manager, deployment=planned)
    services.deployment_start(actor=manager, deployment=planned)
    with pytest.raises(ValidationError, match="Confirm the exit criteria of stage 1"):
        services.deployment_promote(actor=manager, deployment=planned)
    services.deployment_confirm_exit(actor=manager, deployment=planned, note="0.3 % errors.")
    with pytest.raises(ValidationError, match="already confirmed"):
        services.deployment_confirm_exit(actor=manager, deployment=planned, note="again")
    # Stage 2 may start tomorrow only.
    with pytest.raises(ValidationError, match="may start on"):
        services.deployment_promote(actor=manager, deployment=planned)
    assert Deployment.objects.get(pk=planned.pk).current_stage == 1


def test_pause_resume_complete_and_roll_back_read_as_a_timeline(project, manager, second_manager):
    deployment = services.deployment_plan(
        actor=manager,
        project=project,
        name="Staging",
        environment="staging",
        model_version=base_version(project, manager),
        stages=stages(50, 100, start=timezone.localdate() - timedelta(days=5)),
    )
    services.deployment_approve(actor=second_manager, deployment=deployment)
    services.deployment_start(actor=manager, deployment=deployment)
    with pytest.raises(ValidationError, match="Say why"):
        services.deployment_pause(actor=manager, deployment=deployment, reason=" ")
    services.deployment_pause(actor=manager, deployment=deployment, reason="Latency spike.")
    with pytest.raises(ValidationError, match="in progress"):
        services.deployment_promote(actor=manager, deployment=deployment)
    services.deployment_resume(actor=manager, deployment=deployment)
    for _ in range(2):
        services.deployment_confirm_exit(actor=manager, deployment=deployment, note="Healthy.")
        services.deployment_promote(actor=manager, deployment=deployment)
    assert Deployment.objects.get(pk=deployment.pk).status == "completed"
    services.deployment_rollback(actor=manager, deployment=deployment, reason="Wrong prompt.")
    found = selectors.deployment_get_for_user(user=manager, id=deployment.pk)
    assert [(e.kind, e.traffic_percent) for e in found.events.all()] == [
        ("planned", 0),
        ("approved", 0),
        ("started", 50),
        ("paused", 50),
        ("resumed", 50),
        ("exit_confirmed", 50),
        ("promoted", 100),
        ("exit_confirmed", 100),
        ("completed", 100),
        ("rolled_back", 100),
    ]
    assert found.rollback_reason == "Wrong prompt."
    assert AuditEvent.objects.filter(action__startswith="deployment.").count() == 10


def test_a_version_of_another_project_is_refused(project, manager, org, admin):
    from tests.factories import ProjectFactory

    foreign = base_version(ProjectFactory(organization=org), admin)
    with pytest.raises(ValidationError, match="this project"):
        services.deployment_plan(
            actor=manager,
            project=project,
            name="Prod",
            environment="production",
            model_version=foreign,
            stages=stages(100),
        )


def test_the_deadlines_are_data_with_their_legal_source():
    kinds = serious_kinds()
    assert {k: (v.days, v.source) for k, v in kinds.items()} == {
        "death": (10, "Regulation (EU) 2024/1689, Art. 73(4)"),
        "widespread_or_critical_infrastructure": (2, "Regulation (EU) 2024/1689, Art. 73(3)"),
        "other": (15, "Regulation (EU) 2024/1689, Art. 73(2)"),
    }
    aware = timezone.now()
    assert report_due("other", aware) == aware + timedelta(days=15)


def test_a_serious_incident_starts_its_clock_and_the_report_stops_it(
    project, manager, org_member, project_member
):
    incident = services.incident_open(
        actor=manager, project=project, title="Injury claims routed to motor", severity="high"
    )
    contributor = project_member(project, ProjectMembership.Role.CONTRIBUTOR)
    with pytest.raises(PermissionDenied):
        services.incident_mark_serious(actor=contributor, incident=incident, kind="other")
    with pytest.raises(ValidationError, match="kind of serious incident"):
        services.incident_mark_serious(actor=manager, incident=incident, kind="bad")
    aware = timezone.now() - timedelta(days=3)
    officer = org_member(OrganizationMembership.Role.COMPLIANCE_OFFICER)
    serious = services.incident_mark_serious(
        actor=officer,
        incident=incident,
        kind="widespread_or_critical_infrastructure",
        aware_at=aware,
    )
    assert serious.report_due_at == aware + timedelta(days=2)
    countdown = selectors.clock(serious)
    assert countdown is not None
    assert countdown["late"] is True
    assert countdown["source"] == "Regulation (EU) 2024/1689, Art. 73(3)"
    assert list(selectors.serious_clocks(user=officer, organization=project.organization)) == [
        serious
    ]
    services.incident_reported(actor=officer, incident=serious, reference="MSA-2026-114")
    assert not selectors.serious_clocks(user=officer, organization=project.organization).exists()
    event = AuditEvent.objects.get(action="incident.reported")
    assert event.data == {"late": True}


def test_an_incident_is_updated_and_resolved_with_how(project, manager):
    incident = services.incident_open(
        actor=manager, project=project, title="Slow answers", severity="medium"
    )
    services.incident_update(
        actor=manager, incident=incident, text="Looking.", status="investigating"
    )
    with pytest.raises(ValidationError, match="how it was resolved"):
        services.incident_resolve(actor=manager, incident=incident, resolution="")
    done = services.incident_resolve(
        actor=manager,
        incident=incident,
        resolution="Scaled the endpoint.",
        post_incident_review="Alert earlier.",
    )
    assert done.status == "resolved"
    with pytest.raises(ValidationError, match="is resolved"):
        services.incident_resolve(actor=manager, incident=incident, resolution="Again.")
    with pytest.raises(ValidationError, match="future"):
        services.incident_open(
            actor=manager,
            project=project,
            title="Later",
            severity="low",
            occurred_at=timezone.now() + timedelta(days=1),
        )
    assert Incident.objects.count() == 1


def _operate_gate(project):
    from projects.lifecycle import gates
    from projects.models import Project

    Project.objects.filter(pk=project.pk).update(phase="integrate")
    project.refresh_from_db()
    return {r.key: r for r in gates.evaluate(project)}


def test_the_operate_gate_waits_for_an_approved_plan_thresholds_and_a_post_market_plan(
    project, manager, second_manager, project_member
):
    results = _operate_gate(project)
    assert not results["rollout_plan_approved"].met
    assert not results["monitoring_thresholds_set"].met
    assert not results["post_market_plan"].met
    deployment = services.deployment_plan(
        actor=manager,
        project=project,
        name="Production",
        environment="production",
        model_version=base_version(project, manager),
        stages=stages(10, 100),
    )
    assert "awaits another manager" in _operate_gate(project)["rollout_plan_approved"].detail
    services.deployment_approve(actor=second_manager, deployment=deployment)
    results = _operate_gate(project)
    assert results["rollout_plan_approved"].met
    assert "no monitoring threshold" in results["monitoring_thresholds_set"].detail
    services.monitoring_threshold_set(
        actor=manager,
        deployment=deployment,
        metric="error_rate",
        direction="above",
        value=Decimal("0.05"),
    )
    reviewer = project_member(project, ProjectMembership.Role.REVIEWER)
    plan = services.post_market_plan_set(
        actor=manager,
        project=project,
        monitored="Routing accuracy weekly from handler overrides; drift of claim types monthly.",
        review_every_days=30,
        reviewer=reviewer,
    )
    results = _operate_gate(project)
    assert all(
        results[k].met
        for k in ("rollout_plan_approved", "monitoring_thresholds_set", "post_market_plan")
    )
    with pytest.raises(ValidationError, match="found"):
        services.post_market_review_record(
            actor=reviewer, plan=plan, reviewed_on=TODAY(), findings=" "
        )
    review = services.post_market_review_record(
        actor=reviewer, plan=plan, reviewed_on=TODAY(), findings="Overrides steady at 8 %."
    )
    assert review.reviewer == reviewer
    viewer = project_member(project, ProjectMembership.Role.VIEWER)
    with pytest.raises(PermissionDenied):
        services.post_market_review_record(
            actor=viewer, plan=plan, reviewed_on=TODAY(), findings="x"
        )
