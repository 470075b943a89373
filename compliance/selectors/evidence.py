"""Reads of evidence and of the AI-literacy register: a project's evidence with filters, one
piece with the checks it serves (its own and through the crosswalk) and its judgement
history, the evidence a check could still be given, training records, and the share of a
project's team whose AI-literacy training is current."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import Organization, OrganizationMembership, User
from accounts.permissions import (
    Actor,
    Perm,
    Rule,
    audit_events_visible_to,
    can,
    users_who_can_see,
    visible,
)
from accounts.selectors import visible_object_get
from audit.models import AuditEvent
from compliance.models import CheckEvidence, ComplianceCheck, Evidence, TrainingRecord
from compliance.selectors.checks import mapped_requirement_ids
from projects.models import Project

EXPIRING_DAYS = 30
EVIDENCE_STATUSES = [*Evidence.Status.choices, ("expired", "Expired")]


def evidence_list(*, project: Project, filters: dict[str, Any] | None = None) -> QuerySet[Evidence]:
    """The project's evidence, newest first. Filters: `status` (pending, accepted, rejected,
    or expired), `kind`, `expiring` (expires within 30 days and has not expired yet)."""
    rows = Evidence.objects.filter(project=project).select_related("owner", "judged_by")
    filters = filters or {}
    status = filters.get("status")
    if status == "expired":
        rows = rows.filter(expired_at__isnull=False)
    elif status:
        rows = rows.filter(status=status, expired_at__isnull=True)
    if filters.get("kind"):
        rows = rows.filter(kind=filters["kind"])
    if filters.get("expiring"):
        today = timezone.localdate()
        rows = rows.filter(
            expired_at__isnull=True,
            expires_on__gte=today,
            expires_on__lte=today + timedelta(days=EXPIRING_DAYS),
        )
    return rows.order_by("-created_at")


def evidence_get_for_user(*, user: Actor, id: Any) -> Evidence:
    """One piece of evidence the user may see (404 otherwise)."""
    return visible_object_get(
        user=user,
        model=Evidence,
        id=id,
        queryset=visible(user, Evidence).select_related(
            "project__organization", "owner", "judged_by"
        ),
    )


def evidence_checks_served(*, evidence: Evidence) -> list[dict[str, Any]]:
    """The checks the evidence counts for: {"check", "attached"} — attached to it directly,
    or (attached False) a check of the same project whose requirement the crosswalk maps to
    one it is attached to."""
    attached = list(
        ComplianceCheck.objects.filter(
            pk__in=CheckEvidence.objects.filter(evidence=evidence).values("compliance_check_id")
        ).select_related("requirement__framework")
    )
    mapped: set[Any] = set()
    for check in attached:
        mapped |= mapped_requirement_ids(check.requirement_id)
    direct = {c.pk for c in attached}
    through = ComplianceCheck.objects.filter(
        project_id=evidence.project_id, requirement_id__in=mapped
    ).exclude(pk__in=direct)
    rows = [{"check": c, "attached": True} for c in attached]
    rows += [
        {"check": c, "attached": False} for c in through.select_related("requirement__framework")
    ]
    return sorted(
        rows,
        key=lambda r: (r["check"].requirement.framework.name, r["check"].requirement.order),
    )


def evidence_attachable(*, check: ComplianceCheck) -> QuerySet[Evidence]:
    """Evidence of the check's project that is not attached to it and has not expired."""
    return (
        Evidence.objects.filter(project_id=check.project_id, expired_at__isnull=True)
        .exclude(pk__in=CheckEvidence.objects.filter(compliance_check=check).values("evidence"))
        .order_by("title")
    )


def evidence_history(*, user: Actor, evidence: Evidence) -> QuerySet[AuditEvent]:
    """What happened to the evidence, oldest first, as far as the user may read the trail."""
    return (
        audit_events_visible_to(user)
        .filter(target_type="compliance.evidence", target_id=str(evidence.pk))
        .select_related("actor")
        .order_by("occurred_at")
    )


def may_judge(user: Actor, evidence: Evidence) -> bool:
    """Reviewers and compliance officers of the project, not its owner; not once expired."""
    return not evidence.is_expired and can(user, Rule.EVIDENCE_JUDGE, evidence)


# --- the AI-literacy register -----------------------------------------------------------------


def training_list_for_user(
    *, user: User, organization: Organization, filters: dict[str, Any] | None = None
) -> QuerySet[TrainingRecord]:
    """The organisation's training records the user may read: all of them for those who keep
    the register, their own for everyone else. Filters: `person` (a user id), `current`."""
    rows = TrainingRecord.objects.filter(organization=organization).select_related(
        "person", "recorded_by"
    )
    if not can(user, Perm.LITERACY_MANAGE, organization):
        rows = rows.filter(person=user)
    filters = filters or {}
    if filters.get("person"):
        rows = rows.filter(person_id=filters["person"])
    if filters.get("current"):
        rows = rows.filter(_current())
    return rows.order_by("person__email", "-completed_on")


def training_get_for_user(*, user: User, id: Any) -> TrainingRecord:
    """One training record of the user's organisation (else 404): their own, or any for
    those who keep the register (else PermissionDenied)."""
    record = visible_object_get(
        user=user,
        model=TrainingRecord,
        id=id,
        queryset=visible(user, TrainingRecord).select_related(
            "organization", "person", "recorded_by"
        ),
    )
    if not can(user, Rule.TRAINING_VIEW, record):
        raise PermissionDenied  # a member of the organisation: it exists, it is not theirs
    return record


def _current() -> Q:
    today = timezone.localdate()
    return Q(completed_on__lte=today) & (Q(renews_on__isnull=True) | Q(renews_on__gt=today))


def _share(people: QuerySet[User], organization_id: Any) -> dict[str, int]:
    trained = TrainingRecord.objects.filter(_current(), organization_id=organization_id)
    team = people.count()
    current = people.filter(id__in=trained.values("person_id")).count()
    return {
        "team": team,
        "trained": current,
        "percent": round(100 * current / team) if team else 0,
    }


def literacy_share(*, project: Project) -> dict[str, int]:
    """How many of the people who can see the project (its team, and the organisation's
    administrators and compliance officers) hold current AI-literacy training (renewal date
    none or in the future), and that share in %."""
    return _share(users_who_can_see(project), project.organization_id)


def literacy_share_org(*, organization: Organization) -> dict[str, int]:
    """The same share over every active member of the organisation."""
    people = User.objects.filter(
        is_active=True,
        id__in=OrganizationMembership.objects.filter(organization=organization).values("user_id"),
    )
    return _share(people, organization.pk)
