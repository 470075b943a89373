"""EU AI Act classification of a project: proposed by its manager or a compliance officer
from the questionnaire's answers, confirmed by a compliance officer who did not write it. A
confirmation sets the project's risk tier and brings its compliance checks in line."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from accounts.permissions import Perm, Rule, can, require
from audit.writer import audit_record
from compliance.audit_actions import ComplianceAction as Action
from compliance.classification import ContradictoryAnswersError, classify
from compliance.models import Classification
from compliance.services.checks import NO_LONGER_APPLIES, checks_sync
from projects.models import Project
from projects.services import project_risk_tier_set

Status = Classification.Status
RATIONALE_NEEDED = "Say why, in your own words: the rationale is part of the record."


@transaction.atomic
def classification_propose(
    *, actor: User, project: Project, answers: dict[str, Any], rationale: str
) -> Classification:
    """Classify from the questionnaire. A compliance officer's classification is confirmed
    at once (they are the confirming authority); a manager's awaits one. A new proposal
    replaces one still awaiting confirmation."""
    require(actor, Rule.CLASSIFY, project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    try:
        outcome = classify(answers)
    except ContradictoryAnswersError as error:
        raise ValidationError(
            {
                "answers": [
                    f"{question}: {' '.join(msgs)}" for question, msgs in error.errors.items()
                ]
            }
        ) from error
    if not rationale.strip():
        raise ValidationError({"rationale": RATIONALE_NEEDED})
    for stale in Classification.objects.filter(project=project, status=Status.PROPOSED):
        stale.status = Status.SUPERSEDED
        stale.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action=Action.CLASSIFICATION_SUPERSEDED,
            target=stale,
            project=project,
            data={"number": stale.number},
        )
    last = Classification.objects.filter(project=project).aggregate(last=Max("number"))["last"]
    classification = Classification.objects.create(
        project=project,
        number=(last or 0) + 1,
        answers=dict(answers),
        role=outcome.role,
        tier=outcome.tier,
        obligations=outcome.obligations,
        reasons=outcome.reasons,
        rationale=rationale.strip(),
        classified_by=actor,
    )
    audit_record(
        actor=actor,
        action=Action.CLASSIFICATION_PROPOSED,
        target=classification,
        project=project,
        data=outcome.as_dict() | {"number": classification.number},
    )
    if can(actor, Perm.PROJECT_APPROVE_COMPLIANCE, project):
        _confirm(actor, classification)
    return classification


def _confirm(actor: User, classification: Classification) -> None:
    project = classification.project
    for previous in Classification.objects.filter(project=project, status=Status.CONFIRMED):
        previous.status = Status.SUPERSEDED
        previous.save(update_fields=["status", "updated_at"])
    classification.status = Status.CONFIRMED
    classification.confirmed_by, classification.confirmed_at = actor, timezone.now()
    classification.save(update_fields=["status", "confirmed_by", "confirmed_at", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.CLASSIFICATION_CONFIRMED,
        target=classification,
        project=project,
        data={"number": classification.number, "tier": classification.tier},
    )
    project_risk_tier_set(
        actor=actor,
        project=project,
        tier=classification.tier,
        reason=f"classification v{classification.number}",
    )
    checks_sync(
        actor=actor,
        project=project,
        reason=NO_LONGER_APPLIES.format(number=classification.number),
    )


@transaction.atomic
def classification_confirm(*, actor: User, classification: Classification) -> Classification:
    """A compliance officer confirms a manager's proposal."""
    locked = (
        Classification.objects.select_for_update()
        .select_related("project")
        .get(pk=classification.pk)
    )
    require(actor, Rule.CLASSIFICATION_CONFIRM, locked)
    if locked.status != Status.PROPOSED:
        raise ValidationError("This classification is not awaiting confirmation.")
    _confirm(actor, locked)
    return locked
