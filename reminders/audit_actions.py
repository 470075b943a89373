"""The audit actions reminders records (registered with audit in RemindersConfig.ready)."""

from django.db import models


class RemindersAction(models.TextChoices):
    REMINDER_SENT = "reminder.sent"
