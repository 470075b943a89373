"""Publishing a project's fact sheet on its public page, and taking it down. Both are
audited; unpublishing ends the page at once (the public view reads the row on every
request, nothing of Charter caches it)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.permissions import Rule, require
from audit.writer import audit_record
from compliance.audit_actions import ComplianceAction as Action
from compliance.fact_sheet import FIELDS
from compliance.models import FactSheetPublication
from projects.models import Project

CHOOSE_FIELDS = "Choose at least one field of the fact sheet to publish."
UNKNOWN_FIELDS = "Not a field of the fact sheet: {names}."
NOT_LIVE = "This fact sheet is no longer published."


def _clean_fields(fields: list[str]) -> list[str]:
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        raise ValidationError({"fields": UNKNOWN_FIELDS.format(names=", ".join(unknown))})
    if not fields:
        raise ValidationError({"fields": CHOOSE_FIELDS})
    return [key for key in FIELDS if key in fields]  # the fact sheet's order, no repeats


@transaction.atomic
def fact_sheet_publish(*, actor: User, project: Project, fields: list[str]) -> FactSheetPublication:
    """Publish the chosen fields; while a page is live, change its fields (same address)."""
    require(actor, Rule.FACT_SHEET_PUBLISH, project)
    chosen = _clean_fields(fields)
    Project.objects.select_for_update().filter(pk=project.pk).first()  # one publisher at a time
    live = FactSheetPublication.objects.filter(project=project, unpublished_at__isnull=True).first()
    previous = None if live is None else list(live.fields)
    publication = live or FactSheetPublication(project=project)
    publication.fields = chosen
    publication.published_by, publication.published_at = actor, timezone.now()
    publication.full_clean()
    publication.save()
    audit_record(
        actor=actor,
        action=Action.FACT_SHEET_PUBLISHED,
        target=publication,
        project=project,
        data={"fields": chosen, "previous_fields": previous},
    )
    return publication


@transaction.atomic
def fact_sheet_unpublish(*, actor: User, publication: FactSheetPublication) -> FactSheetPublication:
    """Take the page down: its address answers 404 from this commit on."""
    locked = (
        FactSheetPublication.objects.select_for_update()
        .select_related("project")
        .get(pk=publication.pk)
    )
    require(actor, Rule.FACT_SHEET_PUBLISH, locked.project)
    if not locked.is_live:
        raise ValidationError(NOT_LIVE)
    locked.unpublished_by, locked.unpublished_at = actor, timezone.now()
    locked.full_clean()
    locked.save(update_fields=["unpublished_by", "unpublished_at", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.FACT_SHEET_UNPUBLISHED,
        target=locked,
        project=locked.project,
        data={"fields": locked.fields},
    )
    return locked


__all__ = ["fact_sheet_publish", "fact_sheet_unpublish"]
