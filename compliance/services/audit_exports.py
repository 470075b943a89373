"""Exporting the audit trail: who exported what is itself on the trail; the export is a
stream (audit/exports.py), so its size never weighs on memory. Small exports are answered at
once; large ones are an AuditExport row that a worker writes to the report folder.

Formats: JSON Lines and CSV (both verifiable offline with audit/offline/verify_export.py) and
PDF, a readable document of the same rows with the signed manifest printed at its end.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import Organization, User
from accounts.permissions import Perm, require
from audit.checkpoints import latest_checkpoints
from audit.exports import ExportWriter, canonical
from audit.models import AuditEvent
from audit.writer import audit_record
from compliance.audit_actions import ComplianceAction as Action
from compliance.models import AuditExport
from compliance.selectors import audit_chain_rows
from compliance.signals import audit_export_ready
from core.jobs import enqueue_named_on_commit
from core.pdf import html_to_pdf
from core.services import json_normalise

logger = logging.getLogger(__name__)

CHUNK = 2000
EVENT_COLUMNS = tuple(field.attname for field in AuditEvent._meta.concrete_fields)
FORMATS = ("jsonl", "csv", "pdf")
CONTENT_TYPES = {
    "jsonl": "application/x-ndjson; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
}
BUILD_TASK = "compliance.tasks.audit_export_build"
PDF_TOO_LARGE = (
    "A PDF holds at most {limit} events: narrow the filter, or export CSV or JSON Lines."
)


def export_now_max_rows() -> int:
    """Above this many events an export is queued for a worker rather than streamed."""
    return int(getattr(settings, "CHARTER_AUDIT_EXPORT_NOW_MAX_ROWS", 5000))


def pdf_max_rows() -> int:
    """WeasyPrint lays the whole document out in memory: a PDF is bounded in rows."""
    return int(getattr(settings, "CHARTER_AUDIT_PDF_MAX_ROWS", 2000))


def export_dir() -> Path:
    folder = Path(
        getattr(settings, "CHARTER_AUDIT_EXPORT_DIR", Path(settings.DATA_DIR) / "audit-exports")
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def kept_filters(filters: dict[str, Any]) -> dict[str, Any]:
    """The filters as the manifest and the audit event record them: JSON, empty ones left out."""
    return {name: value for name, value in json_normalise(filters).items() if value}


def _events(
    *, actor: User, organization: Organization, filters: dict[str, Any]
) -> QuerySet[AuditEvent]:
    # Every caller required Perm.AUDIT_VIEW_ORG first: the whole chain is the actor's to read.
    require(actor, Perm.AUDIT_VIEW_ORG, organization)
    return audit_chain_rows(organization=organization, filters=filters)


def audit_export_is_large(
    *, actor: User, organization: Organization, filters: dict[str, Any]
) -> bool:
    """Whether the filtered view has more events than may be exported at once (a bounded
    count: at most the threshold plus one rows are counted)."""
    limit = export_now_max_rows()
    events = _events(actor=actor, organization=organization, filters=filters)
    return events[: limit + 1].count() > limit


def _writer(organization: Organization, kept: dict[str, Any], rows_format: str) -> ExportWriter:
    chain = str(organization.pk)
    return ExportWriter(
        chain=chain,
        filters=kept,
        checkpoint=latest_checkpoints().get(chain),
        # Unfiltered, the rows are the chain itself from its first event: every link checks.
        contiguous=not kept,
        rows_format=rows_format,
    )


def _record(
    actor: User, organization: Organization, kept: dict[str, Any], fmt: str, **extra: Any
) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=Action.AUDIT_TRAIL_EXPORTED,
            target=organization,
            data={"filters": kept, "format": fmt, **extra},
        )


def _stream(
    *, actor: User, organization: Organization, filters: dict[str, Any], fmt: str
) -> tuple[ExportWriter, Iterator[str]]:
    writer = _writer(organization, kept_filters(filters), fmt)
    events = _events(actor=actor, organization=organization, filters=filters)
    # Plain values, not model instances: the writer reads the hashed fields and the hash as
    # attributes, which a namespace of the row's values has (as the verifier reads them), and
    # building an AuditEvent per row was most of the export's time (docs/performance.md).
    values = events.values(*EVENT_COLUMNS).iterator(chunk_size=CHUNK)
    rows = cast("Iterator[AuditEvent]", (SimpleNamespace(**row) for row in values))
    return writer, (writer.csv_lines(rows) if fmt == "csv" else writer.lines(rows))


def audit_trail_export(
    *,
    actor: User,
    organization: Organization,
    filters: dict[str, Any],
    format: str = "jsonl",
) -> Iterator[str]:
    """The organisation's events that match `filters`, oldest first, as the lines of a signed
    JSON Lines or CSV export. Administrators and compliance officers only (the whole chain).
    The export is recorded before the rows are read, so it lists itself."""
    require(actor, Perm.AUDIT_VIEW_ORG, organization)
    if format not in ("jsonl", "csv"):
        raise ValueError(f"not a streamed format: {format!r}")
    _record(actor, organization, kept_filters(filters), format)
    _, lines = _stream(actor=actor, organization=organization, filters=filters, fmt=format)
    return lines


class PdfTooLargeError(ValueError):
    """The filtered view has more events than one PDF may hold."""


def _pdf(*, actor: User, organization: Organization, filters: dict[str, Any]) -> tuple[bytes, int]:
    limit = pdf_max_rows()
    writer = _writer(organization, kept_filters(filters), "pdf")
    events = _events(actor=actor, organization=organization, filters=filters)
    rows = [
        {"event": event, "fields": fields}
        for event, fields in writer.events(events[: limit + 1].iterator(chunk_size=CHUNK))
    ]
    if len(rows) > limit:
        raise PdfTooLargeError(PDF_TOO_LARGE.format(limit=limit))
    manifest = writer.manifest()
    html = render_to_string(
        "compliance/audit_export_pdf.html",
        {
            "organization": organization,
            "rows": rows,
            "manifest": manifest,
            "manifest_json": canonical(manifest),
            "filters": kept_filters(filters),
        },
    )
    return html_to_pdf(html), len(rows)


def audit_trail_export_pdf(
    *, actor: User, organization: Organization, filters: dict[str, Any]
) -> bytes:
    """The filtered view as a PDF, with the signed manifest printed after the rows; raises
    PdfTooLargeError above CHARTER_AUDIT_PDF_MAX_ROWS (the page offers a queued CSV then)."""
    require(actor, Perm.AUDIT_VIEW_ORG, organization)
    _record(actor, organization, kept_filters(filters), "pdf")
    pdf, _ = _pdf(actor=actor, organization=organization, filters=filters)
    return pdf


@transaction.atomic
def audit_export_request(
    *,
    actor: User,
    organization: Organization,
    filters: dict[str, Any],
    format: str,
) -> AuditExport:
    """Queue an export of the filtered view for a worker; recorded on the trail now."""
    require(actor, Perm.AUDIT_VIEW_ORG, organization)
    if format not in FORMATS:
        raise ValueError(f"unknown export format {format!r}")
    kept = kept_filters(filters)
    export = AuditExport(organization=organization, requested_by=actor, filters=kept, format=format)
    export.full_clean()
    export.save()
    audit_record(
        actor=actor,
        action=Action.AUDIT_TRAIL_EXPORTED,
        target=organization,
        data={"filters": kept, "format": format, "export": str(export.pk), "queued": True},
    )
    enqueue_named_on_commit(BUILD_TASK, export_id=str(export.pk))
    return export


def _claim(export_id: UUID) -> AuditExport | None:
    with transaction.atomic():
        export = (
            AuditExport.objects.select_for_update()
            .select_related("organization", "requested_by")
            .filter(pk=export_id)
            .first()
        )
        if export is None or export.status != AuditExport.Status.QUEUED:
            return None  # done, running elsewhere, or gone: a re-delivered message does nothing
        export.status = AuditExport.Status.RUNNING
        export.save(update_fields=["status", "updated_at"])
    return export


def audit_export_build(*, export_id: UUID) -> AuditExport | None:
    """Write a queued export to the report folder (a temporary name, then renamed), with its
    SHA-256 and row count; a failure marks it failed with the reason. Idempotent: an export
    no longer queued is left alone."""
    export = _claim(export_id)
    if export is None:
        return None
    # The filters were JSON-normalised when queued; the selector takes ISO 8601 text as well.
    filters = dict(export.filters)
    actor, organization = export.requested_by, export.organization
    name = f"{export.pk}.{export.format}"
    partial: Path | None = None
    digest = hashlib.sha256()
    try:
        # Inside the try: a folder that cannot be made fails the export, never leaves it
        # running for ever.
        target = export_dir() / name
        partial = target.with_suffix(".part")
        require(actor, Perm.AUDIT_VIEW_ORG, organization)
        if export.format == "pdf":
            pdf, rows = _pdf(actor=actor, organization=organization, filters=filters)
            partial.write_bytes(pdf)
            digest.update(pdf)
        else:
            writer, lines = _stream(
                actor=actor, organization=organization, filters=filters, fmt=export.format
            )
            with partial.open("wb") as out:
                for chunk in lines:
                    data = chunk.encode("utf-8")
                    digest.update(data)
                    out.write(data)
            rows = writer.rows
        os.replace(partial, target)
    except Exception as error:
        logger.exception("audit export %s failed", export.pk)
        if partial is not None:
            partial.unlink(missing_ok=True)
        export.status = AuditExport.Status.FAILED
        export.error = str(error)[:500]
        export.finished_at = timezone.now()
        export.save(update_fields=["status", "error", "finished_at", "updated_at"])
        return export
    export.status = AuditExport.Status.READY
    export.file_name = name
    export.sha256 = digest.hexdigest()
    export.rows = rows
    export.size = target.stat().st_size
    export.finished_at = timezone.now()
    # Ready and announced together: the requester's notification and the `export.ready`
    # webhooks' outbox rows commit with the status, or not at all.
    with transaction.atomic():
        export.save(
            update_fields=[
                "status",
                "file_name",
                "sha256",
                "rows",
                "size",
                "finished_at",
                "updated_at",
            ]
        )
        audit_export_ready.send(sender=AuditExport, export=export)
    return export


def audit_export_file(export: AuditExport) -> Path:
    """Where a ready export's file is."""
    return export_dir() / export.file_name
