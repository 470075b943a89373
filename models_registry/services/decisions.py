"""The decision record: recorded by a manager (their sign-off), approved or rejected by a
compliance officer who is someone else. Frozen from the moment it is recorded: the matrix,
sensitivity and costs are copied into it, and no service changes what it says."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from accounts.permissions import Perm, Rule, require
from audit.writer import audit_record
from models_registry.audit_actions import ModelsRegistryAction as Action
from models_registry.models import Candidate, CatalogueModel, DecisionApproval, DecisionRecord
from models_registry.scoring import matrix_as_dict
from models_registry.selectors.selection import (
    candidate_list,
    cost_estimates,
    selection_matrix,
    workload_get,
)
from models_registry.services.selection import NOT_IN_SELECT, lock_project
from projects.models import Project

Status = DecisionRecord.Status
ALREADY_DECIDED = "This project already has a decision record {status}."
NOT_A_CANDIDATE = "Pick one of this project's candidates."
NOT_RANKED = (
    "This candidate has no place in the ranking: it is excluded by a hard constraint or not "
    "yet scored by a reviewer who submitted."
)
REASON_MISSING = "Say why this alternative was rejected."
OPEN_OR_CLOSED_NEEDED = "Say whether the model you will build is open or closed."
NOT_PENDING = "This decision is no longer awaiting approval."
COMMENT_NEEDED = "Say why the decision is rejected."


def _open_or_closed(chosen: Candidate, given: str | None) -> str:
    model = chosen.catalogue_model
    if model is None:
        if given not in DecisionRecord.OpenOrClosed.values:
            raise ValidationError({"open_or_closed": OPEN_OR_CLOSED_NEEDED})
        return str(given)
    return "open" if model.source == CatalogueModel.Source.OPEN_WEIGHTS else "closed"


@transaction.atomic
def decision_record(
    *,
    actor: User,
    project: Project,
    chosen: Candidate,
    rationale: str,
    rejected_reasons: dict[str, str],
    open_or_closed: str | None = None,
) -> DecisionRecord:
    """Record the decision; the recording manager's approval is its manager sign-off.

    `rejected_reasons` maps the id of every candidate not chosen to why it was not.
    """
    require(actor, Perm.PROJECT_MANAGE, project)
    project = lock_project(project)
    if project.phase != Project.Phase.SELECT:
        raise ValidationError(NOT_IN_SELECT)
    live = DecisionRecord.objects.filter(
        project=project, status__in=[Status.PENDING, Status.APPROVED]
    )
    current = live.first()
    if current is not None:
        label = Status(current.status).label.lower()
        raise ValidationError(ALREADY_DECIDED.format(status=f"{current.code} ({label})"))
    if chosen.project_id != project.pk:
        raise ValidationError({"chosen": NOT_A_CANDIDATE})
    matrix = selection_matrix(project=project)
    chosen_row = next(r for r in matrix.rows if r.candidate.id == str(chosen.pk))
    if chosen_row.rank is None:
        raise ValidationError({"chosen": NOT_RANKED})
    candidates = list(candidate_list(project=project))
    reasons = {str(k): (v or "").strip() for k, v in rejected_reasons.items()}
    missing = [c for c in candidates if c.pk != chosen.pk and not reasons.get(str(c.pk))]
    if missing:
        raise ValidationError(
            {"rejected_reasons": [f"{c.name}: {REASON_MISSING}" for c in missing]}
        )
    frozen = matrix_as_dict(matrix) | {
        "chosen_rank": chosen_row.rank,
        "currency": project.organization.currency,
        "workload": {
            name: getattr(workload_get(project=project), name)
            for name in (
                "requests_per_month",
                "input_tokens_per_request",
                "output_tokens_per_request",
            )
        },
        "costs": {
            cid: estimate.as_dict()
            for cid, estimate in cost_estimates(project=project, candidates=candidates).items()
        },
    }
    last = DecisionRecord.objects.filter(project=project).aggregate(last=Max("number"))["last"]
    decision = DecisionRecord(
        project=project,
        number=(last or 0) + 1,
        chosen=chosen,
        chosen_label=chosen.name,
        build_or_buy=(
            DecisionRecord.BuildOrBuy.BUILD
            if chosen.kind == Candidate.Kind.BUILD
            else DecisionRecord.BuildOrBuy.BUY
        ),
        open_or_closed=_open_or_closed(chosen, open_or_closed),
        rationale=rationale.strip(),
        rejected_alternatives=[
            {"candidate": str(c.pk), "label": c.name, "reason": reasons[str(c.pk)]}
            for c in candidates
            if c.pk != chosen.pk
        ],
        frozen_matrix=frozen,
        recorded_by=actor,
    )
    decision.full_clean(exclude=["chosen", "project", "recorded_by"])
    decision.save()
    DecisionApproval.objects.create(
        decision=decision,
        approver=actor,
        capacity=DecisionApproval.Capacity.MANAGER,
        verdict=DecisionApproval.Verdict.APPROVE,
    )
    audit_record(
        actor=actor,
        action=Action.DECISION_RECORDED,
        target=decision,
        project=project,
        data={
            "number": decision.number,
            "chosen_id": str(chosen.pk),
            "chosen_rank": chosen_row.rank,
            "build_or_buy": decision.build_or_buy,
            "open_or_closed": decision.open_or_closed,
            "reviewers": len(matrix.reviewers),
        },
    )
    return decision


@transaction.atomic
def decision_sign_compliance(
    *, actor: User, decision: DecisionRecord, verdict: str, comment: str = ""
) -> DecisionRecord:
    """The compliance officer's approval (or rejection, with a reason) of a pending decision."""
    locked = (
        DecisionRecord.objects.select_for_update().select_related("project").get(pk=decision.pk)
    )
    require(actor, Rule.DECISION_SIGN_COMPLIANCE, locked)
    if locked.status != Status.PENDING:
        raise ValidationError(NOT_PENDING)
    if verdict not in DecisionApproval.Verdict.values:
        raise ValidationError({"verdict": "Approve or reject."})
    comment = comment.strip()
    if verdict == DecisionApproval.Verdict.REJECT and not comment:
        raise ValidationError({"comment": COMMENT_NEEDED})
    approval = DecisionApproval(
        decision=locked,
        approver=actor,
        capacity=DecisionApproval.Capacity.COMPLIANCE,
        verdict=verdict,
        comment=comment,
    )
    approval.full_clean(exclude=["decision", "approver"])
    approval.save()
    approved = verdict == DecisionApproval.Verdict.APPROVE
    locked.status = Status.APPROVED if approved else Status.REJECTED
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decided_at", "updated_at"])
    data: dict[str, Any] = {"capacity": approval.capacity, "verdict": verdict}
    audit_record(
        actor=actor, action=Action.DECISION_SIGNED, target=locked, project=locked.project, data=data
    )
    audit_record(
        actor=actor,
        action=Action.DECISION_APPROVED if approved else Action.DECISION_REJECTED,
        target=locked,
        project=locked.project,
        data={"number": locked.number},
    )
    return locked
