"""The daily digest: sent in each person's own morning, once a day, through the outbox."""

from datetime import UTC, datetime

import pytest

from notifications.models import Notification, NotificationDigest
from notifications.services import digest_send_due, notification_preferences_set, notify
from outbox.models import OutboxMessage
from outbox.services import outbox_deliver

pytestmark = pytest.mark.django_db

# 06:30 UTC on 3 December 2026: 07:30 in Paris (UTC+1), 01:30 in New York (UTC−5).
PARIS_MORNING = datetime(2026, 12, 3, 6, 30, tzinfo=UTC)
# 12:30 UTC: 13:30 in Paris, 07:30 in New York.
NEW_YORK_MORNING = datetime(2026, 12, 3, 12, 30, tzinfo=UTC)


@pytest.fixture
def paris(org_member):
    person = org_member(email="paris@acme.test", time_zone="Europe/Paris")
    notification_preferences_set(actor=person, channels={"reminder.due": "digest"})
    return person


@pytest.fixture
def new_york(org_member):
    person = org_member(email="ny@acme.test", time_zone="America/New_York")
    notification_preferences_set(actor=person, channels={"reminder.due": "digest"})
    return person


def _item(org, people, key, at):
    written = notify(
        kind="reminder.due",
        recipients=people,
        organization=org,
        title=f"Review {key} due",
        link="/projects/",
        key_parts=[key],
    )
    Notification.objects.filter(pk__in=[n.pk for n in written]).update(created_at=at)


def _digest_keys():
    return sorted(
        OutboxMessage.objects.filter(kind="notifications.digest").values_list("key", flat=True)
    )


def test_only_the_person_whose_morning_it_is_gets_a_digest_and_only_once(org, paris, new_york):
    yesterday = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
    _item(org, [paris, new_york], "risk-1", yesterday)
    _item(org, [paris, new_york], "risk-2", yesterday)

    assert digest_send_due(now=PARIS_MORNING) == 1
    assert digest_send_due(now=PARIS_MORNING) == 0  # the second run (or beat) sends nothing

    assert _digest_keys() == [f"notification-digest:{paris.pk}:2026-12-03"]
    digest = NotificationDigest.objects.get()
    assert (digest.user, digest.time_zone) == (paris, "Europe/Paris")
    assert digest.items.count() == 2
    assert not Notification.objects.filter(recipient=paris, digest__isnull=True).exists()

    assert digest_send_due(now=NEW_YORK_MORNING) == 1
    assert _digest_keys() == sorted(
        [
            f"notification-digest:{paris.pk}:2026-12-03",
            f"notification-digest:{new_york.pk}:2026-12-03",
        ]
    )


def test_what_arrives_after_this_mornings_digest_waits_for_tomorrows(org, paris):
    _item(org, [paris], "risk-1", datetime(2026, 12, 2, 15, 0, tzinfo=UTC))
    assert digest_send_due(now=PARIS_MORNING) == 1
    _item(org, [paris], "risk-2", datetime(2026, 12, 3, 9, 0, tzinfo=UTC))  # 10:00 in Paris

    assert digest_send_due(now=datetime(2026, 12, 3, 20, 0, tzinfo=UTC)) == 0
    assert digest_send_due(now=datetime(2026, 12, 4, 5, 59, tzinfo=UTC)) == 0  # 06:59 local
    assert digest_send_due(now=datetime(2026, 12, 4, 6, 0, tzinfo=UTC)) == 1  # 07:00 local

    assert _digest_keys() == sorted(
        [
            f"notification-digest:{paris.pk}:2026-12-03",
            f"notification-digest:{paris.pk}:2026-12-04",
        ]
    )
    latest = NotificationDigest.objects.get(local_date="2026-12-04")
    assert list(latest.items.values_list("title", flat=True)) == ["Review risk-2 due"]


def test_a_missed_morning_is_caught_up_later_the_same_day(org, new_york):
    _item(org, [new_york], "risk-1", datetime(2026, 12, 2, 15, 0, tzinfo=UTC))
    # 18:00 in New York: the worker was down all morning.
    assert digest_send_due(now=datetime(2026, 12, 3, 23, 0, tzinfo=UTC)) == 1


def test_the_digest_email_lists_its_items_in_the_recipients_zone(org, paris, mailoutbox):
    _item(org, [paris], "risk-1", datetime(2026, 12, 2, 15, 0, tzinfo=UTC))  # 16:00 Paris
    _item(org, [paris], "risk-2", datetime(2026, 12, 2, 17, 30, tzinfo=UTC))  # 18:30 Paris
    digest_send_due(now=PARIS_MORNING)
    message = OutboxMessage.objects.get(kind="notifications.digest")

    assert outbox_deliver(message_id=message.pk) == "sent"

    (email,) = mailoutbox
    assert email.to == ["paris@acme.test"]
    assert email.subject == "Your Charter digest: 2 notifications"
    assert "Thursday 3 December 2026" in email.body
    assert "times in Europe/Paris" in email.body
    assert "Review risk-1 due (2 Dec, 16:00)" in email.body
    assert "Review risk-2 due (2 Dec, 18:30)" in email.body
    assert email.body.index("risk-1") < email.body.index("risk-2")
    assert email.alternatives[0][1] == "text/html"
    assert NotificationDigest.objects.get().sent_at is not None


def test_in_app_and_email_items_never_go_into_a_digest(org, org_member):
    person = org_member(time_zone="Europe/Paris")
    _item(org, [person], "risk-1", datetime(2026, 12, 2, 15, 0, tzinfo=UTC))  # default: email

    assert digest_send_due(now=PARIS_MORNING) == 0
    assert not NotificationDigest.objects.exists()
