"""Scheduled audit reports: what an organisation (or one of its projects) asks to receive
weekly or monthly, and each report made, one per (scope, period).

Both belong to their organisation for the permission policy: a report tells of every project
in its scope and of the organisation's audit chain, so it is read by those who read the whole
trail (administrators and compliance officers).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import BaseModel

FORMATS = ("pdf", "csv")


class Cadence(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"


def scope_key(organization_id: object, project_id: object | None) -> str:
    """A report's scope as one string: the organisation, or the organisation/project. It
    stands in the unique key, where a NULL project would never conflict with another."""
    return f"{organization_id}/{project_id}" if project_id else str(organization_id)


class ReportSchedule(BaseModel):
    """An organisation's (or one project's) report, every week or month, in the formats
    chosen; periods are calendar weeks (from Monday) or months in `time_zone`."""

    policy_organization_path = "organization"

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="report_schedules"
    )
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    cadence = models.CharField(max_length=8, choices=Cadence.choices)
    formats = models.JSONField(default=list)  # a non-empty subset of FORMATS
    # The organisation's reporting zone: where a week or a month begins and ends.
    time_zone = models.CharField(max_length=64, default="UTC")
    is_enabled = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["cadence", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cadence__in=["weekly", "monthly"]),
                name="%(app_label)s_%(class)s_cadence_valid",
            ),
            models.UniqueConstraint(
                fields=["organization", "cadence"],
                condition=Q(project__isnull=True),
                name="report_schedule_one_per_organization_cadence",
            ),
            models.UniqueConstraint(
                fields=["organization", "project", "cadence"],
                condition=Q(project__isnull=False),
                name="report_schedule_one_per_project_cadence",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadence} report of {self.project_id or self.organization_id}"


class Report(BaseModel):
    """One report of one scope over one period. (scope, period) is unique in the database:
    generating it again — a second run, two beat processes, a re-delivered task — finds this
    row and makes no second file and sends no second email."""

    policy_organization_path = "organization"

    class Status(models.TextChoices):
        READY = "ready", "Ready"

    schedule = models.ForeignKey(
        ReportSchedule, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="reports"
    )
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    scope = models.CharField(max_length=80, editable=False)
    cadence = models.CharField(max_length=8, choices=Cadence.choices)
    # [period_start, period_end): local midnights in `time_zone`, stored in UTC.
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    time_zone = models.CharField(max_length=64)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.READY)
    # Paths under CHARTER_REPORT_DIR; blank for a format the schedule did not ask for.
    pdf_path = models.CharField(max_length=300, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    pdf_size = models.PositiveIntegerField(default=0)
    csv_path = models.CharField(max_length=300, blank=True)
    csv_sha256 = models.CharField(max_length=64, blank=True)
    csv_size = models.PositiveIntegerField(default=0)
    generated_at = models.DateTimeField(null=True, blank=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The figures the files show, for the API and the page (the files are the record).
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-period_end", "scope"]
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "period_start", "period_end"], name="report_once_per_period"
            ),
            models.CheckConstraint(
                condition=Q(period_start__lt=models.F("period_end")),
                name="%(app_label)s_%(class)s_period_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["ready"]), name="%(app_label)s_%(class)s_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["organization", "-period_end"])]

    def __str__(self) -> str:
        return f"{self.cadence} report {self.scope} {self.period_start:%Y-%m-%d}"
