"""The events an organisation's webhook endpoints may subscribe to (docs/webhooks.md)."""

from django.db import models


class WebhookEvent(models.TextChoices):
    GATE_APPROVED = "gate.approved", "Gate approved (a project moved to its next phase)"
    GATE_REJECTED = "gate.rejected", "Gate rejected"
    INCIDENT_OPENED = "incident.opened", "Incident opened by a monitoring threshold"
    MODIFICATION_FLAGGED = "modification.flagged", "Possible substantial modification flagged"
    CHECK_OVERDUE = "check.overdue", "Compliance check overdue (its due date passed, not met)"
    EXPORT_READY = "export.ready", "Audit trail export ready to download"


# Sent by "Send test event" to one endpoint, whatever it subscribes to; not subscribable.
PING = "ping"
