"""Use-case intake: anyone proposes; administrators and compliance officers triage."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Organization, OrganizationMembership, User
from accounts.permissions import Perm, Rule, require
from audit.writer import audit_record
from core.errors import ConflictError, reject_unknown_fields
from core.services import model_update, snapshot
from projects.audit_actions import ProjectsAction
from projects.models import Project, UseCaseProposal
from projects.services.projects import project_create

Status = UseCaseProposal.Status
PROPOSAL_FIELDS = (
    "title",
    "problem",
    "intended_users",
    "data_involved",
    "expected_benefit",
    "urgency",
)
ALREADY_TRIAGED = "This proposal has already been decided."
REASON_REQUIRED = "Say why: the reason stays in the inventory."


@transaction.atomic
def proposal_submit(*, actor: User, organization: Organization, **fields: Any) -> UseCaseProposal:
    """Propose an AI use case to the organisation (any member)."""
    require(actor, Perm.ORG_VIEW, organization)
    reject_unknown_fields(fields, PROPOSAL_FIELDS)
    proposal = UseCaseProposal(organization=organization, submitted_by=actor, **fields)
    proposal.full_clean()
    proposal.save()
    audit_record(
        actor=actor,
        action=ProjectsAction.USE_CASE_PROPOSAL_SUBMITTED,
        target=proposal,
        data=snapshot(proposal, ["title", "urgency"]),
    )
    return proposal


def _lock_open(proposal: UseCaseProposal, allowed: tuple[str, ...]) -> UseCaseProposal:
    locked = UseCaseProposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status not in allowed:
        raise ConflictError(ALREADY_TRIAGED, code="proposal_decided")
    return locked


@transaction.atomic
def proposal_request_info(*, actor: User, proposal: UseCaseProposal, note: str) -> UseCaseProposal:
    """Ask the proposer for more information before deciding."""
    require(actor, Perm.INTAKE_TRIAGE, proposal.organization)
    if not note.strip():
        raise ValidationError({"note": "Say what information is missing."})
    locked = _lock_open(proposal, (Status.SUBMITTED,))
    locked.status, locked.triage_note = Status.INFO_REQUESTED, note.strip()
    locked.triaged_by, locked.triaged_at = actor, timezone.now()
    locked.full_clean()
    locked.save(update_fields=["status", "triage_note", "triaged_by", "triaged_at", "updated_at"])
    audit_record(
        actor=actor,
        action=ProjectsAction.USE_CASE_PROPOSAL_INFO_REQUESTED,
        target=locked,
        data={"note": locked.triage_note},
    )
    return locked


@transaction.atomic
def proposal_resubmit(*, actor: User, proposal: UseCaseProposal, **fields: Any) -> UseCaseProposal:
    """The proposer answers a request for information and submits again."""
    require(actor, Rule.PROPOSAL_RESUBMIT, proposal)
    locked = _lock_open(proposal, (Status.INFO_REQUESTED,))
    locked.status = Status.SUBMITTED
    locked, changed = model_update(
        instance=locked,
        fields=PROPOSAL_FIELDS,
        data=fields,
        save_with=("status",),
        always_save=True,
    )
    audit_record(
        actor=actor,
        action=ProjectsAction.USE_CASE_PROPOSAL_RESUBMITTED,
        target=locked,
        data={"changed": sorted(changed)},
    )
    return locked


@transaction.atomic
def proposal_accept(
    *,
    actor: User,
    proposal: UseCaseProposal,
    project_name: str | None = None,
    manager: User | None = None,
    note: str = "",
) -> Project:
    """Accept a proposal into Scope: a project is created with the proposal's use case, and
    its manager (the proposer unless another member is named) runs it."""
    require(actor, Perm.INTAKE_TRIAGE, proposal.organization)
    locked = _lock_open(proposal, (Status.SUBMITTED, Status.INFO_REQUESTED))
    manager = manager or locked.submitted_by
    if not OrganizationMembership.objects.filter(
        organization_id=locked.organization_id, user=manager
    ).exists():
        raise ValidationError({"manager": "The manager must be a member of the organisation."})
    project = project_create(
        actor=manager,
        organization=locked.organization,
        name=project_name or locked.title,
        description=locked.expected_benefit,
        use_case={
            "problem_statement": locked.problem,
            "end_users": locked.intended_users,
            "business_goals": locked.expected_benefit,
        },
    )
    locked.status, locked.project, locked.triage_note = Status.ACCEPTED, project, note.strip()
    locked.triaged_by, locked.triaged_at = actor, timezone.now()
    locked.save(
        update_fields=["status", "project", "triage_note", "triaged_by", "triaged_at", "updated_at"]
    )
    audit_record(
        actor=actor,
        action=ProjectsAction.USE_CASE_PROPOSAL_ACCEPTED,
        target=locked,
        project=project,
        data={"project_id": str(project.pk), "manager_id": str(manager.pk)},
    )
    return project


@transaction.atomic
def proposal_reject(*, actor: User, proposal: UseCaseProposal, reason: str) -> UseCaseProposal:
    """Turn a proposal down; the reason is kept in the inventory."""
    require(actor, Perm.INTAKE_TRIAGE, proposal.organization)
    if not reason.strip():
        raise ValidationError({"reason": REASON_REQUIRED})
    locked = _lock_open(proposal, (Status.SUBMITTED, Status.INFO_REQUESTED))
    locked.status, locked.triage_note = Status.REJECTED, reason.strip()
    locked.triaged_by, locked.triaged_at = actor, timezone.now()
    locked.full_clean()
    locked.save(update_fields=["status", "triage_note", "triaged_by", "triaged_at", "updated_at"])
    audit_record(
        actor=actor,
        action=ProjectsAction.USE_CASE_PROPOSAL_REJECTED,
        target=locked,
        data={"reason": locked.triage_note},
    )
    return locked
