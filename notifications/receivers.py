"""What notifications does when the apps below it announce something: tell the people who
must act. Receivers run inside the sending service's transaction, so a notification (and its
email in the outbox) commits or rolls back with the change it tells of."""

from __future__ import annotations

import uuid
from typing import Any

from django.dispatch import receiver
from django.urls import reverse

from accounts.models import Organization, User
from audit.signals import chain_verification_failed
from compliance.signals import audit_export_ready, retention_due
from models_registry.signals import incident_opened, modification_flagged
from notifications import kinds
from notifications.selectors import compliance_officers, project_managers, trail_keepers
from notifications.services import notify
from projects.models import Project
from projects.signals import gate_decided, gate_requested
from stakeholders.signals import consent_withdrawn


def _phase(phase: str) -> str:
    return str(Project.Phase(phase).label)


@receiver(incident_opened, dispatch_uid="notifications.incident_opened")
def tell_managers_of_incident(sender: Any, incident: Any, actor: Any = None, **kwargs: Any) -> None:
    """The project's managers hear of a new incident at once — except the one who opened it."""
    project = incident.project
    managers = project_managers(project=project)
    if isinstance(actor, User):
        managers = managers.exclude(pk=actor.pk)
    notify(
        kind=kinds.INCIDENT_OPENED,
        recipients=managers,
        organization=project.organization,
        project=project,
        title=f"Incident opened: {incident.title}",
        body=f"Severity {incident.get_severity_display()} on {project.name}.",
        link=reverse(
            "models_registry:incident-detail",
            kwargs={"project_id": project.pk, "incident_id": incident.pk},
        ),
        key_parts=[incident.pk],
    )


@receiver(modification_flagged, dispatch_uid="notifications.modification_flagged")
def tell_compliance_of_modification(sender: Any, flag: Any, actor: Any, **kwargs: Any) -> None:
    """The organisation's compliance officers assess a possible substantial modification."""
    project = flag.project
    notify(
        kind=kinds.MODIFICATION_FLAGGED,
        recipients=compliance_officers(organization=project.organization),
        organization=project.organization,
        project=project,
        title=f"Possible substantial modification: {project.name}",
        body=flag.summary,
        link=reverse("models_registry:operate", kwargs={"project_id": project.pk}),
        key_parts=[flag.pk],
    )


@receiver(gate_requested, dispatch_uid="notifications.gate_requested")
def tell_signers_of_gate_request(sender: Any, request: Any, actor: Any, **kwargs: Any) -> None:
    """Who can sign: the project's other managers and the organisation's compliance
    officers (never the requester)."""
    project = request.project
    organization = project.organization
    signers = {
        *project_managers(project=project).exclude(pk=request.requested_by_id),
        *compliance_officers(organization=organization).exclude(pk=request.requested_by_id),
    }
    notify(
        kind=kinds.GATE_REQUESTED,
        recipients=signers,
        organization=organization,
        project=project,
        title=f"Gate sign-off requested: {project.name} → {_phase(request.to_phase)}",
        body=request.note,
        link=reverse("projects:gate", kwargs={"project_id": project.pk}),
        key_parts=[request.pk],
    )


@receiver(gate_decided, dispatch_uid="notifications.gate_decided")
def tell_requester_of_decision(sender: Any, request: Any, actor: Any, **kwargs: Any) -> None:
    """The requester hears whether their gate was approved or rejected."""
    project = request.project
    outcome = "approved" if request.status == "approved" else "rejected"
    notify(
        kind=kinds.GATE_DECIDED,
        recipients=[request.requested_by],
        organization=project.organization,
        project=project,
        title=f"Gate {outcome}: {project.name} → {_phase(request.to_phase)}",
        link=reverse("projects:gate", kwargs={"project_id": project.pk}),
        key_parts=[request.pk, outcome],
    )


@receiver(audit_export_ready, dispatch_uid="notifications.audit_export_ready")
def tell_requester_export_is_ready(sender: Any, export: Any, **kwargs: Any) -> None:
    """The person who queued a large export hears when it can be downloaded."""
    notify(
        kind=kinds.EXPORT_READY,
        recipients=[export.requested_by],
        organization=export.organization,
        title=f"Audit trail export ready ({export.rows} events, {export.format.upper()})",
        body=f"SHA-256 {export.sha256}",
        link=reverse("compliance:audit-trail") + "#exports",
        key_parts=[export.pk],
    )


@receiver(chain_verification_failed, dispatch_uid="notifications.chain_verification_failed")
def tell_trail_keepers_of_failed_verification(
    sender: Any, chain: str, status: str, reason: str, broken_at: int | None, **kwargs: Any
) -> None:
    """An organisation's chain that fails verification is told to its administrators and
    compliance officers — once per failure (the same break found by tomorrow's run again is
    not news). The system chain and chains of no organisation are for the operators: the
    admin's verification list and /healthz show them."""
    organization = Organization.objects.filter(pk=chain).first() if _is_uuid(chain) else None
    if organization is None:
        return
    where = f" at event #{broken_at}" if broken_at else ""
    notify(
        kind=kinds.AUDIT_VERIFICATION_FAILED,
        recipients=trail_keepers(organization=organization),
        organization=organization,
        title=f"Audit trail verification: {status.replace('_', ' ')}{where}",
        body=reason,
        link=reverse("compliance:audit-trail"),
        key_parts=[chain, status, broken_at or reason],
    )


@receiver(retention_due, dispatch_uid="notifications.retention_due")
def tell_trail_keepers_of_retention_due(
    sender: Any, organization: Organization, counts: dict[str, int], day: str, **kwargs: Any
) -> None:
    """An organisation's administrators and compliance officers hear, once a day, that
    personal data outlived its retention period; the retention page lists it."""
    total = sum(counts.values())
    notify(
        kind=kinds.RETENTION_DUE,
        recipients=trail_keepers(organization=organization),
        organization=organization,
        title=f"{total} record{'s' if total != 1 else ''} past their retention period",
        body=", ".join(f"{kind}: {count}" for kind, count in sorted(counts.items())),
        link=reverse("compliance:retention"),
        key_parts=[organization.pk, day],
    )


@receiver(consent_withdrawn, dispatch_uid="notifications.consent_withdrawn")
def tell_managers_of_withdrawn_consent(
    sender: Any, stakeholder: Any, records: list[Any], via: str, **kwargs: Any
) -> None:
    """The managers of each project whose feedback the withdrawn consent came with: the
    answers may no longer be processed on that basis. Once per withdrawal and round."""
    rounds = {record.invite.round_id: record.invite.round for record in records if record.invite}
    for feedback_round in rounds.values():
        project = feedback_round.project
        notify(
            kind=kinds.CONSENT_WITHDRAWN,
            recipients=project_managers(project=project),
            organization=project.organization,
            project=project,
            title=f"Consent withdrawn: feedback on {project.name}",
            body=f"A stakeholder who answered “{feedback_round.title}” withdrew their consent.",
            link=reverse(
                "stakeholders:feedback-round-detail",
                kwargs={"project_id": project.pk, "round_id": feedback_round.pk},
            ),
            key_parts=[stakeholder.pk, feedback_round.pk, *(str(r.pk) for r in records)],
        )


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
