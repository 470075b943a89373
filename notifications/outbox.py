"""What the notifications app asks the outbox to deliver, and how (registered in `ready`):
the email of one notification, and a person's daily digest. Both are HTML with a plain-text
alternative; times are shown in the recipient's time zone, the zone named."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from outbox.mail import MAIL_ERRORS, message_id
from outbox.registry import Handler, Superseded, register
from outbox.services import outbox_enqueue, outbox_enqueue_many

if TYPE_CHECKING:
    from notifications.models import Notification, NotificationDigest
    from outbox.models import OutboxMessage

NOTIFICATION_EMAIL = "notifications.email"
DIGEST_EMAIL = "notifications.digest"


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _mail(
    message: OutboxMessage, *, to: str, subject: str, template: str, context: dict[str, Any]
) -> None:
    """Render `template`.txt and .html in the recipient's zone and send them as one email."""
    zone = context["zone"]
    with timezone.override(zone):  # the `date` filter renders in the active zone
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    email = EmailMultiAlternatives(
        subject=subject, body=text, to=[to], headers={"Message-ID": message_id(message)}
    )
    email.attach_alternative(html, "text/html")
    email.send()


# --- one notification ----------------------------------------------------------------------------


def notification_email_enqueue(notification: Notification) -> None:
    """Ask for the notification's email; inside the transaction that wrote it. One
    notification (one event, one recipient) is one email."""
    outbox_enqueue(
        kind=NOTIFICATION_EMAIL,
        key=f"notification-email:{notification.pk}",
        payload={"notification_id": str(notification.pk)},
        organization_id=notification.organization_id,
        recipient=notification.recipient.email,
    )


def notification_emails_enqueue(notifications: Sequence[tuple[Notification, str]]) -> int:
    """`notification_email_enqueue` for many (notification, recipient's email) in a few
    queries."""
    if not notifications:
        return 0
    return outbox_enqueue_many(
        kind=NOTIFICATION_EMAIL,
        messages=[
            (f"notification-email:{n.pk}", {"notification_id": str(n.pk)}) for n, _ in notifications
        ],
        owners={
            f"notification-email:{n.pk}": (n.organization_id, email) for n, email in notifications
        },
    )


def send_notification_email(message: OutboxMessage) -> None:
    """Mail one notification to its recipient, unless they left or it was deleted."""
    from notifications.models import Notification

    notification = (
        Notification.objects.select_related("recipient", "organization", "project")
        .filter(pk=message.payload["notification_id"], recipient__is_active=True)
        .first()
    )
    if notification is None:
        raise Superseded
    recipient = notification.recipient
    context = {
        "notification": notification,
        "recipient": recipient,
        "url": f"{settings.SITE_URL}{notification.link}",
        "preferences_url": f"{settings.SITE_URL}{reverse('notifications:preferences')}",
        "zone": _zone(recipient.time_zone),
    }
    _mail(
        message,
        to=recipient.email,
        subject=notification.title,
        template="notifications/email/notification",
        context=context,
    )


def notification_email_delivered(message: OutboxMessage) -> None:
    """Note when the email went out."""
    from notifications.models import Notification

    Notification.objects.filter(
        pk=message.payload["notification_id"], email_sent_at__isnull=True
    ).update(email_sent_at=timezone.now())


# --- the daily digest ----------------------------------------------------------------------------


def digest_enqueue(digest: NotificationDigest) -> None:
    """Ask for the digest's email; (user, local date) is its key: one a day."""
    outbox_enqueue(
        kind=DIGEST_EMAIL,
        key=f"notification-digest:{digest.user_id}:{digest.local_date.isoformat()}",
        payload={"digest_id": str(digest.pk)},
    )


def send_digest(message: OutboxMessage) -> None:
    """Mail the person their digest: every item it gathered, oldest first."""
    from notifications.models import NotificationDigest

    digest = (
        NotificationDigest.objects.select_related("user")
        .filter(pk=message.payload["digest_id"], user__is_active=True)
        .first()
    )
    if digest is None:
        raise Superseded
    items = list(digest.items.select_related("project").order_by("created_at", "id"))
    if not items:
        raise Superseded  # its items went with their organisation
    context = {
        "digest": digest,
        "items": items,
        "recipient": digest.user,
        "site_url": settings.SITE_URL,
        "preferences_url": f"{settings.SITE_URL}{reverse('notifications:preferences')}",
        "zone": _zone(digest.user.time_zone),
    }
    count = len(items)
    _mail(
        message,
        to=digest.user.email,
        subject=f"Your Charter digest: {count} notification{'s' if count != 1 else ''}",
        template="notifications/email/digest",
        context=context,
    )


def digest_delivered(message: OutboxMessage) -> None:
    """Note when the digest went out."""
    from notifications.models import NotificationDigest

    NotificationDigest.objects.filter(pk=message.payload["digest_id"], sent_at__isnull=True).update(
        sent_at=timezone.now()
    )


def register_handlers() -> None:
    register(
        NOTIFICATION_EMAIL,
        Handler(
            send=send_notification_email,
            delivered=notification_email_delivered,
            transient=MAIL_ERRORS,
        ),
    )
    register(
        DIGEST_EMAIL,
        Handler(send=send_digest, delivered=digest_delivered, transient=MAIL_ERRORS),
    )
