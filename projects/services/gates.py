"""Lifecycle gates: request, two sign-offs (manager and compliance), reject, withdraw, move back.

The criteria come from the registry (projects/lifecycle.py); a request or a final approval
with unmet criteria is refused with the list of what is missing.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.permissions import Decision, Perm, Rule, decide, require
from audit.writer import audit_record
from core.errors import ConflictError
from projects.audit_actions import ProjectsAction
from projects.lifecycle import gates, unmet
from projects.models import GateApproval, GateRequest, PhaseChange, Project
from projects.signals import gate_decided, gate_requested

Capacity = GateApproval.Capacity
CRITERIA_UNMET = "The gate's criteria are not all met."
ALREADY_PENDING = "A gate request for this project is already awaiting sign-off."
NO_NEXT_PHASE = "This project has no further gate."
NO_CRITERIA = (
    "No criteria decide this gate yet, and a gate is never passed on sign-offs alone: the "
    "records of the next phase are not tracked by this installation."
)
RETIREMENT_REASON = (
    "Say why the project is retired: the note of an Operate → Retired request is its "
    "retirement reason."
)
NOT_PENDING = "This gate request is no longer awaiting sign-off."
ALREADY_SIGNED = "This sign-off has already been given."
# Keyed by plain strings: a capacity arrives as one from a form or a body.
CAPACITY_PERMS: dict[str, Perm] = {
    Capacity.MANAGER: Perm.PROJECT_MANAGE,
    Capacity.COMPLIANCE: Perm.PROJECT_APPROVE_COMPLIANCE,
}
# Who may sign in a capacity on this request (one person never both; the requester gives
# the manager's only where the organisation allows it): the policy's object-level rules.
CAPACITY_RULES: dict[str, Rule] = {
    Capacity.MANAGER: Rule.GATE_SIGN_MANAGER,
    Capacity.COMPLIANCE: Rule.GATE_SIGN_COMPLIANCE,
}


def _evaluate_or_refuse(project: Project, to_phase: str) -> list[dict[str, object]]:
    results = gates.evaluate(project, to_phase)
    if not results:
        raise ConflictError(NO_CRITERIA, code="gate_without_criteria")
    missing = unmet(results)
    if missing:
        raise ConflictError(
            CRITERIA_UNMET,
            code="gate_criteria_unmet",
            details=[result.as_dict() for result in missing],
        )
    return [result.as_dict() for result in results]


def _lock_project(project: Project) -> Project:
    return Project.objects.select_for_update().get(pk=project.pk)


@transaction.atomic
def gate_request(*, actor: User, project: Project, note: str = "") -> GateRequest:
    """Ask to pass the project's next gate; refused while any criterion is unmet. Retiring
    needs a note: the retirement reason, kept on the request and on the phase change."""
    require(actor, Perm.PROJECT_MANAGE, project)
    locked = _lock_project(project)
    to_phase = locked.next_phase
    if to_phase is None:
        raise ConflictError(NO_NEXT_PHASE, code="gate_none")
    if GateRequest.objects.filter(project=locked, status=GateRequest.Status.PENDING).exists():
        raise ConflictError(ALREADY_PENDING, code="gate_pending")
    retiring = to_phase == Project.Phase.RETIRED
    if retiring and not note.strip():
        raise ValidationError({"note": RETIREMENT_REASON})
    criteria = _evaluate_or_refuse(locked, to_phase)
    request = GateRequest(
        project=locked,
        from_phase=locked.phase,
        to_phase=to_phase,
        requested_by=actor,
        note=note.strip(),
        criteria_at_request=criteria,
    )
    request.full_clean()
    request.save()
    audit_record(
        actor=actor,
        action=ProjectsAction.GATE_REQUEST_CREATED,
        target=request,
        project=locked,
        data={"from": request.from_phase, "to": request.to_phase}
        | ({"retirement_reason": request.note} if retiring else {}),
    )
    gate_requested.send(sender=GateRequest, request=request, actor=actor)
    return request


def _lock_pending(request: GateRequest) -> GateRequest:
    locked = GateRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != GateRequest.Status.PENDING:
        raise ConflictError(NOT_PENDING, code="gate_not_pending")
    return locked


def _sign(
    actor: User, request: GateRequest, capacity: str, decision: str, comment: str
) -> tuple[GateRequest, GateApproval]:
    if capacity not in CAPACITY_PERMS:
        raise ValidationError({"capacity": f"Unknown capacity {capacity!r}."})
    require(actor, CAPACITY_PERMS[capacity], request.project)
    project = _lock_project(request.project)
    locked = _lock_pending(request)
    signed = list(GateApproval.objects.filter(request=locked))
    if any(s.capacity == capacity for s in signed):
        raise ConflictError(ALREADY_SIGNED, code="gate_already_signed")
    locked.project = project
    require(actor, CAPACITY_RULES[capacity], locked)
    approval = GateApproval(
        request=locked, approver=actor, capacity=capacity, decision=decision, comment=comment
    )
    approval.full_clean()
    return locked, approval


@transaction.atomic
def gate_approve(
    *, actor: User, request: GateRequest, capacity: str, comment: str = ""
) -> GateRequest:
    """Give the manager's or the compliance officer's approval. The second approval passes
    the gate, after the criteria are checked again."""
    locked, approval = _sign(actor, request, capacity, GateApproval.Decision.APPROVE, comment)
    approval.save()
    audit_record(
        actor=actor,
        action=ProjectsAction.GATE_REQUEST_APPROVED,
        target=locked,
        project=locked.project,
        data={"capacity": capacity, "to": locked.to_phase},
    )
    if GateApproval.objects.filter(request=locked).count() == len(CAPACITY_PERMS):
        _pass_gate(actor, locked)
    return locked


def _pass_gate(actor: User, request: GateRequest) -> None:
    project = request.project
    if project.phase != request.from_phase:
        raise ConflictError("The project changed phase since this request.", code="gate_stale")
    request.criteria_at_decision = _evaluate_or_refuse(project, request.to_phase)
    request.status, request.decided_at = GateRequest.Status.APPROVED, timezone.now()
    request.save(update_fields=["status", "decided_at", "criteria_at_decision", "updated_at"])
    project.phase = request.to_phase
    project.save(update_fields=["phase", "updated_at"])
    # Retiring keeps its reason in the phase history; other gates need none.
    reason = request.note if request.to_phase == Project.Phase.RETIRED else ""
    PhaseChange.objects.create(
        project=project,
        from_phase=request.from_phase,
        to_phase=request.to_phase,
        direction=PhaseChange.Direction.FORWARD,
        reason=reason,
        actor=actor,
        gate_request=request,
    )
    audit_record(
        actor=actor,
        action=ProjectsAction.PROJECT_PHASE_CHANGED,
        target=project,
        project=project,
        data={"phase": {"old": request.from_phase, "new": request.to_phase}, "via": "gate"}
        | ({"reason": reason} if reason else {}),
    )
    gate_decided.send(
        sender=GateRequest, request=request, project=project, status="approved", actor=actor
    )


@transaction.atomic
def gate_reject(*, actor: User, request: GateRequest, capacity: str, comment: str) -> GateRequest:
    """Refuse the gate in one's capacity, saying why; the request is closed."""
    if not comment.strip():
        raise ValidationError({"comment": "Say why the gate is refused."})
    locked, approval = _sign(actor, request, capacity, GateApproval.Decision.REJECT, comment)
    approval.save()
    locked.status, locked.decided_at = GateRequest.Status.REJECTED, timezone.now()
    locked.save(update_fields=["status", "decided_at", "updated_at"])
    audit_record(
        actor=actor,
        action=ProjectsAction.GATE_REQUEST_REJECTED,
        target=locked,
        project=locked.project,
        data={"capacity": capacity, "comment": comment.strip()},
    )
    gate_decided.send(
        sender=GateRequest, request=locked, project=locked.project, status="rejected", actor=actor
    )
    return locked


@transaction.atomic
def gate_withdraw(*, actor: User, request: GateRequest) -> GateRequest:
    """The requester or a manager withdraws a pending request."""
    require(actor, Rule.GATE_WITHDRAW, request)
    locked = _lock_pending(request)
    locked.status, locked.decided_at = GateRequest.Status.WITHDRAWN, timezone.now()
    locked.save(update_fields=["status", "decided_at", "updated_at"])
    audit_record(
        actor=actor,
        action=ProjectsAction.GATE_REQUEST_WITHDRAWN,
        target=locked,
        project=locked.project,
    )
    return locked


@transaction.atomic
def gate_move_back(*, actor: User, project: Project, reason: str) -> Project:
    """Move the project back one phase, with a reason; a pending gate request is withdrawn."""
    require(actor, Perm.PROJECT_MANAGE, project)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the project moves back."})
    locked = _lock_project(project)
    previous = locked.previous_phase
    if previous is None:
        raise ConflictError("The project is in its first phase.", code="phase_first")
    for pending in GateRequest.objects.filter(project=locked, status=GateRequest.Status.PENDING):
        gate_withdraw(actor=actor, request=pending)
    PhaseChange.objects.create(
        project=locked,
        from_phase=locked.phase,
        to_phase=previous,
        direction=PhaseChange.Direction.BACK,
        reason=reason.strip(),
        actor=actor,
    )
    before = locked.phase
    locked.phase = previous
    locked.save(update_fields=["phase", "updated_at"])
    audit_record(
        actor=actor,
        action=ProjectsAction.PROJECT_PHASE_CHANGED,
        target=locked,
        project=locked,
        data={
            "phase": {"old": before, "new": previous},
            "via": "move_back",
            "reason": reason.strip(),
        },
    )
    return locked


def gate_sign_decisions(user: User, request: GateRequest) -> dict[str, Decision]:
    """For each capacity, may `user` sign this request now, and if the policy refuses them
    for a reason (they requested it, they signed the other capacity), which."""
    if request.status != GateRequest.Status.PENDING:
        return dict.fromkeys(CAPACITY_RULES, Decision(False))
    signed = {a.capacity for a in request.approvals.all()}
    return {
        capacity: Decision(False) if capacity in signed else decide(user, rule, request)
        for capacity, rule in CAPACITY_RULES.items()
    }
