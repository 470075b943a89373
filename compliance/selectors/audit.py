"""Read queries of compliance: the audit trail as people and clients see it."""

from typing import Any

from django.db.models import QuerySet

from accounts.models import Organization, User
from accounts.permissions import audit_events_visible_to
from audit.models import AuditEvent

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
    filters = filters or {}
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
    return events.order_by("-occurred_at", "-sequence")
