"""Exporting the audit trail: who exported what is itself on the trail; the export is a
stream (audit/exports.py), so its size never weighs on memory."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import transaction

from accounts.models import Organization, User
from accounts.permissions import Perm, require
from audit.checkpoints import latest_checkpoints
from audit.exports import ExportWriter
from audit.writer import audit_record
from compliance.audit_actions import ComplianceAction as Action
from compliance.selectors import audit_event_list_for_user
from core.services import json_normalise

CHUNK = 2000


def audit_trail_export(
    *, actor: User, organization: Organization, filters: dict[str, Any]
) -> Iterator[str]:
    """The organisation's events that match `filters`, oldest first, as the lines of a signed
    JSON Lines export. Administrators and compliance officers only (the whole chain)."""
    require(actor, Perm.AUDIT_VIEW_ORG, organization)
    kept = {name: value for name, value in json_normalise(filters).items() if value}
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=Action.AUDIT_TRAIL_EXPORTED,
            target=organization,
            data={"filters": kept, "format": "jsonl"},
        )
    chain = str(organization.pk)
    writer = ExportWriter(
        chain=chain,
        filters=kept,
        checkpoint=latest_checkpoints().get(chain),
        # Unfiltered, the rows are the chain itself from its first event: every link checks.
        contiguous=not kept,
    )
    events = (
        audit_event_list_for_user(user=actor, organization=organization, filters=filters)
        .select_related(None)
        .order_by("sequence")
    )
    return writer.lines(events.iterator(chunk_size=CHUNK))
