"""Invitations as the invitee gets them: created, mailed through the outbox, and the link read
back from the mail."""

from django.core import mail

from accounts.models import Invitation, User
from accounts.services import invitation_create
from outbox.services import outbox_deliver_due
from tests.pages import found

LINK = r"https?://[^/\s]+/invitations/([^/\s]+)/"


def secret_mailed_to(email: str) -> str:
    """The link secret in the last invitation mailed to `email`."""
    last = [m for m in mail.outbox if m.to == [email.lower()]][-1]
    return found(LINK, str(last.body)).group(1)


def invite(
    *, actor: User, organization, email: str, role: str = "member"
) -> tuple[Invitation, str]:
    """Invite `email`, deliver what the outbox holds, and return the invitation with the secret
    of the link it was mailed."""
    invitation = invitation_create(actor=actor, organization=organization, email=email, role=role)
    outbox_deliver_due()
    return invitation, secret_mailed_to(invitation.email)
