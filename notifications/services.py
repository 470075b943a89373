"""Telling people what happened: `notify` writes one notification per recipient (and asks the
outbox for its email when the recipient wants one), reading marks them read, preferences
choose the channel per kind, and `digest_send_due` sends each person's daily digest in their
own morning.

Notifications and preferences are personal bookkeeping, not governed records: no audit event
is written for them (the event a notification tells of is on the trail already, and a
preference belongs to a person, not to one organisation's chain).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from itertools import batched
from typing import TYPE_CHECKING
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import OrganizationMembership, User
from notifications.kinds import Channel, kind_of
from notifications.models import (
    Notification,
    NotificationDigest,
    NotificationPreference,
    validate_site_relative,
)
from notifications.outbox import (
    digest_enqueue,
    notification_email_enqueue,
    notification_emails_enqueue,
)
from notifications.selectors import (
    notification_channels_for_user_ids,
    notification_channels_for_users,
    notification_list_for_user,
)

if TYPE_CHECKING:
    from accounts.models import Organization
    from projects.models import Project

# A digest gathers what arrived before this local time and is sent from then on (the beat
# runs every 15 minutes; a worker that was down catches up later the same day).
DIGEST_LOCAL_TIME = time(7, 0)
KEY_MAX = 200
TITLE_MAX = 200
UNKNOWN_KIND = "Unknown notification kind {kind!r}."
UNKNOWN_CHANNEL = "Choose one of in_app, email, digest or off."
NOT_YOURS = "This notification is someone else's."


def notification_key(kind: str, key_parts: Sequence[object], recipient_id: object) -> str:
    """kind:object…:recipient, the notification's identity; hashed when it would not fit."""
    key = ":".join([kind, *(str(part) for part in key_parts), str(recipient_id)])
    if len(key) <= KEY_MAX:
        return key
    return f"{kind}:{hashlib.sha256(key.encode()).hexdigest()}"


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())  # one line: a title becomes an email subject
    return text if len(text) <= limit else text[: limit - 1] + "…"


@transaction.atomic
def notify(
    *,
    kind: str,
    recipients: Iterable[User],
    organization: Organization,
    title: str,
    link: str,
    key_parts: Sequence[object],
    body: str = "",
    project: Project | None = None,
) -> list[Notification]:
    """Tell each recipient about one event, on the channel they chose for `kind`; returns the
    notifications written now.

    Called inside the transaction of the change it follows (receivers run in the sender's),
    so the notifications and their emails commit with it. `key_parts` name the event's object
    (and, where one object has several events of a kind, which): with the kind and the
    recipient they make the notification's unique key, so the same event announced twice
    tells each person once. Only active members of `organization` are told, and only people:
    a service account (accounts/service_accounts.py) has no inbox.
    """
    spec = kind_of(kind)  # a kind nobody registered is a programming error
    wanted = {user.pk for user in recipients}
    people = list(
        User.objects.filter(
            pk__in=wanted,
            is_active=True,
            service_account_of__isnull=True,
            org_memberships__organization=organization,
        ).order_by("email")
    )
    channels = notification_channels_for_users(users=people, kind=kind, default=spec.default)
    written: list[Notification] = []
    for person in people:
        channel = channels[person.pk]
        if channel == Channel.OFF:
            continue
        key = notification_key(kind, key_parts, person.pk)
        if Notification.objects.filter(key=key).exists():
            continue
        notification = Notification(
            recipient=person,
            organization=organization,
            project=project,
            kind=kind,
            key=key,
            title=_shorten(title, TITLE_MAX),
            body=body[:2000],
            link=link,
            channel=channel.value,
        )
        notification.full_clean(validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():  # a concurrent twin's insert must not poison ours
                notification.save(force_insert=True)
        except IntegrityError:
            continue  # the same event, told by a concurrent transaction first
        if channel == Channel.EMAIL:
            notification_email_enqueue(notification)
        written.append(notification)
    return written


@dataclass(frozen=True)
class Tell:
    """One notification for `notify_many`: who, in which organisation, about what."""

    recipient_id: UUID
    organization_id: UUID
    title: str
    link: str
    key_parts: Sequence[object]
    body: str = ""
    project_id: UUID | None = field(default=None)


BATCH = 1000


@transaction.atomic(savepoint=False)  # no statement here can fail for a twin: no savepoint
def notify_many(
    *,
    kind: str,
    items: Sequence[Tell],
    send_email: bool = True,
    channels: Mapping[UUID, Channel] | None = None,
) -> list[Notification]:
    """`notify` for many recipients and events of one kind in a few queries, whatever their
    number; returns the notifications written now.

    The rows go in with one INSERT … ON CONFLICT DO NOTHING on the unique key (per thousand)
    and are read back by their own primary keys, so a notification that exists already, or
    that a concurrent transaction wrote first, is neither counted nor mailed twice. Only
    active members of each item's organisation are told, on the channel of their preference
    (`channels`, if the caller read them already). `send_email=False`: the caller mails those
    who chose email itself (the reminders do, with their own email)."""
    spec = kind_of(kind)
    if not items:
        return []
    user_ids = {item.recipient_id for item in items}
    members = {
        (user_id, organization_id): email
        for user_id, organization_id, email in OrganizationMembership.objects.filter(
            user_id__in=user_ids,
            organization_id__in={item.organization_id for item in items},
            user__is_active=True,
            user__service_account_of__isnull=True,  # a service account has no inbox
        ).values_list("user_id", "organization_id", "user__email")
    }
    if channels is None:
        channels = {
            user_id: channel
            for user_id, (channel, _) in notification_channels_for_user_ids(
                user_ids=user_ids, kind=kind, default=spec.default
            ).items()
        }
    rows: dict[str, Notification] = {}
    for item in items:
        channel = channels.get(item.recipient_id, spec.default)
        if (item.recipient_id, item.organization_id) not in members or channel == Channel.OFF:
            continue
        validate_site_relative(item.link)
        key = notification_key(kind, item.key_parts, item.recipient_id)
        rows[key] = Notification(
            recipient_id=item.recipient_id,
            organization_id=item.organization_id,
            project_id=item.project_id,
            kind=kind,
            key=key,
            title=_shorten(item.title, TITLE_MAX),
            body=item.body[:2000],
            link=item.link,
            channel=channel.value,
        )
    ordered = [rows[key] for key in sorted(rows)]  # one order: concurrent runs never deadlock
    Notification.objects.bulk_create(ordered, ignore_conflicts=True, batch_size=BATCH)
    ours: set[UUID] = set()
    for chunk in batched([row.pk for row in ordered], BATCH):
        ours.update(Notification.objects.filter(pk__in=chunk).values_list("pk", flat=True))
    written = [row for row in ordered if row.pk in ours]
    if send_email:
        notification_emails_enqueue(
            [
                (row, members[(row.recipient_id, row.organization_id)])
                for row in written
                if row.channel == Channel.EMAIL
            ]
        )
    return written


def _own(actor: User, notification: Notification) -> None:
    if notification.recipient_id != actor.pk:
        raise PermissionDenied(NOT_YOURS)


@transaction.atomic
def notification_mark_read(*, actor: User, notification: Notification) -> Notification:
    """Mark one of one's notifications read; marking it again keeps the first time."""
    _own(actor, notification)
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=now, updated_at=now
        )
        notification.refresh_from_db(fields=["read_at", "updated_at"])
    return notification


@transaction.atomic
def notification_mark_all_read(*, actor: User) -> int:
    """Mark every unread notification of one's read; returns how many were unread."""
    now = timezone.now()
    unread = notification_list_for_user(user=actor, unread_only=True).values("pk")
    return Notification.objects.filter(pk__in=unread).update(read_at=now, updated_at=now)


@transaction.atomic
def notification_preferences_set(*, actor: User, channels: Mapping[str, str]) -> None:
    """Choose the channel of each kind named in `channels` ({kind: channel}); kinds not
    named keep theirs. An unknown kind or channel refuses the whole change."""
    errors: dict[str, str] = {}
    for kind, channel in channels.items():
        try:
            kind_of(kind)
        except KeyError:
            errors[kind] = UNKNOWN_KIND.format(kind=kind)
            continue
        if channel not in Channel.__members__.values():
            errors[kind] = UNKNOWN_CHANNEL
    if errors:
        raise ValidationError(errors)
    for kind, channel in channels.items():
        NotificationPreference.objects.update_or_create(
            user=actor, kind=kind, defaults={"channel": channel}
        )


# --- the daily digest ----------------------------------------------------------------------------


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _waiting_for_digest(user: User, before: datetime) -> QuerySet[Notification]:
    return Notification.objects.filter(
        recipient=user,
        channel=Notification.Channel.DIGEST,
        digest__isnull=True,
        created_at__lt=before,
        organization__memberships__user=user,
    )


@transaction.atomic
def digest_create(*, user: User, now: datetime) -> NotificationDigest | None:
    """Gather `user`'s waiting digest items into today's digest (their local day) and ask the
    outbox for its email; None when it is not yet their morning, today's digest exists
    already, or nothing waits. (user, local date) is unique: one digest a day, however many
    times or processes run this."""
    zone = _zone(user.time_zone)
    local_now = now.astimezone(zone)
    if local_now.time() < DIGEST_LOCAL_TIME:
        return None
    local_date = local_now.date()
    if NotificationDigest.objects.filter(user=user, local_date=local_date).exists():
        return None
    cutoff = datetime.combine(local_date, DIGEST_LOCAL_TIME, tzinfo=zone)
    waiting = Notification.objects.filter(pk__in=_waiting_for_digest(user, cutoff).values("pk"))
    if not waiting.exists():
        return None
    try:
        with transaction.atomic():
            digest = NotificationDigest.objects.create(
                user=user, local_date=local_date, time_zone=str(zone)
            )
    except IntegrityError:
        return None  # a concurrent run made today's digest first
    waiting.filter(digest__isnull=True).update(digest=digest, updated_at=now)
    digest_enqueue(digest)
    return digest


def digest_send_due(*, now: datetime | None = None) -> int:
    """Make today's digest of everyone whose morning has come and who has items waiting;
    returns how many digests were made (each is mailed by the outbox)."""
    now = now or timezone.now()
    waiting_users = User.objects.filter(
        is_active=True,
        pk__in=Notification.objects.filter(
            channel=Notification.Channel.DIGEST, digest__isnull=True, created_at__lt=now
        ).values("recipient_id"),
    ).order_by("pk")
    return sum(digest_create(user=user, now=now) is not None for user in waiting_users)
