"""What the accounts app asks the outbox to deliver, and how (registered in `ready`): the
invitation mail and the password-reset mail.

Neither payload carries a secret; each link is made when its mail is sent:

- **Invitations.** The invitation stores only the SHA-256 of its link's secret. The send step
  first gives the invitation a new secret in a short transaction of its own, committed before
  the mail leaves (`accounts.services.invitation_link_issue`), then mails the link. A send that
  is retried (the SMTP server failed, or the worker died after sending but before marking the
  message sent) rotates the secret again, so only the last link mailed works; and once the
  invitation is marked sent, it is never rotated again (the mailed link stays good).
- **Password resets.** The link is Django's token generator's, made at send time from the
  user's current state; it stops working once the password changes or the user signs in.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.audit_actions import AccountsAction
from accounts.models import Invitation, User
from accounts.permissions import SYSTEM
from audit.writer import audit_record
from core.jobs import enqueue_named_on_commit
from outbox.mail import MAIL_ERRORS, message_id
from outbox.models import OutboxMessage
from outbox.registry import Handler, Superseded, register
from outbox.services import DELIVER_TASK, outbox_enqueue

INVITATION = "accounts.invitation"
PASSWORD_RESET = "accounts.password_reset"  # noqa: S105 (a kind of message, no secret)


def invitation_link(secret: str) -> str:
    return f"{settings.SITE_URL}/invitations/{secret}/"


# --- invitations ---------------------------------------------------------------------------------


def invitation_enqueue(invitation: Invitation) -> None:
    """Ask for the invitation's mail; called inside the service that created it. One
    invitation is one mail: its id is the message's key."""
    outbox_enqueue(
        kind=INVITATION,
        key=f"invitation:{invitation.pk}",
        payload={"invitation_id": str(invitation.pk)},
        # Whose it is, for the organisation's dead letters page (the address shown masked).
        organization_id=invitation.organization_id,
        recipient=invitation.email,
    )


def send_invitation(message: OutboxMessage) -> None:
    """Give the invitation a fresh link secret (committed first), then mail the link."""
    # Imported here: the services import this module to enqueue.
    from accounts.services import invitation_link_issue

    try:
        invitation, secret = invitation_link_issue(invitation_id=message.payload["invitation_id"])
    except ValidationError as unusable:
        # Revoked, expired, accepted or replaced before the mail went out: nothing to send.
        raise Superseded from unusable
    context = {"invitation": invitation, "link": invitation_link(secret)}
    EmailMessage(
        subject=f"You are invited to {invitation.organization.name} on Charter",
        body=render_to_string("accounts/email/invitation.txt", context),
        to=[invitation.email],
        headers={"Message-ID": message_id(message)},
    ).send()


def invitation_delivered(message: OutboxMessage) -> None:
    """Note when the invitation went out (its link is final from now on), on the trail too."""
    invitation = (
        Invitation.objects.select_for_update().filter(pk=message.payload["invitation_id"]).first()
    )
    if invitation is None:
        return  # its organisation was deleted meanwhile, and the trail with it
    if invitation.sent_at is None:
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["sent_at", "updated_at"])
    audit_record(actor=SYSTEM, action=AccountsAction.INVITATION_SENT, target=invitation)


# --- password resets ---------------------------------------------------------------------------


def password_reset_enqueue(*, user: User | None) -> None:
    """Ask for a reset mail to `user`, or for nobody (the address has no account that may
    reset); called inside the reset request's service.

    Either way the worker is told once on commit, so the request does the same work towards
    the broker, and takes the same time, whether or not the address has an account: the
    announcement for nobody names a message that does not exist, which the worker skips. Each
    request is its own mail (as with Django's own reset form), hence a key of its own.
    """
    if user is None:
        enqueue_named_on_commit(DELIVER_TASK, message_id=str(uuid4()))
        return
    outbox_enqueue(
        kind=PASSWORD_RESET,
        key=f"password-reset:{user.pk}:{uuid4().hex}",
        payload={"user_id": str(user.pk)},
    )


def password_reset_link(user: User) -> str:
    """The reset page's absolute URL for `user`, valid for PASSWORD_RESET_TIMEOUT from now."""
    path = reverse(
        "accounts:password-reset-confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return f"{settings.SITE_URL}{path}"


def send_password_reset(message: OutboxMessage) -> None:
    """Mail the user a reset link made now, unless they may no longer reset or the request is
    older than a link would live (they asked again, or gave up)."""
    user = User.objects.filter(pk=message.payload["user_id"], is_active=True).first()
    too_old = message.created_at + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    if user is None or not user.has_usable_password() or timezone.now() > too_old:
        raise Superseded
    context = {"email": user.email, "link": password_reset_link(user)}
    subject = render_to_string("registration/password_reset_subject.txt", context)
    EmailMessage(
        subject="".join(subject.splitlines()),  # a header: one line
        body=render_to_string("registration/password_reset_email.txt", context),
        to=[user.email],
        headers={"Message-ID": message_id(message)},
    ).send()


def password_reset_delivered(message: OutboxMessage) -> None:
    """Nothing to note: the trail records the reset itself, when the new password is set."""


def register_handlers() -> None:
    register(
        INVITATION,
        Handler(send=send_invitation, delivered=invitation_delivered, transient=MAIL_ERRORS),
    )
    register(
        PASSWORD_RESET,
        Handler(
            send=send_password_reset, delivered=password_reset_delivered, transient=MAIL_ERRORS
        ),
    )
