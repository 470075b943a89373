"""Scope document versions: create (never edit in place), submit, review, approve."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.permissions import Perm, Rule, require
from audit.writer import audit_record
from core.errors import ConflictError
from projects.audit_actions import ProjectsAction
from projects.models import (
    Milestone,
    Project,
    ScopeDocument,
    ScopeReviewComment,
    ScopeVersion,
    SuccessCriterion,
)

VStatus = ScopeVersion.Status
LIST_LIMIT = 50
IN_REVIEW = "A version of this scope document is in review: wait for its review first."
NOT_LATEST = "Only the latest version can be submitted or reviewed."
WRONG_STATUS = "This version is {status}: that step is not possible now."


def _clean_list(values: list[str] | None, field: str) -> list[str]:
    items = [str(v).strip() for v in (values or []) if str(v).strip()]
    if len(items) > LIST_LIMIT:
        raise ValidationError({field: f"At most {LIST_LIMIT} items."})
    if any(len(item) > 500 for item in items):
        raise ValidationError({field: "Each item has at most 500 characters."})
    return items


def _milestones(
    raw: list[dict[str, Any]] | None, start: date | None, end: date | None
) -> list[Milestone]:
    """Milestones in the order given; their dates must not go backwards or leave the timeline."""
    milestones: list[Milestone] = []
    errors: list[str] = []
    previous: date | None = None
    for position, item in enumerate(raw or [], start=1):
        title, due = str(item.get("title", "")).strip(), item.get("due_date")
        if isinstance(due, str):
            try:
                due = date.fromisoformat(due)
            except ValueError:
                due = None
        if not title or not isinstance(due, date):
            errors.append(f"Milestone {position} needs a title and a valid date.")
            continue
        if previous is not None and due < previous:
            errors.append(f"Milestone {position} ({title}) is dated before the one above it.")
        if (start and due < start) or (end and due > end):
            errors.append(f"Milestone {position} ({title}) falls outside the timeline.")
        previous = due
        milestones.append(Milestone(position=position, title=title[:200], due_date=due))
    if errors:
        raise ValidationError({"milestones": errors})
    return milestones


def _criteria(raw: list[dict[str, Any]] | None) -> list[SuccessCriterion]:
    """Each success criterion must be measurable: a metric, a numeric target and a unit."""
    criteria: list[SuccessCriterion] = []
    errors: list[str] = []
    for position, item in enumerate(raw or [], start=1):
        metric, unit = str(item.get("metric", "")).strip(), str(item.get("unit", "")).strip()
        comparison = item.get("comparison") or SuccessCriterion.Comparison.AT_LEAST
        try:
            target = Decimal(str(item.get("target", "")))
            if not target.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            target = None
        if not metric or not unit or target is None:
            errors.append(f"Criterion {position} needs a metric, a numeric target and a unit.")
            continue
        if comparison not in SuccessCriterion.Comparison.values:
            errors.append(f"Criterion {position}: unknown comparison {comparison!r}.")
            continue
        criterion = SuccessCriterion(
            position=position, metric=metric, comparison=comparison, target=target, unit=unit
        )
        try:
            criterion.clean_fields(exclude=["version"])
        except ValidationError as error:
            errors.extend(f"Criterion {position}: {m}" for m in error.messages)
            continue
        criteria.append(criterion)
    if errors:
        raise ValidationError({"success_criteria": errors})
    return criteria


@transaction.atomic
def scope_version_create(
    *,
    actor: User,
    project: Project,
    goals: str,
    deliverables: str = "",
    timeline_start: date | None = None,
    timeline_end: date | None = None,
    out_of_scope: list[str] | None = None,
    assumptions: list[str] | None = None,
    constraints: list[str] | None = None,
    milestones: list[dict[str, Any]] | None = None,
    success_criteria: list[dict[str, Any]] | None = None,
    change_summary: str = "",
) -> ScopeVersion:
    """Write the next version of the project's scope document (editing = a new version).

    Open drafts are superseded by the new version; a version in review blocks new ones.
    """
    require(actor, Perm.PROJECT_CONTRIBUTE, project)
    document, _ = ScopeDocument.objects.select_for_update().get_or_create(project=project)
    versions = ScopeVersion.objects.select_for_update().filter(document=document)
    if versions.filter(status=VStatus.IN_REVIEW).exists():
        raise ConflictError(IN_REVIEW, code="scope_in_review")
    if timeline_start and timeline_end and timeline_end < timeline_start:
        raise ValidationError({"timeline_end": "The timeline ends before it starts."})
    version = ScopeVersion(
        document=document,
        number=(versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1,
        goals=goals.strip(),
        deliverables=deliverables.strip(),
        timeline_start=timeline_start,
        timeline_end=timeline_end,
        out_of_scope=_clean_list(out_of_scope, "out_of_scope"),
        assumptions=_clean_list(assumptions, "assumptions"),
        constraints=_clean_list(constraints, "constraints"),
        change_summary=change_summary.strip(),
        created_by=actor,
    )
    version.full_clean(exclude=["document"])
    milestone_rows = _milestones(milestones, timeline_start, timeline_end)
    criterion_rows = _criteria(success_criteria)
    superseded = list(
        versions.filter(status__in=[VStatus.DRAFT, VStatus.CHANGES_REQUESTED]).values_list(
            "number", flat=True
        )
    )
    versions.filter(number__in=superseded).update(
        status=VStatus.SUPERSEDED, updated_at=timezone.now()
    )
    version.save()
    for milestone in milestone_rows:
        milestone.version = version
    for criterion in criterion_rows:
        criterion.version = version
    Milestone.objects.bulk_create(milestone_rows)
    SuccessCriterion.objects.bulk_create(criterion_rows)
    audit_record(
        actor=actor,
        action=ProjectsAction.SCOPE_VERSION_CREATED,
        target=version,
        project=project,
        data={
            "number": version.number,
            "superseded": superseded,
            "milestones": len(milestone_rows),
            "success_criteria": len(criterion_rows),
            "change_summary": version.change_summary,
        },
    )
    return version


def _lock_latest(version: ScopeVersion, allowed: tuple[str, ...]) -> ScopeVersion:
    locked = ScopeVersion.objects.select_for_update().select_related("document").get(pk=version.pk)
    latest = (
        ScopeVersion.objects.filter(document_id=locked.document_id)
        .order_by("-number")
        .values_list("pk", flat=True)
        .first()
    )
    if latest != locked.pk:
        raise ConflictError(NOT_LATEST, code="scope_not_latest")
    if locked.status not in allowed:
        raise ConflictError(
            WRONG_STATUS.format(status=locked.get_status_display().lower()),
            code="scope_wrong_status",
        )
    return locked


@transaction.atomic
def scope_version_submit(*, actor: User, version: ScopeVersion) -> ScopeVersion:
    """Put the latest draft in review."""
    project = version.document.project
    require(actor, Perm.PROJECT_CONTRIBUTE, project)
    locked = _lock_latest(version, (VStatus.DRAFT, VStatus.CHANGES_REQUESTED))
    locked.status, locked.submitted_at = VStatus.IN_REVIEW, timezone.now()
    locked.save(update_fields=["status", "submitted_at", "updated_at"])
    audit_record(
        actor=actor,
        action=ProjectsAction.SCOPE_VERSION_SUBMITTED,
        target=locked,
        project=project,
        data={"number": locked.number},
    )
    return locked


def _review(
    actor: User, version: ScopeVersion, decision: str, comment: str
) -> tuple[ScopeVersion, Project]:
    project = version.document.project
    require(actor, Perm.PROJECT_REVIEW, project)
    locked = _lock_latest(version, (VStatus.IN_REVIEW,))
    require(actor, Rule.SCOPE_VERSION_DECIDE, locked)
    locked.reviewed_by, locked.reviewed_at = actor, timezone.now()
    review = ScopeReviewComment(
        version=locked, author=actor, body=comment.strip(), decision=decision
    )
    review.full_clean()
    review.save()
    return locked, project


@transaction.atomic
def scope_version_approve(*, actor: User, version: ScopeVersion, comment: str = "") -> ScopeVersion:
    """Approve the version in review; the previously approved one is superseded."""
    locked, project = _review(actor, version, ScopeReviewComment.Decision.APPROVED, comment)
    document = ScopeDocument.objects.select_for_update().get(pk=locked.document_id)
    previous = document.approved_version_id
    if previous:
        ScopeVersion.objects.filter(pk=previous).update(
            status=VStatus.SUPERSEDED, updated_at=timezone.now()
        )
    locked.status = VStatus.APPROVED
    locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "updated_at"])
    document.approved_version = locked
    document.save(update_fields=["approved_version", "updated_at"])
    audit_record(
        actor=actor,
        action=ProjectsAction.SCOPE_VERSION_APPROVED,
        target=locked,
        project=project,
        data={"number": locked.number, "superseded_version_id": previous},
    )
    return locked


@transaction.atomic
def scope_version_request_changes(
    *, actor: User, version: ScopeVersion, comment: str
) -> ScopeVersion:
    """Send the version back to its authors with what must change."""
    if not comment.strip():
        raise ValidationError({"comment": "Say what must change."})
    locked, project = _review(
        actor, version, ScopeReviewComment.Decision.CHANGES_REQUESTED, comment
    )
    locked.status = VStatus.CHANGES_REQUESTED
    locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "updated_at"])
    audit_record(
        actor=actor,
        action=ProjectsAction.SCOPE_VERSION_CHANGES_REQUESTED,
        target=locked,
        project=project,
        data={"number": locked.number},
    )
    return locked


@transaction.atomic
def scope_version_comment(*, actor: User, version: ScopeVersion, body: str) -> ScopeReviewComment:
    """Comment on a version without deciding (contributors and reviewers)."""
    project = version.document.project
    require(actor, Rule.SCOPE_VERSION_COMMENT, version)
    if not body.strip():
        raise ValidationError({"body": "Write a comment."})
    comment = ScopeReviewComment(version=version, author=actor, body=body.strip())
    comment.full_clean()
    comment.save()
    audit_record(
        actor=actor,
        action=ProjectsAction.SCOPE_REVIEW_COMMENT_CREATED,
        target=comment,
        project=project,
        data={"version_id": str(version.pk)},
    )
    return comment
