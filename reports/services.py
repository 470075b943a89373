"""Report schedules (who asks for which report, how often) and the generation of reports.

`report_generate` is idempotent per (scope, period): the row is inserted with ON CONFLICT DO
NOTHING under the unique key, in the same transaction that renders the files, writes the
audit event and asks the outbox for the emails. A second call — in a row, concurrently, or a
task delivered twice — meets the first row (waiting for its transaction if it is still open),
returns it, and makes no file, event or email of its own.
"""

from __future__ import annotations

import hashlib
import logging
import os
import uuid
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Organization, User
from accounts.permissions import Actor, Perm, require
from audit.writer import audit_record
from core.actors import SYSTEM, SystemActor
from core.services import model_update, snapshot
from core.timezones import UNKNOWN_TIME_ZONE, is_time_zone
from projects.models import Project
from reports.audit_actions import ReportsAction
from reports.content import report_content
from reports.models import FORMATS, Report, ReportSchedule, scope_key
from reports.outbox import report_announce
from reports.periods import Period, ended_since, last_ended
from reports.rendering import render_csv, render_pdf

logger = logging.getLogger(__name__)

SCHEDULE_FIELDS = ("cadence", "formats", "time_zone", "is_enabled")
FORMATS_NEEDED = "Choose at least one format: pdf, csv."
UNKNOWN_FORMAT = "Unknown format {value!r}: choose pdf or csv."
OTHER_ORGANIZATION = "This project belongs to another organisation."
DUPLICATE_SCHEDULE = "This scope already has a {cadence} schedule."


def report_dir() -> Path:
    folder = Path(settings.CHARTER_REPORT_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _clean_formats(formats: Sequence[str]) -> list[str]:
    chosen = [value for value in FORMATS if value in formats]
    unknown = [value for value in formats if value not in FORMATS]
    if unknown:
        raise ValidationError({"formats": UNKNOWN_FORMAT.format(value=unknown[0])})
    if not chosen:
        raise ValidationError({"formats": FORMATS_NEEDED})
    return chosen


def _check(schedule: ReportSchedule) -> None:
    schedule.formats = _clean_formats(schedule.formats or [])
    if not is_time_zone(schedule.time_zone):
        raise ValidationError({"time_zone": UNKNOWN_TIME_ZONE})
    if (
        schedule.project is not None
        and schedule.project.organization_id != schedule.organization_id
    ):
        raise ValidationError({"project": OTHER_ORGANIZATION})
    twins = ReportSchedule.objects.filter(
        organization_id=schedule.organization_id,
        project=schedule.project,
        cadence=schedule.cadence,
    ).exclude(pk=schedule.pk)
    if twins.exists():
        raise ValidationError({"cadence": DUPLICATE_SCHEDULE.format(cadence=schedule.cadence)})


@transaction.atomic
def report_schedule_create(
    *,
    actor: User,
    organization: Organization,
    cadence: str,
    formats: Sequence[str] = FORMATS,
    time_zone: str = "",
    project: Project | None = None,
) -> ReportSchedule:
    """Ask for a weekly or monthly report of the organisation or one of its projects
    (administrators and compliance officers); the zone defaults to the creator's."""
    require(actor, Perm.COMPLIANCE_MANAGE, organization)
    schedule = ReportSchedule(
        organization=organization,
        project=project,
        cadence=cadence,
        formats=list(formats),
        time_zone=time_zone or actor.time_zone or "UTC",
        created_by=actor,
    )
    _check(schedule)
    schedule.full_clean(validate_constraints=False)
    schedule.save()
    audit_record(
        actor=actor,
        action=ReportsAction.REPORT_SCHEDULE_CREATED,
        target=schedule,
        organization=organization,
        project=project,
        data=snapshot(schedule, ["cadence", "formats", "time_zone", "project"]),
    )
    return schedule


@transaction.atomic
def report_schedule_update(
    *, actor: User, schedule: ReportSchedule, **changes: Any
) -> ReportSchedule:
    """Change a schedule's cadence, formats, zone, or switch it off and on."""
    require(actor, Perm.COMPLIANCE_MANAGE, schedule)
    locked = (
        ReportSchedule.objects.select_for_update(of=("self",))
        .select_related("organization", "project")
        .get(pk=schedule.pk)
    )
    locked, changed = model_update(
        instance=locked,
        fields=SCHEDULE_FIELDS,
        data=changes,
        check=_check,
        validate_constraints=False,
    )
    if changed:
        audit_record(
            actor=actor,
            action=ReportsAction.REPORT_SCHEDULE_UPDATED,
            target=locked,
            organization=locked.organization,
            project=locked.project,
            data=changed,
        )
    return locked


def report_schedule_disable(*, actor: User, schedule: ReportSchedule) -> ReportSchedule:
    """Stop generating a schedule's reports; those made stay."""
    return report_schedule_update(actor=actor, schedule=schedule, is_enabled=False)


@transaction.atomic
def report_schedule_delete(*, actor: User, schedule: ReportSchedule) -> None:
    """Delete a schedule; its reports stay (they no longer name a schedule)."""
    require(actor, Perm.COMPLIANCE_MANAGE, schedule)
    audit_record(
        actor=actor,
        action=ReportsAction.REPORT_SCHEDULE_DELETED,
        target=schedule,
        organization=schedule.organization,
        project=schedule.project,
        data=snapshot(schedule, ["cadence", "formats", "time_zone", "project"]),
    )
    schedule.delete()


# --- generation ----------------------------------------------------------------------------------


def _may_generate(actor: Actor, organization: Organization) -> None:
    # The beat generates a schedule's reports as the system: the schedule, made by an
    # administrator or compliance officer, is the permission. A person generates by hand
    # only with the right to manage the organisation's compliance.
    if not isinstance(actor, SystemActor):
        require(actor, Perm.COMPLIANCE_MANAGE, organization)


def _store(report: Report, suffix: str, data: bytes) -> tuple[str, str, int]:
    """Write one file (atomically: a temporary name, then renamed) and return its path
    relative to the report folder, its SHA-256 and its size."""
    relative = Path(str(report.organization_id)) / f"{report.pk}.{suffix}"
    target = report_dir() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(f".{suffix}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, target)
    return str(relative), hashlib.sha256(data).hexdigest(), len(data)


def report_file(report: Report, kind: str) -> Path | None:
    """The stored file of `kind` ("pdf" or "csv"), or None when the report has none."""
    relative = report.pdf_path if kind == "pdf" else report.csv_path if kind == "csv" else ""
    return report_dir() / relative if relative else None


@transaction.atomic
def report_generate(
    *,
    actor: Actor,
    organization: Organization,
    project: Project | None,
    cadence: str,
    period: Period,
    time_zone: str,
    formats: Sequence[str] = FORMATS,
    schedule: ReportSchedule | None = None,
) -> tuple[Report, bool]:
    """Make the report of (scope, period) unless it exists; returns it and whether this call
    made it. Made: its files are stored with their SHA-256, the generation is audited, and
    the organisation's compliance officers are emailed and notified once each."""
    _may_generate(actor, organization)
    if project is not None and project.organization_id != organization.pk:
        raise ValidationError({"project": OTHER_ORGANIZATION})
    chosen = _clean_formats(formats)
    report = Report(
        id=uuid.uuid4(),
        schedule=schedule,
        organization=organization,
        project=project,
        scope=scope_key(organization.pk, project.pk if project else None),
        cadence=cadence,
        period_start=period.start,
        period_end=period.end,
        time_zone=time_zone,
        generated_by=actor if isinstance(actor, User) else None,
    )
    report.full_clean(validate_unique=False, validate_constraints=False)
    with transaction.atomic():  # a savepoint: ON CONFLICT DO NOTHING never fails, but be sure
        Report.objects.bulk_create([report], ignore_conflicts=True)
    if not Report.objects.filter(pk=report.pk).exists():
        # Another run made it first (and committed: our insert waited for its transaction).
        first = Report.objects.select_related("organization", "project").get(
            scope=report.scope, period_start=period.start, period_end=period.end
        )
        return first, False
    content = report_content(organization=organization, project=project, period=period)
    fields = ["summary", "generated_at"]
    if "pdf" in chosen:
        report.pdf_path, report.pdf_sha256, report.pdf_size = _store(
            report, "pdf", render_pdf(content, time_zone=time_zone)
        )
        fields += ["pdf_path", "pdf_sha256", "pdf_size"]
    if "csv" in chosen:
        report.csv_path, report.csv_sha256, report.csv_size = _store(
            report, "csv", render_csv(content, time_zone=time_zone)
        )
        fields += ["csv_path", "csv_sha256", "csv_size"]
    report.summary = content.summary()
    report.generated_at = timezone.now()
    report.save(update_fields=[*fields, "updated_at"])
    audit_record(
        actor=actor,
        action=ReportsAction.REPORT_GENERATED,
        target=report,
        organization=organization,
        project=project,
        data={
            "cadence": cadence,
            "period_start": period.start.isoformat(),
            "period_end": period.end.isoformat(),
            "time_zone": time_zone,
            "pdf_sha256": report.pdf_sha256,
            "csv_sha256": report.csv_sha256,
            "audit_chain_ok": report.summary["audit_chain"]["ok"],
        },
    )
    report_announce(report)
    return report, True


def report_generate_for_schedule(
    *, actor: Actor, schedule: ReportSchedule, period: Period
) -> tuple[Report, bool]:
    """`report_generate` for one period of a schedule."""
    return report_generate(
        actor=actor,
        organization=schedule.organization,
        project=schedule.project,
        cadence=schedule.cadence,
        period=period,
        time_zone=schedule.time_zone,
        formats=schedule.formats,
        schedule=schedule,
    )


def report_generate_last_period(
    *, actor: User, schedule: ReportSchedule, now: datetime | None = None
) -> tuple[Report, bool]:
    """ "Generate now": the schedule's latest period that has ended (the existing report if
    it was made already)."""
    period = last_ended(schedule.cadence, now or timezone.now(), schedule.time_zone)
    return report_generate_for_schedule(actor=actor, schedule=schedule, period=period)


def reports_generate_due(*, now: datetime | None = None) -> int:
    """Make every missing report of every enabled schedule whose period has ended since the
    schedule was made (catching up at most CHARTER_REPORT_CATCH_UP_PERIODS per schedule);
    returns how many this run made. Run by beat; running it again makes none."""
    now = now or timezone.now()
    limit: int = settings.CHARTER_REPORT_CATCH_UP_PERIODS
    schedules = list(
        ReportSchedule.objects.filter(is_enabled=True)
        .select_related("organization", "project")
        .order_by("created_at", "id")
    )
    wanted = [
        (schedule, period)
        for schedule in schedules
        for period in ended_since(
            schedule.cadence,
            since=schedule.created_at,
            now=now,
            time_zone=schedule.time_zone,
            limit=limit,
        )
    ]
    if not wanted:
        return 0
    existing = set(
        Report.objects.filter(
            scope__in={scope_key(s.organization_id, s.project_id) for s, _ in wanted},
            period_end__gt=min(p.start for _, p in wanted),
        ).values_list("scope", "period_start", "period_end")
    )
    made = 0
    for schedule, period in reversed(wanted):  # oldest first
        key = (scope_key(schedule.organization_id, schedule.project_id), period.start, period.end)
        if key in existing:
            continue
        try:
            _, created = report_generate_for_schedule(
                actor=SYSTEM, schedule=schedule, period=period
            )
        except Exception:  # one schedule's failure (a PDF library missing) stops no other
            # Its transaction rolled back: no row, so the next run tries that period again.
            logger.exception("report of schedule %s for %s failed", schedule.pk, period.start)
            continue
        made += created
    return made
