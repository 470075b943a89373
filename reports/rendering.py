"""A report's two files: PDF from a template (WeasyPrint, offline) and CSV through Charter's
one formula-neutralising writer. Times are shown in the report's zone, the zone named."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from core.csvfiles import csv_text
from core.pdf import html_to_pdf
from reports.content import ReportContent
from reports.periods import zone

CSV_HEADER = ["section", "project", "reference", "title", "detail", "at"]


def _local(value: Any, time_zone: str) -> str:
    if value is None:
        return ""
    return value.astimezone(zone(time_zone)).isoformat(timespec="seconds")


def render_pdf(content: ReportContent, *, time_zone: str) -> bytes:
    """The report as a PDF document."""
    with timezone.override(zone(time_zone)):  # the `date` filter renders in the active zone
        html = render_to_string("reports/report.html", {"content": content, "time_zone": time_zone})
    return html_to_pdf(html)


def render_csv(content: ReportContent, *, time_zone: str) -> bytes:
    """The report as CSV: one line per item, the frameworks and the chain as lines too."""
    period = content.period
    rows: list[list[Any]] = [
        CSV_HEADER,
        [
            "report",
            content.project,
            content.organization,
            f"{period.first_day:%Y-%m-%d} to {period.last_day:%Y-%m-%d} ({time_zone})",
            "",
            _local(content.generated_at, time_zone),
        ],
    ]
    for name, count in sorted(content.counts.items()):
        rows.append(["count", "", name, "", count, ""])
    rows.extend(
        [
            "framework",
            "",
            framework.key,
            framework.name,
            f"done {framework.done_at_start}/{framework.total} at start, "
            f"{framework.done_at_end}/{framework.total} at end; approved "
            f"{framework.approved_in_period}, rejected {framework.rejected_in_period}",
            "",
        ]
        for framework in content.frameworks
    )
    rows.extend(
        [row.section, row.project, row.reference, row.title, row.detail, _local(row.at, time_zone)]
        for row in content.rows()
    )
    chain = content.chain
    if chain is not None:
        verdict = "verified" if chain.ok else f"BROKEN: {chain.reason}"
        rows.append(["audit chain", "", f"{chain.events} events", verdict, chain.head_hash, ""])
        if chain.checkpoint_sequence is not None:
            rows.append(
                [
                    "signed checkpoint",
                    "",
                    f"#{chain.checkpoint_sequence}",
                    chain.checkpoint_key_id,
                    chain.checkpoint_head_hash,
                    _local(chain.checkpoint_taken_at, time_zone),
                ]
            )
    return csv_text(rows).encode("utf-8")
