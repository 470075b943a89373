"""Feasibility studies: findings per dimension, a verdict, and the manager's sign-off."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.permissions import Perm, Rule, require
from audit.writer import audit_record
from core.errors import ConflictError, reject_unknown_fields
from core.services import model_update, snapshot
from projects.audit_actions import ProjectsAction
from projects.models import FeasibilityStudy, Project
from projects.models.feasibility import DIMENSIONS

STUDY_FIELDS = (
    "title",
    *(f"{dim}_{part}" for dim in DIMENSIONS for part in ("findings", "rating", "open_questions")),
    "currency",
    "estimated_cost",
    "budget_available",
    "verdict",
    "conditions",
)
SIGNED_OFF = "This study is signed off and final: start a new study to revise it."
CONDITIONS_NEEDED = 'Say which conditions apply to a "go with conditions" verdict.'
STALE = "Someone changed this study since you opened it: reload and apply your edit again."


def _check_conditions(study: FeasibilityStudy) -> None:
    # The database constraint has the last word; this names the field instead of answering
    # "constraint violated".
    if (
        study.verdict == FeasibilityStudy.Verdict.GO_WITH_CONDITIONS
        and not study.conditions.strip()
    ):
        raise ValidationError({"conditions": CONDITIONS_NEEDED})


@transaction.atomic
def feasibility_create(*, actor: User, project: Project, **fields: Any) -> FeasibilityStudy:
    """Start a feasibility study of the project."""
    require(actor, Perm.PROJECT_CONTRIBUTE, project)
    reject_unknown_fields(fields, STUDY_FIELDS)
    study = FeasibilityStudy(project=project, created_by=actor, **fields)
    if study.currency:
        study.currency = study.currency.upper()
    _check_conditions(study)
    study.full_clean()
    study.save()
    audit_record(
        actor=actor,
        action=ProjectsAction.FEASIBILITY_STUDY_CREATED,
        target=study,
        project=project,
        data=snapshot(
            study, ["title", "verdict", "currency", "estimated_cost", "budget_available"]
        ),
    )
    return study


@transaction.atomic
def feasibility_update(
    *, actor: User, study: FeasibilityStudy, expected_version: int, **changes: Any
) -> FeasibilityStudy:
    """Edit an unsigned study; `expected_version` guards against lost updates."""
    require(actor, Perm.PROJECT_CONTRIBUTE, study.project)
    locked = FeasibilityStudy.objects.select_for_update().get(pk=study.pk)
    if locked.is_signed_off:
        raise ConflictError(SIGNED_OFF, code="feasibility_signed_off")
    if locked.version != expected_version:
        raise ConflictError(
            STALE, code="stale_version", details={"current_version": locked.version}
        )
    if changes.get("currency"):
        changes["currency"] = changes["currency"].upper()
    locked, changed = model_update(
        instance=locked,
        fields=STUDY_FIELDS,
        data=changes,
        check=_check_conditions,
        counter="version",
    )
    if changed:
        audit_record(
            actor=actor,
            action=ProjectsAction.FEASIBILITY_STUDY_UPDATED,
            target=locked,
            project=locked.project,
            data=changed,
        )
    return locked


@transaction.atomic
def feasibility_sign_off(*, actor: User, study: FeasibilityStudy) -> FeasibilityStudy:
    """The project manager signs the study off: every dimension rated and a verdict given."""
    require(actor, Rule.FEASIBILITY_SIGN_OFF, study)
    locked = FeasibilityStudy.objects.select_for_update().get(pk=study.pk)
    if locked.is_signed_off:
        raise ConflictError(SIGNED_OFF, code="feasibility_signed_off")
    missing = {
        f"{dim}_rating": "Rate this dimension before signing off."
        for dim in DIMENSIONS
        if not getattr(locked, f"{dim}_rating")
    }
    if locked.verdict == FeasibilityStudy.Verdict.PENDING:
        missing["verdict"] = "Give a verdict before signing off."
    if missing:
        raise ValidationError(missing)
    locked.signed_off_by, locked.signed_off_at = actor, timezone.now()
    locked.version += 1
    locked.save(update_fields=["signed_off_by", "signed_off_at", "version", "updated_at"])
    audit_record(
        actor=actor,
        action=ProjectsAction.FEASIBILITY_STUDY_SIGNED_OFF,
        target=locked,
        project=locked.project,
        data={"verdict": locked.verdict},
    )
    return locked
