"""Reviewers' blind scores: a draft sheet they may change, submitted once complete (or an
abstention), after which it never changes and they see everybody else's."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.permissions import Rule, require
from audit.writer import audit_record
from models_registry.audit_actions import ModelsRegistryAction as Action
from models_registry.models import Candidate, Criterion, Score, ScoreSheet
from models_registry.services.selection import check_selection_open, lock_project
from projects.models import Project

SHEET_CLOSED = "Your scores are submitted: they can no longer change."
NOT_THIS_PROJECT = "This candidate or criterion belongs to another project."
INCOMPLETE = "Score every candidate on every criterion before submitting: {missing} missing."
NOTHING_TO_SCORE = "There is nothing to score yet: the project needs candidates and criteria."
ALREADY_SCORED = "You have scored candidates: submit your sheet rather than abstaining."


def _sheet(actor: User, project: Project) -> ScoreSheet:
    """The actor's sheet on the project, locked (created as a draft if they had none)."""
    sheet, _ = ScoreSheet.objects.get_or_create(project=project, reviewer=actor)
    return ScoreSheet.objects.select_for_update().get(pk=sheet.pk)


def _open_sheet(actor: User, project: Project) -> ScoreSheet:
    require(actor, Rule.SELECTION_SCORE, project)
    project = lock_project(project)
    check_selection_open(project, changes_set=False)
    sheet = _sheet(actor, project)
    if not sheet.is_open:
        raise ValidationError(SHEET_CLOSED, code="sheet_closed")
    return sheet


@transaction.atomic
def score_record(
    *,
    actor: User,
    candidate: Candidate,
    criterion: Criterion,
    value: int,
    justification: str,
) -> Score:
    """Score one cell of your own sheet; scoring it again changes your score, until you
    submit."""
    if candidate.project_id != criterion.project_id:
        raise ValidationError(NOT_THIS_PROJECT)
    sheet = _open_sheet(actor, candidate.project)
    score = Score.objects.filter(sheet=sheet, candidate=candidate, criterion=criterion).first()
    old = None if score is None else {"value": score.value, "justification": score.justification}
    if score is None:
        score = Score(sheet=sheet, candidate=candidate, criterion=criterion)
    score.value, score.justification = value, justification.strip()
    score.full_clean(exclude=["sheet", "candidate", "criterion"], validate_constraints=False)
    new = {"value": score.value, "justification": score.justification}
    if new != old:
        score.save()
        audit_record(
            actor=actor,
            action=Action.SCORE_RECORDED,
            target=score,
            project=sheet.project,
            # The value, not the words: the justification is read on the sheet itself.
            data={
                "candidate_id": str(candidate.pk),
                "criterion_id": str(criterion.pk),
                "value": {"old": None if old is None else old["value"], "new": value},
            },
        )
    return score


def missing_cells(sheet: ScoreSheet) -> int:
    """How many candidate × criterion cells the sheet has not scored yet."""
    candidates = Candidate.objects.filter(project_id=sheet.project_id).count()
    criteria = Criterion.objects.filter(project_id=sheet.project_id).count()
    scored = Score.objects.filter(sheet=sheet).count()
    return candidates * criteria - scored


@transaction.atomic
def sheet_submit(*, actor: User, project: Project) -> ScoreSheet:
    """Submit your complete sheet: from now on it is read-only, and you see the matrix."""
    sheet = _open_sheet(actor, project)
    if (
        not Candidate.objects.filter(project=project).exists()
        or not Criterion.objects.filter(project=project).exists()
    ):
        raise ValidationError(NOTHING_TO_SCORE)
    missing = missing_cells(sheet)
    if missing:
        raise ValidationError(INCOMPLETE.format(missing=missing), code="incomplete")
    sheet.status, sheet.submitted_at = ScoreSheet.Status.SUBMITTED, timezone.now()
    sheet.save(update_fields=["status", "submitted_at", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.SCORE_SHEET_SUBMITTED,
        target=sheet,
        project=sheet.project,
        data={"scores": Score.objects.filter(sheet=sheet).count()},
    )
    return sheet


@transaction.atomic
def sheet_abstain(*, actor: User, project: Project) -> ScoreSheet:
    """Decline to score (a chair, a compliance officer): you see the matrix, and your name
    never counts among the reviewers."""
    sheet = _open_sheet(actor, project)
    if Score.objects.filter(sheet=sheet).exists():
        raise ValidationError(ALREADY_SCORED)
    sheet.status, sheet.submitted_at = ScoreSheet.Status.ABSTAINED, timezone.now()
    sheet.save(update_fields=["status", "submitted_at", "updated_at"])
    audit_record(
        actor=actor, action=Action.SCORE_SHEET_ABSTAINED, target=sheet, project=sheet.project
    )
    return sheet
