"""Webhook endpoints of an organisation and the log of every attempt to deliver to them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import BaseModel


class WebhookEndpoint(BaseModel):
    """A URL of the organisation's that receives signed JSON for the events it subscribes to.

    `secret` keys the HMAC of every delivery, so it is kept as it was generated; it is shown
    once, when the endpoint is created, and never again: not in a page, the API, the audit
    trail or an outbox payload (the send step reads it from this row).
    """

    policy_organization_path = "organization"

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    secret = models.CharField(max_length=100, editable=False)
    # Event names (webhooks.events.WebhookEvent values): a JSON list stays portable.
    events = models.JSONField(default=list)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="webhook_endpoints_created",
    )

    class Meta:
        indexes = [models.Index(fields=["organization", "-created_at"])]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(BaseModel):
    """One attempt to deliver one event to one endpoint: a retry is a new row with the same
    `event_id` (the receiver's `Charter-Delivery`) and the next `attempt`."""

    policy_organization_path = "endpoint__organization"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=60)
    event_id = models.UUIDField()
    payload = models.JSONField(default=dict)  # the document sent (ids and small facts)
    attempt = models.PositiveIntegerField()
    status_code = models.PositiveIntegerField(null=True, blank=True)  # none: no answer
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField()
    delivered_at = models.DateTimeField(null=True, blank=True)  # set when answered 2xx

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_id", "attempt"], name="webhooks_delivery_attempt_once"
            ),
            models.CheckConstraint(
                condition=Q(status_code__isnull=True)
                | Q(status_code__gte=100, status_code__lte=599),
                name="webhooks_webhookdelivery_status_code_valid",
            ),
        ]
        indexes = [models.Index(fields=["endpoint", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.event} {self.event_id} #{self.attempt}: {self.status_code or self.error}"
