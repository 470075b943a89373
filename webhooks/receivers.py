"""What webhooks sends when the apps below it announce something: each receiver runs inside
the announcing service's transaction, so the event's outbox messages commit with the change.

Payloads name ids and small facts the organisation already holds; no names, emails or
free text written about people."""

from typing import Any

from django.dispatch import receiver

from compliance.signals import audit_export_ready
from models_registry.signals import incident_opened, modification_flagged
from projects.signals import gate_decided
from webhooks.events import WebhookEvent
from webhooks.services import webhook_event_publish


@receiver(incident_opened, dispatch_uid="webhooks.incident_opened")
def on_incident_opened(sender: Any, incident: Any, **kwargs: Any) -> None:
    project = incident.project
    webhook_event_publish(
        organization_id=project.organization_id,
        event=WebhookEvent.INCIDENT_OPENED,
        data={
            "incident_id": str(incident.pk),
            "project_id": str(project.pk),
            "severity": incident.severity,
            "source": incident.source,
            "deployment_id": str(incident.deployment_id) if incident.deployment_id else None,
        },
        about=str(incident.pk),
    )


@receiver(modification_flagged, dispatch_uid="webhooks.modification_flagged")
def on_modification_flagged(sender: Any, flag: Any, **kwargs: Any) -> None:
    project = flag.project
    webhook_event_publish(
        organization_id=project.organization_id,
        event=WebhookEvent.MODIFICATION_FLAGGED,
        data={
            "flag_id": str(flag.pk),
            "project_id": str(project.pk),
            "kind": flag.kind,
            "phase": flag.phase,
        },
        about=str(flag.pk),
    )


@receiver(gate_decided, dispatch_uid="webhooks.gate_decided")
def on_gate_decided(sender: Any, request: Any, project: Any, status: str, **kwargs: Any) -> None:
    event = WebhookEvent.GATE_APPROVED if status == "approved" else WebhookEvent.GATE_REJECTED
    webhook_event_publish(
        organization_id=project.organization_id,
        event=event,
        data={
            "gate_request_id": str(request.pk),
            "project_id": str(project.pk),
            "from_phase": request.from_phase,
            "to_phase": request.to_phase,
        },
        about=str(request.pk),
    )


@receiver(audit_export_ready, dispatch_uid="webhooks.audit_export_ready")
def on_audit_export_ready(sender: Any, export: Any, **kwargs: Any) -> None:
    """A GRC tool that waits for a queued export learns it may download it (through the API,
    with its own token: the event carries no link that would grant access)."""
    webhook_event_publish(
        organization_id=export.organization_id,
        event=WebhookEvent.EXPORT_READY,
        data={
            "export_id": str(export.pk),
            "format": export.format,
            "rows": export.rows,
            "sha256": export.sha256,
        },
        about=str(export.pk),
    )
