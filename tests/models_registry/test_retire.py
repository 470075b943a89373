"""Operate → Retired: a deployment is ended (decommissioned, or a plan withdrawn) with a reason,
the gate waits until every deployment is rolled back or ended, and the request's note is the
retirement reason."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import ProjectMembership
from audit.models import AuditEvent
from core.errors import ConflictError
from models_registry import services
from models_registry.models import Deployment, DeploymentEvent, ModelVersion
from projects import services as project_services
from projects.lifecycle import gates
from projects.models import GateRequest, PhaseChange, Project
from tests.models_registry.adapt_support import base_version

pytestmark = pytest.mark.django_db
Role = ProjectMembership.Role


@pytest.fixture
def second_manager(project, project_member):
    return project_member(project, Role.MANAGER)


@pytest.fixture
def make_deployment(project, manager, second_manager):
    """make(status, name=…) → a deployment of the project brought to that status through the
    services, its stages dated in the past so each may start now."""

    versions: list[ModelVersion] = []

    def make(status, name="Claims triage to production"):
        start = timezone.localdate() - timedelta(days=5)
        versions[:] = versions or [base_version(project, manager)]
        deployment = services.deployment_plan(
            actor=manager,
            project=project,
            name=name,
            environment="production",
            model_version=versions[0],
            stages=[
                {"traffic_percent": p, "starts_on": start, "exit_criteria": f"Healthy at {p} %"}
                for p in (50, 100)
            ],
        )
        if status == "planned":
            return deployment
        services.deployment_approve(actor=second_manager, deployment=deployment)
        if status == "approved":
            return deployment
        services.deployment_start(actor=manager, deployment=deployment)
        if status == "paused":
            services.deployment_pause(actor=manager, deployment=deployment, reason="Latency.")
        elif status in ("completed", "ended"):
            for _ in range(2):
                services.deployment_confirm_exit(actor=manager, deployment=deployment, note="ok")
                services.deployment_promote(actor=manager, deployment=deployment)
            if status == "ended":
                services.deployment_end(actor=manager, deployment=deployment, reason="Done.")
        elif status == "rolled_back":
            services.deployment_rollback(actor=manager, deployment=deployment, reason="Bad.")
        deployment.refresh_from_db()
        assert deployment.status == status
        return deployment

    return make


def _snapshot(deployment):
    fresh = Deployment.objects.get(pk=deployment.pk)
    return (fresh.status, fresh.end_reason, fresh.events.count(), AuditEvent.objects.count())


# --- ending a deployment --------------------------------------------------------------------


@pytest.mark.parametrize("status", ["planned", "approved", "paused", "completed"])
def test_a_deployment_is_ended_from_each_state_where_nothing_serves_mid_rollout(
    make_deployment, manager, status
):
    deployment = make_deployment(status)
    events_before = deployment.events.count()

    ended = services.deployment_end(
        actor=manager, deployment=deployment, reason="  Replaced by the v2 service.  "
    )

    fresh = Deployment.objects.get(pk=ended.pk)
    assert (fresh.status, fresh.end_reason) == ("ended", "Replaced by the v2 service.")
    assert fresh.get_status_display() == "Ended (decommissioned)"
    last = fresh.events.order_by("created_at").reverse()[0]
    assert (last.kind, last.note, last.actor) == (
        "ended",
        "  Replaced by the v2 service.  ",
        manager,
    )
    assert fresh.events.count() == events_before + 1
    audit = AuditEvent.objects.filter(action="deployment.ended").get()
    assert (audit.actor, audit.project_id, audit.target_id) == (
        manager,
        fresh.project_id,
        str(fresh.pk),
    )
    assert audit.data["status"] == {"old": status, "new": "ended"}


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (
            "rolling_out",
            "This deployment is rolling out: only a plan (awaiting approval or approved), a "
            "paused rollout or a completed one is ended — pause or roll back a rollout in "
            "progress first.",
        ),
        (
            "rolled_back",
            "This deployment is rolled back: only a plan (awaiting approval or approved), a "
            "paused rollout or a completed one is ended — pause or roll back a rollout in "
            "progress first.",
        ),
        ("ended", "This deployment is already ended."),
    ],
)
def test_ending_is_refused_from_other_states_and_changes_nothing(
    make_deployment, manager, status, message
):
    deployment = make_deployment(status)
    before = _snapshot(deployment)

    with pytest.raises(ValidationError) as refused:
        services.deployment_end(actor=manager, deployment=deployment, reason="Done.")

    assert refused.value.messages == [message]
    assert _snapshot(deployment) == before


def test_ending_needs_a_reason_and_a_manager(make_deployment, manager, project, project_member):
    deployment = make_deployment("completed")
    before = _snapshot(deployment)
    with pytest.raises(ValidationError) as blank:
        services.deployment_end(actor=manager, deployment=deployment, reason="  ")
    assert blank.value.message_dict == {"reason": ["Say why."]}
    for role in (Role.VIEWER, Role.CONTRIBUTOR, Role.REVIEWER):
        with pytest.raises(PermissionDenied):
            services.deployment_end(
                actor=project_member(project, role), deployment=deployment, reason="Done."
            )
    assert _snapshot(deployment) == before


# --- the gate -------------------------------------------------------------------------------


def _retire_gate(project):
    Project.objects.filter(pk=project.pk).update(phase="operate")
    project.refresh_from_db()
    return {r.key: r for r in gates.evaluate(project)}


def test_operate_leads_to_retired_and_the_gate_is_decided_by_the_deployments(project):
    project.phase = "operate"
    assert project.next_phase == "retired"
    assert [c.key for c in gates.criteria("operate", "retired")] == ["deployments_wound_down"]
    project.phase = "retired"
    assert (project.next_phase, project.previous_phase) == (None, None)


def test_deployments_wound_down_lists_what_is_still_open_then_passes(
    project, manager, make_deployment
):
    assert _retire_gate(project)["deployments_wound_down"].met  # nothing was ever deployed
    live = make_deployment("completed", name="Production")
    plan = make_deployment("planned", name="Never approved")
    make_deployment("rolled_back", name="Canary")

    result = _retire_gate(project)["deployments_wound_down"]

    assert not result.met
    assert result.detail == (
        "2 deployment(s) still to roll back or end on the operate tab: "
        "Production (fully rolled out), Never approved (plan awaiting approval)."
    )
    assert (result.section, result.owner_app) == ("operate", "models_registry")
    services.deployment_end(actor=manager, deployment=live, reason="Decommissioned.")
    result = _retire_gate(project)["deployments_wound_down"]
    assert result.detail == (
        "1 deployment(s) still to roll back or end on the operate tab: "
        "Never approved (plan awaiting approval)."
    )
    services.deployment_end(actor=manager, deployment=plan, reason="Withdrawn.")
    assert _retire_gate(project)["deployments_wound_down"] == result.__class__(
        "deployments_wound_down",
        result.label,
        True,
        "",
        "operate",
        "models_registry",
    )


def test_retiring_needs_a_reason_kept_on_the_request_the_phase_change_and_the_audit(
    project, manager, second_manager, compliance_officer, make_deployment
):
    deployment = make_deployment("completed")
    _retire_gate(project)
    with pytest.raises(ValidationError) as no_reason:
        project_services.gate_request(actor=second_manager, project=project, note=" ")
    assert no_reason.value.message_dict == {
        "note": [
            "Say why the project is retired: the note of an Operate → Retired request is its "
            "retirement reason."
        ]
    }
    with pytest.raises(ConflictError) as unmet:
        project_services.gate_request(
            actor=second_manager, project=project, note="Claims move to the new platform."
        )
    assert [c["key"] for c in unmet.value.details] == ["deployments_wound_down"]
    assert not GateRequest.objects.exists()

    services.deployment_end(actor=manager, deployment=deployment, reason="Decommissioned.")
    request = project_services.gate_request(
        actor=second_manager, project=project, note="Claims move to the new platform."
    )
    project_services.gate_approve(actor=manager, request=request, capacity="manager")
    project_services.gate_approve(actor=compliance_officer, request=request, capacity="compliance")

    project.refresh_from_db()
    assert project.phase == "retired"
    change = PhaseChange.objects.get(project=project)
    assert (change.from_phase, change.to_phase, change.direction, change.reason) == (
        "operate",
        "retired",
        "forward",
        "Claims move to the new platform.",
    )
    created = AuditEvent.objects.get(action="gate_request.created")
    assert created.data["retirement_reason"] == "Claims move to the new platform."
    moved = AuditEvent.objects.get(action="project.phase_changed")
    assert moved.data["reason"] == "Claims move to the new platform."
    with pytest.raises(ConflictError, match="no further gate"):
        project_services.gate_request(actor=manager, project=project, note="Again.")


def test_other_gates_keep_their_note_optional_and_their_phase_change_without_reason(
    project, second_manager
):
    Project.objects.filter(pk=project.pk).update(phase="integrate")
    project.refresh_from_db()
    # Integrate → Operate is refused for its criteria, not for a missing note.
    with pytest.raises(ConflictError, match="criteria"):
        project_services.gate_request(actor=second_manager, project=project, note="")


# --- the API --------------------------------------------------------------------------------


def _end_url(project, deployment):
    return f"/api/v1/projects/{project.pk}/operate/deployments/{deployment.pk}/end/"


def test_the_api_ends_a_deployment_with_its_reason(
    project, manager, make_deployment, token_client, project_member
):
    deployment = make_deployment("completed")
    api = token_client(manager)
    viewer = token_client(project_member(project, Role.VIEWER))
    before = _snapshot(deployment)  # tokens are audited: made before counting
    blank = api.post(_end_url(project, deployment), {}, format="json")
    assert blank.status_code == 400
    assert list(blank.json()["errors"]) == ["reason"]
    denied = viewer.post(_end_url(project, deployment), {"reason": "x"}, format="json")
    assert denied.status_code == 403
    assert _snapshot(deployment) == before

    ended = api.post(_end_url(project, deployment), {"reason": "Decommissioned."}, format="json")

    assert ended.status_code == 200, ended.content
    body = ended.json()
    assert (body["status"], body["end_reason"], body["rollback_reason"]) == (
        "ended",
        "Decommissioned.",
        "",
    )
    assert body["timeline"][-1]["kind"] == "ended"
    again = api.post(_end_url(project, deployment), {"reason": "Again."}, format="json")
    assert again.status_code == 400
    assert "This deployment is already ended." in str(again.json())
    assert DeploymentEvent.objects.filter(kind="ended").count() == 1


def test_the_api_refuses_a_rollout_in_progress(project, manager, make_deployment, token_client):
    deployment = make_deployment("rolling_out")
    api = token_client(manager)
    before = _snapshot(deployment)
    answer = api.post(_end_url(project, deployment), {"reason": "Done."}, format="json")
    assert answer.status_code == 400
    assert "pause or roll back a rollout in progress first" in str(answer.json())
    assert _snapshot(deployment) == before


def test_another_organisation_gets_404_on_end(project, make_deployment, outsider, token_client):
    deployment = make_deployment("completed")
    api = token_client(outsider)
    before = _snapshot(deployment)
    answer = api.post(_end_url(project, deployment), {"reason": "Done."}, format="json")
    assert answer.status_code == 404
    assert _snapshot(deployment) == before


def test_the_api_gate_request_from_operate_needs_the_note(project, second_manager, token_client):
    _retire_gate(project)
    answer = token_client(second_manager).post(
        f"/api/v1/projects/{project.pk}/gate/request/", {}, format="json"
    )
    assert answer.status_code == 400
    assert list(answer.json()["errors"]) == ["note"]
    gate = token_client(second_manager).get(f"/api/v1/projects/{project.pk}/gate/").json()
    assert (gate["next_phase"], [c["key"] for c in gate["criteria"]], gate["all_met"]) == (
        "retired",
        ["deployments_wound_down"],
        True,
    )
    assert not GateRequest.objects.exists()


# --- the pages ------------------------------------------------------------------------------


def _step(project, deployment):
    return reverse("models_registry:deployment-step", args=[project.pk, deployment.pk, "end"])


def test_the_operate_tab_ends_a_deployment(
    project, manager, make_deployment, client, project_member
):
    deployment = make_deployment("paused")
    client.force_login(manager)
    page = client.get(reverse("models_registry:operate", args=[project.pk])).content.decode()
    assert _step(project, deployment) in page
    before = _snapshot(deployment)
    blank = client.post(_step(project, deployment), {"reason": ""})
    assert blank.status_code == 400
    assert "Say why." in blank.content.decode()
    client.force_login(project_member(project, Role.CONTRIBUTOR))
    assert client.post(_step(project, deployment), {"reason": "x"}).status_code == 403
    assert _snapshot(deployment) == before

    client.force_login(manager)
    done = client.post(_step(project, deployment), {"reason": "Service shut down."})

    assert done.status_code == 302
    assert Deployment.objects.get(pk=deployment.pk).status == "ended"
    page = client.get(reverse("models_registry:operate", args=[project.pk])).content.decode()
    assert "Ended: Service shut down." in page
    assert "Ended (decommissioned)" in page
    assert _step(project, deployment) not in page  # nothing left to end


def test_the_operate_tab_refuses_ending_a_rollout_in_progress(
    project, manager, make_deployment, client
):
    deployment = make_deployment("rolling_out")
    client.force_login(manager)
    page = client.get(reverse("models_registry:operate", args=[project.pk])).content.decode()
    assert _step(project, deployment) not in page
    answer = client.post(_step(project, deployment), {"reason": "Done."})
    assert answer.status_code == 400
    assert "pause or roll back a rollout in progress first" in answer.content.decode()
    assert Deployment.objects.get(pk=deployment.pk).status == "rolling_out"


def test_another_organisation_gets_404_on_the_end_step(project, make_deployment, outsider, client):
    deployment = make_deployment("completed")
    client.force_login(outsider)
    assert client.post(_step(project, deployment), {"reason": "Done."}).status_code == 404
    assert Deployment.objects.get(pk=deployment.pk).status == "completed"


def test_the_gate_page_asks_for_the_retirement_reason(project, second_manager, client):
    _retire_gate(project)
    client.force_login(second_manager)
    page = client.get(reverse("projects:gate", args=[project.pk])).content.decode()
    assert "Gate from Operate to Retired" in page
    assert "Why the project is retired (required: kept as its retirement reason)" in page
    answer = client.post(reverse("projects:gate-request", args=[project.pk]), {"note": ""})
    assert answer.status_code == 302
    page = client.get(reverse("projects:gate", args=[project.pk])).content.decode()
    assert "Say why the project is retired" in page
    assert not GateRequest.objects.exists()
    client.post(reverse("projects:gate-request", args=[project.pk]), {"note": "Sunset."})
    assert GateRequest.objects.get().note == "Sunset."
