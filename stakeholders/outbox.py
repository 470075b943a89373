"""What the stakeholders app asks the outbox to deliver, and how (registered in `ready`)."""

from __future__ import annotations

from smtplib import SMTPException
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone

from audit.writer import audit_record
from outbox.models import OutboxMessage
from outbox.registry import Handler, Superseded, register
from outbox.services import outbox_enqueue
from stakeholders.ics import workshop_calendar
from stakeholders.models import Workshop, WorkshopInvitation

WORKSHOP_INVITATION = "stakeholders.workshop_invitation"


def workshop_invitations_enqueue(workshop: Workshop) -> int:
    """Ask for the current invitation (or cancellation) of every invitee who lacks it; called
    inside the service that changed the workshop. Returns how many were asked for."""
    if workshop.ends_at <= timezone.now():
        return 0  # recorded after the fact: a calendar invitation would only confuse
    pending = workshop.invitations.filter(last_sent_sequence__lt=workshop.ics_sequence)
    for invitation_id in pending.values_list("pk", flat=True):
        outbox_enqueue(
            kind=WORKSHOP_INVITATION,
            key=f"workshop-invitation:{invitation_id}:{workshop.ics_sequence}",
            payload={"invitation_id": str(invitation_id), "sequence": workshop.ics_sequence},
        )
    return pending.count()


def _invitation(message: OutboxMessage) -> WorkshopInvitation:
    invitation = (
        WorkshopInvitation.objects.select_related("workshop__project", "stakeholder")
        .filter(pk=message.payload["invitation_id"])
        .first()
    )
    if invitation is None or invitation.workshop.ics_sequence != message.payload["sequence"]:
        raise Superseded  # a later change asked for a newer version of this invitation
    return invitation


def _message_id(message: OutboxMessage) -> str:
    # The same Message-ID on every attempt lets the receiving servers drop a repeat.
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].rstrip(">").strip() or "charter"
    return f"<outbox-{message.pk}@{domain}>"


def send_workshop_invitation(message: OutboxMessage) -> None:
    """Mail one invitee the workshop's .ics, naming only the organiser and themselves, with
    times in the workshop's zone (the zone is named: the invitee's own calendar converts)."""
    invitation = _invitation(message)
    workshop, stakeholder = invitation.workshop, invitation.stakeholder
    cancelled = workshop.status == Workshop.Status.CANCELLED
    zone = ZoneInfo(workshop.time_zone)
    context = {
        "workshop": workshop,
        "stakeholder": stakeholder,
        "cancelled": cancelled,
        "local_start": workshop.starts_at,
    }
    with timezone.override(zone):  # the `date` filter renders in the active zone
        body = render_to_string("stakeholders/email/workshop_invitation.txt", context)
    prefix = "Cancelled: " if cancelled else ("Updated: " if workshop.ics_sequence else "")
    email = EmailMessage(
        subject=f"{prefix}{workshop.title}",
        body=body,
        to=[stakeholder.email],
        headers={"Message-ID": _message_id(message)},
    )
    method = "CANCEL" if cancelled else "REQUEST"
    ics = workshop_calendar(workshop, [stakeholder], cancelled=cancelled)
    email.attach("invite.ics", ics, f"text/calendar; charset=utf-8; method={method}")
    email.send()


def workshop_invitation_delivered(message: OutboxMessage) -> None:
    """Note on the invitation which version the invitee has, and put it on the trail."""
    sequence = message.payload["sequence"]
    invitation = (
        WorkshopInvitation.objects.select_for_update(of=("self",))
        .select_related("workshop__project")
        .get(pk=message.payload["invitation_id"])
    )
    if invitation.last_sent_sequence < sequence:
        invitation.last_sent_sequence = sequence
        invitation.last_sent_at = timezone.now()
        invitation.save(update_fields=["last_sent_sequence", "last_sent_at", "updated_at"])
    audit_record(
        actor=None,
        action="workshop.invitation_sent",
        target=invitation,
        project=invitation.workshop.project,
        data={
            "stakeholder_id": str(invitation.stakeholder_id),
            "sequence": sequence,
            "cancelled": invitation.workshop.status == Workshop.Status.CANCELLED,
        },
    )


def register_handlers() -> None:
    register(
        WORKSHOP_INVITATION,
        Handler(
            send=send_workshop_invitation,
            delivered=workshop_invitation_delivered,
            transient=(OSError, SMTPException),
        ),
    )
