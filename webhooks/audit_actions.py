"""The audit actions webhooks records (registered with audit in WebhooksConfig.ready)."""

from django.db import models


class WebhooksAction(models.TextChoices):
    ENDPOINT_CREATED = "webhook_endpoint.created"
    ENDPOINT_DEACTIVATED = "webhook_endpoint.deactivated"
    ENDPOINT_DELETED = "webhook_endpoint.deleted"
    ENDPOINT_TESTED = "webhook_endpoint.tested"
    DEAD_LETTER_RETRIED = "outbox_message.retried"
    DEAD_LETTER_DISCARDED = "outbox_message.discarded"
