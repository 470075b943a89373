"""The audit actions reports records (registered with audit in ReportsConfig.ready)."""

from django.db import models


class ReportsAction(models.TextChoices):
    REPORT_SCHEDULE_CREATED = "report_schedule.created"
    REPORT_SCHEDULE_UPDATED = "report_schedule.updated"
    REPORT_SCHEDULE_DELETED = "report_schedule.deleted"
    REPORT_GENERATED = "report.generated"
    REPORT_EMAILED = "report.emailed"
