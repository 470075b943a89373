"""Walking a project through the Scope → Select gate with the services."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import OrganizationMembership
from accounts.permissions import REQUESTER_SIGNS, Decision
from audit.models import AuditEvent
from audit.verify import verify_chain
from core.errors import ConflictError
from projects import services
from projects.lifecycle import gates
from projects.models import GateRequest, PhaseChange, Project
from projects.services.gates import gate_sign_decisions
from tests.projects.scope_helpers import (
    approved_scope,
    assessed_risk,
    go_feasibility,
    held_workshop,
    reviewer_for,
    study_author,
)

pytestmark = pytest.mark.django_db


def _unmet_keys(project):
    return [r.key for r in gates.evaluate(project) if not r.met]


def test_a_fresh_project_meets_no_criterion(project):
    assert _unmet_keys(project) == [
        "scope_document_approved",
        "workshop_held",
        "feasibility_go",
        "risks_scored",
    ]
    results = {r.key: r for r in gates.evaluate(project)}
    assert results["scope_document_approved"].met is False
    assert results["feasibility_go"].met is False
    assert results["risks_scored"].detail == "The risk register is empty."
    assert results["high_risks_mitigated"].met is True  # no high risk: nothing to mitigate


def test_scope_to_select_with_both_sign_offs(ready_project, manager, admin, compliance_officer):
    request = services.gate_request(actor=admin, project=ready_project, note="Ready.")
    assert [c["met"] for c in request.criteria_at_request] == [True] * 6

    services.gate_approve(actor=manager, request=request, capacity="manager")
    assert Project.objects.get(pk=ready_project.pk).phase == "scope"  # one sign-off is not enough
    services.gate_approve(actor=compliance_officer, request=request, capacity="compliance")

    ready_project.refresh_from_db()
    request.refresh_from_db()
    assert (ready_project.phase, request.status) == ("select", "approved")
    change = PhaseChange.objects.get(project=ready_project)
    assert (change.from_phase, change.to_phase, change.gate_request) == ("scope", "select", request)
    actions = list(
        AuditEvent.objects.filter(project=ready_project)
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions[-4:] == [
        "gate_request.created",
        "gate_request.approved",
        "gate_request.approved",
        "project.phase_changed",
    ]
    assert verify_chain(str(ready_project.organization_id)).ok


@pytest.mark.parametrize(
    ("missing", "key"),
    [
        ("scope", "scope_document_approved"),
        ("workshop", "workshop_held"),
        ("feasibility", "feasibility_go"),
        ("risks", "risks_scored"),
    ],
)
def test_each_unmet_criterion_blocks_the_request(project, manager, project_member, missing, key):
    if missing != "scope":
        approved_scope(project, manager, reviewer_for(project, project_member))
    if missing != "workshop":
        held_workshop(project, manager)
    if missing != "feasibility":
        go_feasibility(project, manager)
    if missing != "risks":
        assessed_risk(project, manager)
    events_before = AuditEvent.objects.count()

    with pytest.raises(ConflictError) as error:
        services.gate_request(actor=manager, project=project)

    assert error.value.code == "gate_criteria_unmet"
    assert [c["key"] for c in error.value.details] == [key]
    assert GateRequest.objects.count() == 0
    assert AuditEvent.objects.count() == events_before


def test_unscored_and_unmitigated_high_risks_block(ready_project, manager):
    services.risk_create(
        actor=manager, project=ready_project, title="Vendor lock-in", category="vendor"
    )
    assert _unmet_keys(ready_project) == ["risks_scored"]
    risk = ready_project.risks.get(title="Vendor lock-in")
    services.risk_update(actor=manager, risk=risk, expected_version=1, likelihood=4, impact=5)
    assert _unmet_keys(ready_project) == ["high_risks_mitigated"]
    services.risk_update(
        actor=manager,
        risk=risk,
        expected_version=2,
        owner=manager,
        mitigation_plan="Abstraction layer.",
    )
    assert _unmet_keys(ready_project) == []


def test_a_no_go_or_unsigned_study_does_not_count(project, manager, project_member):
    approved_scope(project, manager, reviewer_for(project, project_member))
    held_workshop(project, manager)
    assessed_risk(project, manager)
    services.feasibility_create(actor=manager, project=project, verdict="go")  # not signed off
    study = services.feasibility_create(
        actor=study_author(project),
        project=project,
        technology_rating="feasible",
        data_rating="not_feasible",
        legal_rating="uncertain",
        budget_rating="feasible",
        verdict="no_go",
    )
    services.feasibility_sign_off(actor=manager, study=study)
    assert _unmet_keys(project) == ["feasibility_go"]


def test_one_person_cannot_give_both_sign_offs(ready_project, manager, org_member):
    both = org_member(OrganizationMembership.Role.COMPLIANCE_OFFICER)
    services.project_member_add(actor=manager, project=ready_project, user=both, role="manager")
    request = services.gate_request(actor=manager, project=ready_project)
    services.gate_approve(actor=both, request=request, capacity="manager")

    with pytest.raises(PermissionDenied, match="both sign-offs"):
        services.gate_approve(actor=both, request=request, capacity="compliance")
    with pytest.raises(ConflictError, match="already been given"):
        services.gate_approve(actor=manager, request=request, capacity="manager")
    assert Project.objects.get(pk=ready_project.pk).phase == "scope"


def _can_sign(user, request) -> dict[str, bool]:
    return {capacity: d.allowed for capacity, d in gate_sign_decisions(user, request).items()}


def test_the_requester_cannot_give_the_manager_sign_off(ready_project, manager):
    request = services.gate_request(actor=manager, project=ready_project)
    events_before = AuditEvent.objects.count()

    with pytest.raises(PermissionDenied) as refused:
        services.gate_approve(actor=manager, request=request, capacity="manager")
    with pytest.raises(PermissionDenied):
        services.gate_reject(actor=manager, request=request, capacity="manager", comment="No.")

    assert str(refused.value) == REQUESTER_SIGNS
    assert request.approvals.count() == 0
    assert AuditEvent.objects.count() == events_before
    decisions = gate_sign_decisions(manager, request)
    assert decisions["manager"] == Decision(False, REQUESTER_SIGNS)
    assert _can_sign(manager, request) == {"manager": False, "compliance": False}


def test_the_requester_signs_as_manager_where_the_organisation_allows_it(
    ready_project, manager, admin, compliance_officer
):
    request = services.gate_request(actor=manager, project=ready_project)
    organization = ready_project.organization
    organization.allow_gate_requester_signoff = True
    organization.save(update_fields=["allow_gate_requester_signoff"])
    request = GateRequest.objects.get(pk=request.pk)  # the organisation as saved

    assert _can_sign(manager, request) == {"manager": True, "compliance": False}
    services.gate_approve(actor=manager, request=request, capacity="manager")
    services.gate_approve(actor=compliance_officer, request=request, capacity="compliance")
    assert Project.objects.get(pk=ready_project.pk).phase == "select"


def test_another_manager_signs_the_request_of_a_manager(ready_project, manager, admin):
    request = services.gate_request(actor=manager, project=ready_project)
    assert _can_sign(admin, request) == {"manager": True, "compliance": False}
    services.gate_approve(actor=admin, request=request, capacity="manager")
    assert request.approvals.get().approver == admin


@pytest.mark.parametrize("capacity", ["manager", "compliance"])
def test_sign_off_needs_the_role_of_its_capacity(ready_project, manager, project_member, capacity):
    request = services.gate_request(actor=manager, project=ready_project)
    contributor = project_member(ready_project, "contributor")
    with pytest.raises(PermissionDenied):
        services.gate_approve(actor=contributor, request=request, capacity=capacity)
    with pytest.raises(ValidationError):
        services.gate_approve(actor=manager, request=request, capacity="ceo")
    assert request.approvals.count() == 0


def test_criteria_are_checked_again_at_the_final_sign_off(
    ready_project, manager, admin, compliance_officer
):
    request = services.gate_request(actor=admin, project=ready_project)
    services.gate_approve(actor=manager, request=request, capacity="manager")
    services.risk_create(actor=manager, project=ready_project, title="New risk", category="data")

    with pytest.raises(ConflictError) as error:
        services.gate_approve(actor=compliance_officer, request=request, capacity="compliance")

    assert [c["key"] for c in error.value.details] == ["risks_scored"]
    request.refresh_from_db()
    assert (request.status, request.approvals.count()) == ("pending", 1)
    assert Project.objects.get(pk=ready_project.pk).phase == "scope"


def test_a_second_pending_request_is_refused(ready_project, manager):
    services.gate_request(actor=manager, project=ready_project)
    with pytest.raises(ConflictError, match="already awaiting"):
        services.gate_request(actor=manager, project=ready_project)


def test_reject_closes_the_request_with_a_reason(ready_project, manager, compliance_officer):
    request = services.gate_request(actor=manager, project=ready_project)
    with pytest.raises(ValidationError):
        services.gate_reject(
            actor=compliance_officer, request=request, capacity="compliance", comment=" "
        )
    services.gate_reject(
        actor=compliance_officer, request=request, capacity="compliance", comment="DPIA missing."
    )
    request.refresh_from_db()
    assert request.status == "rejected"
    with pytest.raises(ConflictError, match="no longer awaiting"):
        services.gate_approve(actor=manager, request=request, capacity="manager")
    assert AuditEvent.objects.get(action="gate_request.rejected").data == {
        "capacity": "compliance",
        "comment": "DPIA missing.",
    }


def test_move_back_needs_a_reason_and_withdraws_pending_requests(
    ready_project, manager, admin, compliance_officer
):
    request = services.gate_request(actor=admin, project=ready_project)
    services.gate_approve(actor=manager, request=request, capacity="manager")
    services.gate_approve(actor=compliance_officer, request=request, capacity="compliance")
    ready_project.refresh_from_db()

    with pytest.raises(ValidationError):
        services.gate_move_back(actor=manager, project=ready_project, reason="")
    services.gate_move_back(actor=manager, project=ready_project, reason="Scope changed.")

    ready_project.refresh_from_db()
    assert ready_project.phase == "scope"
    back = PhaseChange.objects.get(direction="back")
    assert (back.from_phase, back.to_phase, back.reason) == ("select", "scope", "Scope changed.")
    with pytest.raises(ConflictError, match="first phase"):
        services.gate_move_back(actor=manager, project=ready_project, reason="Again.")


def test_viewers_and_outsiders_cannot_request(ready_project, project_member, outsider):
    viewer = project_member(ready_project, "viewer")
    for user in (viewer, outsider):
        with pytest.raises(PermissionDenied):
            services.gate_request(actor=user, project=ready_project)
    assert GateRequest.objects.count() == 0


def test_criteria_registered_by_another_app_join_the_gate(ready_project):
    """Apps above projects add criteria through the registry, not by editing projects."""

    @gates.register("scope", "select", key="test_extra", label="Extra", owner_app="tests")
    def extra(project):
        return False, "Not yet."

    try:
        assert _unmet_keys(ready_project) == ["test_extra"]
    finally:
        gates._criteria[("scope", "select")].pop("test_extra")


def test_a_gate_without_registered_criteria_cannot_be_passed(project, manager, monkeypatch):
    """A gate whose criteria were never registered is never passed by default (every forward
    gate has some today, so this one's are taken away for the test)."""
    monkeypatch.setitem(gates._criteria, ("adapt", "integrate"), {})
    Project.objects.filter(pk=project.pk).update(phase="adapt")
    project.refresh_from_db()
    assert gates.evaluate(project) == []
    with pytest.raises(ConflictError) as error:
        services.gate_request(actor=manager, project=project)
    assert error.value.code == "gate_without_criteria"
    assert GateRequest.objects.count() == 0
