"""Reading report schedules and reports: administrators and compliance officers of their
organisation only (they read its whole audit trail, which a report summarises)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accounts.models import Organization, OrganizationMembership, User
from accounts.permissions import ORG_ROLE_PERMS, Actor, Perm, can
from accounts.selectors import visible_object_get
from reports.models import Report, ReportSchedule

READ = Perm.AUDIT_VIEW_ORG
READERS = [role for role, perms in ORG_ROLE_PERMS.items() if READ in perms]


def _memberships(user: Actor) -> QuerySet[OrganizationMembership]:
    if not isinstance(user, User) or not user.is_active:
        return OrganizationMembership.objects.none()
    return OrganizationMembership.objects.filter(user=user)


def report_schedule_list_for_user(
    *, user: Actor, organization: Organization | None = None
) -> QuerySet[ReportSchedule]:
    """The schedules the user may read (of one organisation, or of all theirs)."""
    rows = ReportSchedule.objects.filter(
        organization_id__in=_memberships(user).filter(role__in=READERS).values("organization_id")
    )
    if organization is not None:
        rows = rows.filter(organization=organization)
    return rows.select_related("organization", "project", "created_by").order_by(
        "organization__name", "project__name", "cadence", "created_at"
    )


def schedules_of_member(*, user: Actor) -> QuerySet[ReportSchedule]:
    """The schedules of the user's organisations, for a lookup the policy then decides."""
    return ReportSchedule.objects.filter(
        organization_id__in=_memberships(user).values("organization_id")
    ).select_related("organization", "project", "created_by")


def reports_of_member(*, user: Actor) -> QuerySet[Report]:
    """The reports of the user's organisations, for a lookup the policy then decides."""
    return Report.objects.filter(
        organization_id__in=_memberships(user).values("organization_id")
    ).select_related("organization", "project", "schedule", "generated_by")


def report_schedule_get_for_user(*, user: Actor, id: Any, perm: Perm = READ) -> ReportSchedule:
    """One schedule: 404 outside the user's organisations, 403 without `perm`."""
    return visible_object_get(
        user=user,
        model=ReportSchedule,
        id=id,
        perm=perm,
        queryset=schedules_of_member(user=user),
    )


def report_list_for_user(
    *, user: Actor, organization: Organization | None = None
) -> QuerySet[Report]:
    """The reports the user may read, newest period first."""
    rows = Report.objects.filter(
        organization_id__in=_memberships(user).filter(role__in=READERS).values("organization_id")
    )
    if organization is not None:
        rows = rows.filter(organization=organization)
    return rows.select_related("organization", "project").order_by(
        "-period_end", "scope", "-period_start"
    )


def report_get_for_user(*, user: Actor, id: Any) -> Report:
    """One report: 404 outside the user's organisations, 403 for a member who does not read
    the organisation's trail."""
    return visible_object_get(
        user=user,
        model=Report,
        id=id,
        perm=READ,
        queryset=reports_of_member(user=user),
    )


def may_manage_reports(user: Actor, organization: Organization) -> bool:
    return can(user, Perm.COMPLIANCE_MANAGE, organization)
