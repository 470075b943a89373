"""A report's file as a download, for the page and the API alike: an attachment, never
sniffed, with its SHA-256 in a header so that a client can check what it received."""

from __future__ import annotations

from django.http import FileResponse, Http404

from reports.models import Report
from reports.services import report_file

CONTENT_TYPES = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8"}


def report_download(report: Report, kind: str) -> FileResponse:
    """The stored file of `kind` (404 for a format the report was not made in)."""
    path = report_file(report, kind)
    if path is None or kind not in CONTENT_TYPES:
        raise Http404
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = f"charter-{report.cadence}-report-{report.scope.replace('/', '-')}-{report.pk}.{kind}"
    response = FileResponse(
        handle, as_attachment=True, filename=name, content_type=CONTENT_TYPES[kind]
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Checksum-SHA256"] = report.pdf_sha256 if kind == "pdf" else report.csv_sha256
    return response
