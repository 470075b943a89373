"""The digest job for real: a Celery worker on the test Redis runs it (and the outbox delivery
it asks for) against the test database; a second run, a duplicated beat tick, sends nothing
more."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from config.celery import app
from notifications.models import Notification, NotificationDigest
from notifications.services import notification_preferences_set, notify
from outbox.models import OutboxMessage

TASK = "notifications.tasks.digest_send_due"


def _fixed_zone(hours: range) -> str:
    """A fixed-offset zone whose local hour is now in `hours` (well away from 07:00 and from
    midnight, so the few seconds the test takes cannot cross either)."""
    now = timezone.now()
    for offset in range(-12, 15):
        if (now + timedelta(hours=offset)).hour in hours:
            # Etc/GMT names carry the sign the other way round: Etc/GMT-2 is UTC+2.
            return f"Etc/GMT{-offset:+d}" if offset else "Etc/UTC"
    raise AssertionError("every hour of the day has a zone")


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_digest_of_whose_morning_it_is_once(worker, org, org_member):
    assert app.conf.broker_url.startswith("redis://")
    morning = org_member(email="morning@acme.test", time_zone=_fixed_zone(range(9, 22)))
    night = org_member(email="night@acme.test", time_zone=_fixed_zone(range(1, 6)))
    for person in (morning, night):
        notification_preferences_set(actor=person, channels={"reminder.due": "digest"})
    notify(
        kind="reminder.due",
        recipients=[morning, night],
        organization=org,
        title="Risk review due",
        link="/projects/",
        key_parts=["risk-1"],
    )
    Notification.objects.update(created_at=timezone.now() - timedelta(days=2))

    app.send_task(TASK)
    first = worker.wait_for(2)  # the digest job, then the delivery of the email it asked for
    assert sorted(first.values(), key=str) == [1, "sent"]

    app.send_task(TASK)  # the same tick again: a duplicated beat, or a re-delivery
    both = worker.wait_for(3)
    assert sorted(both.values(), key=str) == [0, 1, "sent"]

    assert list(NotificationDigest.objects.values_list("user__email", flat=True)) == [
        "morning@acme.test"
    ]
    assert OutboxMessage.objects.filter(kind="notifications.digest").count() == 1
    assert [message.to for message in mail.outbox] == [["morning@acme.test"]]
    assert Notification.objects.get(recipient=night).digest is None
