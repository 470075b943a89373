"""Notifications: one row per person told about one event, and each person's choice of
channel per kind (see notifications/kinds.py for the kinds, channels and defaults).

These rows are personal, not governed records: they belong to their recipient alone (the
selectors scope every read by `recipient`, so anyone else's id is a 404), and they are not
written to the organisation's audit trail — the event they tell of is already on it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from core.fields import LimitedTextField
from core.models import BaseModel

SITE_RELATIVE = "A notification links to a page of this site: a path starting with one “/”."


def validate_site_relative(value: str) -> None:
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        raise ValidationError(SITE_RELATIVE, code="site_relative")


class Notification(BaseModel):
    """One person told about one event. `key` (kind, object, recipient) is unique: an event
    announced twice tells each person once."""

    # What a person is told may name people (audit/personal.py); erasure tombstones it.
    personal_fields = ("title", "body")
    audit_safe_fields = ("kind", "key", "link", "channel")

    class Channel(models.TextChoices):
        IN_APP = "in_app", "In the app"
        EMAIL = "email", "By email"
        DIGEST = "digest", "In the daily digest"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="notifications"
    )
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    kind = models.CharField(max_length=64)
    key = models.CharField(max_length=200, unique=True)
    title = models.CharField(max_length=200)
    body = LimitedTextField(blank=True, max_length=2000)
    link = models.CharField(max_length=500, validators=[validate_site_relative])
    # The channel the recipient's preference chose when the event happened.
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.IN_APP)
    read_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    # Digest channel: the digest that carries it; none yet means it waits for the next one.
    digest = models.ForeignKey(
        "notifications.NotificationDigest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=["in_app", "email", "digest"]),
                name="%(app_label)s_%(class)s_channel_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(
                fields=["recipient"],
                condition=Q(channel="digest", digest__isnull=True),
                name="notification_digest_waiting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}: {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationDigest(BaseModel):
    """The one digest email of a person's local day: (user, local_date) is unique, so the
    digest job running twice, or on two beat processes, sends it once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_digests"
    )
    local_date = models.DateField()
    time_zone = models.CharField(max_length=64)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-local_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "local_date"], name="notification_digest_one_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"Digest of {self.user_id} for {self.local_date}"


class NotificationPreference(BaseModel):
    """A person's channel for one kind; without a row, the kind's default applies."""

    class Channel(models.TextChoices):
        IN_APP = "in_app", "In the app"
        EMAIL = "email", "In the app and by email"
        DIGEST = "digest", "In the app and in the daily digest"
        OFF = "off", "Off"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(max_length=64)
    channel = models.CharField(max_length=8, choices=Channel.choices)

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique"),
            models.CheckConstraint(
                condition=Q(channel__in=["in_app", "email", "digest", "off"]),
                name="%(app_label)s_%(class)s_channel_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.channel}"
