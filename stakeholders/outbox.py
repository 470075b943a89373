"""What the stakeholders app asks the outbox to deliver, and how (registered in `ready`)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.permissions import SYSTEM
from audit.writer import audit_record
from outbox.mail import MAIL_ERRORS, message_id
from outbox.models import OutboxMessage
from outbox.registry import Handler, Superseded, register
from outbox.services import outbox_enqueue
from stakeholders import links
from stakeholders.audit_actions import StakeholdersAction
from stakeholders.ics import workshop_calendar
from stakeholders.models import FeedbackInvite, FeedbackRound, Workshop, WorkshopInvitation

WORKSHOP_INVITATION = "stakeholders.workshop_invitation"
FEEDBACK_LINK = "stakeholders.feedback_link"
FEEDBACK_SUMMARY = "stakeholders.feedback_summary"


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
            # The organisation's dead letters list it; a stakeholder's address is not copied
            # here (it would outlive an erasure), the payload's invitation names the person.
            organization_id=workshop.project.organization_id,
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
    if invitation.workshop.status == Workshop.Status.HELD:
        # Recorded as held before the invitation went out: "you are invited" to a meeting
        # that has taken place would contradict the record.
        raise Superseded
    return invitation


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
        headers={"Message-ID": message_id(message)},
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
        actor=SYSTEM,
        action=StakeholdersAction.WORKSHOP_INVITATION_SENT,
        target=invitation,
        project=invitation.workshop.project,
        data={
            "stakeholder_id": str(invitation.stakeholder_id),
            "sequence": sequence,
            "cancelled": invitation.workshop.status == Workshop.Status.CANCELLED,
        },
    )


# --- feedback links ----------------------------------------------------------------------------


def feedback_links_enqueue(feedback_round: FeedbackRound) -> None:
    """Ask for each live, unsent invite's personal link; inside the service that opened the
    round. The link is signed at send time from the invite's current nonce: a link revoked
    meanwhile is never mailed."""
    invites = feedback_round.invites.filter(revoked_at__isnull=True, sent_at__isnull=True)
    for invite_id, nonce in invites.values_list("pk", "link_nonce"):
        outbox_enqueue(
            kind=FEEDBACK_LINK,
            key=f"feedback-link:{invite_id}:{nonce}",
            payload={"invite_id": str(invite_id), "nonce": nonce},
            organization_id=feedback_round.project.organization_id,
        )


def _live_invite(message: OutboxMessage) -> FeedbackInvite:
    invite = (
        FeedbackInvite.objects.select_related("stakeholder", "round__project__owner")
        .filter(
            pk=message.payload["invite_id"],
            link_nonce=message.payload["nonce"],
            revoked_at__isnull=True,
        )
        .first()
    )
    if invite is None or not invite.round.is_accepting:
        raise Superseded  # revoked, re-issued, or the round closed before the link went out
    return invite


def send_feedback_link(message: OutboxMessage) -> None:
    """Mail one stakeholder their personal link."""
    invite = _live_invite(message)
    context = {
        "invite": invite,
        "link": links.feedback_url(invite),
        "withdrawal_link": links.withdrawal_url(invite.stakeholder),
    }
    # Stakeholders keep no time zone: the closing time is shown, zone named, in the zone of
    # the project's owner, who set it.
    with timezone.override(ZoneInfo(invite.round.project.owner.time_zone)):
        body = render_to_string("stakeholders/email/feedback_link.txt", context)
    EmailMessage(
        subject=f"Your feedback on {invite.round.project.name}: {invite.round.title}",
        body=body,
        to=[invite.stakeholder.email],
        headers={"Message-ID": message_id(message)},
    ).send()


def feedback_link_delivered(message: OutboxMessage) -> None:
    """Note when the link went out, and put it on the trail."""
    invite = (
        FeedbackInvite.objects.select_for_update(of=("self",))
        .select_related("round__project")
        .get(pk=message.payload["invite_id"])
    )
    if invite.sent_at is None:
        invite.sent_at = timezone.now()
        invite.save(update_fields=["sent_at", "updated_at"])
    audit_record(
        actor=SYSTEM,
        action=StakeholdersAction.FEEDBACK_INVITE_SENT,
        target=invite,
        project=invite.round.project,
        data={"stakeholder_id": str(invite.stakeholder_id)},
    )


# --- "you said, we did" --------------------------------------------------------------------------


def _summary_revision(feedback_round: FeedbackRound) -> int:
    # A republished summary is a new revision, mailed again; the same one never twice.
    return int(feedback_round.updated_at.timestamp())


def feedback_summary_enqueue(feedback_round: FeedbackRound) -> None:
    """Ask for the published summary to reach every respondent; inside the publishing
    service."""
    revision = _summary_revision(feedback_round)
    respondents = feedback_round.invites.filter(responded_at__isnull=False)
    for invite_id in respondents.values_list("pk", flat=True):
        outbox_enqueue(
            kind=FEEDBACK_SUMMARY,
            key=f"feedback-summary:{feedback_round.pk}:{revision}:{invite_id}",
            payload={
                "round_id": str(feedback_round.pk),
                "invite_id": str(invite_id),
                "revision": revision,
            },
        )


def send_feedback_summary(message: OutboxMessage) -> None:
    """Mail one respondent the summary, unless a newer revision replaced it."""
    feedback_round = FeedbackRound.objects.filter(pk=message.payload["round_id"]).first()
    invite = (
        FeedbackInvite.objects.select_related("stakeholder")
        .filter(pk=message.payload["invite_id"])
        .first()
    )
    if (
        feedback_round is None
        or invite is None
        or not feedback_round.you_said_we_did
        or _summary_revision(feedback_round) != message.payload["revision"]
    ):
        raise Superseded
    context = {
        "round": feedback_round,
        "stakeholder": invite.stakeholder,
        "withdrawal_link": links.withdrawal_url(invite.stakeholder),
    }
    EmailMessage(
        subject=f"What we did with your feedback: {feedback_round.title}",
        body=render_to_string("stakeholders/email/feedback_summary.txt", context),
        to=[invite.stakeholder.email],
        headers={"Message-ID": message_id(message)},
    ).send()


def feedback_summary_delivered(message: OutboxMessage) -> None:
    """Note when the summary last went out, and put each delivery on the trail."""
    feedback_round = (
        FeedbackRound.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=message.payload["round_id"])
    )
    now = timezone.now()
    # An update, not save(): `updated_at` is the summary's revision and must not move.
    FeedbackRound.objects.filter(pk=feedback_round.pk).update(summary_sent_at=now)
    invite = FeedbackInvite.objects.get(pk=message.payload["invite_id"])
    audit_record(
        actor=SYSTEM,
        action=StakeholdersAction.FEEDBACK_ROUND_SUMMARY_SENT,
        target=feedback_round,
        project=feedback_round.project,
        data={
            "stakeholder_id": str(invite.stakeholder_id),
            "revision": message.payload["revision"],
        },
    )


def register_handlers() -> None:
    register(
        WORKSHOP_INVITATION,
        Handler(
            send=send_workshop_invitation,
            delivered=workshop_invitation_delivered,
            transient=MAIL_ERRORS,
        ),
    )
    register(
        FEEDBACK_LINK,
        Handler(send=send_feedback_link, delivered=feedback_link_delivered, transient=MAIL_ERRORS),
    )
    register(
        FEEDBACK_SUMMARY,
        Handler(
            send=send_feedback_summary, delivered=feedback_summary_delivered, transient=MAIL_ERRORS
        ),
    )
