"""Read queries of compliance: the audit trail as people and clients see it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Organization, OrganizationMembership, User
from accounts.permissions import (
    ORG_SEES_ALL_PROJECTS,
    Perm,
    audit_events_visible_to,
    can,
    organizations_visible_to,
)
from audit.checkpoints import signature_ok
from audit.models import AuditCheckpoint, AuditEvent
from compliance.models import AuditExport

SYSTEM_ACTOR = "system"


def audit_event_list_for_user(
    *, user: User, organization: Organization | None = None, filters: dict[str, Any] | None = None
) -> QuerySet[AuditEvent]:
    """Audit events the user may read (policy), newest first, optionally filtered.

    Filters: `action` (the action or its start), `actor` (a user id, or "system" for events
    without a person), `project`, `target_type`, `target_id`, `occurred_after` (inclusive),
    `occurred_before` (exclusive). Callers validate the values (forms, django-filter).
    """
    events = audit_events_visible_to(user).select_related("actor", "project")
    if organization is not None:
        events = events.filter(organization=organization)
    events = audit_events_filtered(events, filters or {})
    return events.order_by("-occurred_at", "-sequence")


def audit_events_filtered(
    events: QuerySet[AuditEvent], filters: dict[str, Any]
) -> QuerySet[AuditEvent]:
    """`events` narrowed by the trail's filters (see audit_event_list_for_user)."""
    if filters.get("action"):
        events = events.filter(action__startswith=filters["action"])
    if filters.get("actor") == SYSTEM_ACTOR:
        events = events.filter(actor__isnull=True)
    elif filters.get("actor"):
        events = events.filter(actor_id=filters["actor"])
    for name in ("project", "target_type", "target_id"):
        if filters.get(name):
            events = events.filter(**{name: filters[name]})
    if filters.get("occurred_after"):
        events = events.filter(occurred_at__gte=filters["occurred_after"])
    if filters.get("occurred_before"):
        events = events.filter(occurred_at__lt=filters["occurred_before"])
    return events


def audit_chain_rows(
    *, organization: Organization, filters: dict[str, Any]
) -> QuerySet[AuditEvent]:
    """The organisation's chain, oldest first, narrowed by `filters`: an export's rows. For
    callers that checked the reader may read the whole trail (Perm.AUDIT_VIEW_ORG): the
    query is then a range of the (chain, sequence) index, streamed in order without a sort."""
    events = AuditEvent.objects.filter(chain=str(organization.pk))
    return audit_events_filtered(events, filters).order_by("sequence")


@dataclass(frozen=True)
class AuditPage:
    """One page of the trail by keyset: `older` and `newer` are the cursors (sequence
    numbers) of the pages either side, None at an end."""

    events: list[AuditEvent]
    older: int | None
    newer: int | None


def audit_event_page_for_user(
    *,
    user: User,
    organization: Organization,
    filters: dict[str, Any] | None = None,
    before: int | None = None,
    after: int | None = None,
    size: int = 50,
) -> AuditPage:
    """A page of the organisation's trail, newest first, by keyset on the chain's sequence
    (one indexed range scan whatever the page: no OFFSET, no COUNT). `before` gives the page
    of events older than that sequence, `after` the page of those newer."""
    events = audit_event_list_for_user(user=user, organization=organization, filters=filters)
    events = events.filter(chain=str(organization.pk))
    if after is not None:
        found = list(events.filter(sequence__gt=after).order_by("sequence")[: size + 1])
        more_newer = len(found) > size
        rows = list(reversed(found[:size]))
        newer = rows[0].sequence if rows and more_newer else None
        older = rows[-1].sequence if rows else None
        return AuditPage(rows, older, newer)
    scoped = events if before is None else events.filter(sequence__lt=before)
    found = list(scoped.order_by("-sequence")[: size + 1])
    rows = found[:size]
    older = rows[-1].sequence if len(found) > size else None
    newer = rows[0].sequence if rows and before is not None else None
    return AuditPage(rows, older, newer)


@dataclass(frozen=True)
class ChainStatus:
    """Where the organisation's chain stands: its head and its latest signed checkpoint."""

    head: int
    checkpoint: AuditCheckpoint | None
    signature_ok: bool

    @property
    def since_checkpoint(self) -> int:
        return self.head - (self.checkpoint.sequence if self.checkpoint else 0)


def audit_chain_status(*, organization: Organization) -> ChainStatus:
    """The head sequence and the newest checkpoint of the organisation's chain (two indexed
    queries: the chain's last sequence and its last checkpoint)."""
    chain = str(organization.pk)
    head = (
        AuditEvent.objects.filter(chain=chain)
        .order_by("-sequence")
        .values_list("sequence", flat=True)
        .first()
    )
    checkpoint = AuditCheckpoint.objects.filter(chain=chain).order_by("-sequence").first()
    return ChainStatus(
        head=head or 0,
        checkpoint=checkpoint,
        signature_ok=checkpoint is not None and signature_ok(checkpoint),
    )


def audit_export_list_for_user(
    *, user: User, organization: Organization | None = None
) -> QuerySet[AuditExport]:
    """The queued and built exports of the organisations whose whole trail the user reads,
    newest first."""
    exports = AuditExport.objects.filter(
        organization__in=audit_organizations_of(user)
    ).select_related("requested_by", "organization")
    if organization is not None:
        exports = exports.filter(organization=organization)
    return exports.order_by("-created_at")


def audit_export_get_for_user(*, user: User, id: Any) -> AuditExport:
    """One export: Http404 if the user does not see its organisation (or there is none),
    PermissionDenied if they see it without reading its whole trail."""
    try:
        export = (
            AuditExport.objects.select_related("requested_by", "organization")
            .filter(organization__in=organizations_visible_to(user))
            .get(pk=id)
        )
    except (AuditExport.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    if not can(user, Perm.AUDIT_VIEW_ORG, export.organization):
        raise PermissionDenied
    return export


def audit_organizations_of(user: User) -> QuerySet[Organization]:
    """The organisations whose whole trail the user reads (administrators, officers)."""
    if not user.is_authenticated:
        return Organization.objects.none()
    return Organization.objects.filter(
        pk__in=OrganizationMembership.objects.filter(
            user=user, role__in=ORG_SEES_ALL_PROJECTS
        ).values("organization_id")
    )
