"""Reminders: one row per reminder delivered, whose unique key makes each one happen once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import BaseModel


class Reminder(BaseModel):
    """One reminder to one person about one object, at one level of escalation.

    The row is the reminder's identity: (target, kind, due instant, recipient, level) is
    unique in the database, so a job that runs twice, two beat processes, or a re-delivered
    task insert it once, and only the run whose insert won asks the outbox for the email.
    """

    # Delivered to their recipient only; the organisation is where it belongs for the policy.
    policy_organization_path = "organization"

    class Level(models.IntegerChoices):
        OWNER = 0, "Reminder to the owner"
        MANAGERS = 1, "Escalated to the project managers"
        COMPLIANCE = 2, "Escalated to the compliance officers"

    kind = models.CharField(max_length=40)
    # What it is about, by type ("compliance.compliancecheck") and id: reminders sits above
    # every domain app and points at their rows without a foreign key to each.
    target_type = models.CharField(max_length=80)
    target_id = models.CharField(max_length=64)
    title = models.CharField(max_length=300)  # the object as named when the reminder fell due
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    # The instant the reminder fell due (a lead time before the deadline, the deadline itself,
    # or an escalation after it), and the deadline it is about.
    due_at = models.DateTimeField()
    deadline = models.DateTimeField()
    level = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.OWNER)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["target_type", "target_id", "kind", "due_at", "recipient", "level"],
                name="reminder_once",
            ),
            models.CheckConstraint(
                condition=Q(level__in=[0, 1, 2]), name="%(app_label)s_%(class)s_level_valid"
            ),
        ]
        indexes = [models.Index(fields=["recipient", "-due_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.title} → {self.recipient_id} (level {self.level})"
