"""notify: one row per recipient by their preference, email through the outbox, once."""

from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from notifications.models import Notification, NotificationPreference
from notifications.selectors import notification_preferences_for_user
from notifications.services import notification_preferences_set, notify
from outbox.models import OutboxMessage
from outbox.services import outbox_deliver

pytestmark = pytest.mark.django_db


def _notify(org, recipients, *, key="risk-1", kind="reminder.due", **extra):
    return notify(
        kind=kind,
        recipients=recipients,
        organization=org,
        title="Risk review due",
        body="The risk “Hallucinated claims” is due for review.",
        link="/projects/",
        key_parts=[key],
        **extra,
    )


@pytest.fixture
def four(org_member):
    """Four members, one per channel chosen for reminders."""
    people = {}
    for channel in ("in_app", "email", "digest", "off"):
        person = org_member(email=f"{channel}@acme.test")
        notification_preferences_set(actor=person, channels={"reminder.due": channel})
        people[channel] = person
    return people


def test_each_preference_routes_to_its_channel(org, four):
    written = _notify(org, four.values())

    rows = {n.recipient.email: n.channel for n in Notification.objects.select_related("recipient")}
    assert rows == {
        "in_app@acme.test": "in_app",
        "email@acme.test": "email",
        "digest@acme.test": "digest",
    }
    assert len(written) == 3
    emailed = Notification.objects.get(recipient=four["email"])
    assert list(OutboxMessage.objects.values_list("kind", "key")) == [
        ("notifications.email", f"notification-email:{emailed.pk}")
    ]


def test_the_same_event_twice_is_one_notification_and_one_email(org, four):
    _notify(org, four.values())
    again = _notify(org, four.values())

    assert again == []
    assert Notification.objects.count() == 3
    assert OutboxMessage.objects.count() == 1
    _notify(org, four.values(), key="risk-2")  # another event is told
    assert Notification.objects.count() == 6
    assert OutboxMessage.objects.count() == 2


def test_one_email_per_recipient_with_a_unique_key(org, org_member):
    people = [org_member(), org_member(), org_member()]
    _notify(org, people)

    keys = list(OutboxMessage.objects.values_list("key", flat=True))
    assert len(keys) == len(set(keys)) == 3
    assert sorted(OutboxMessage.objects.values_list("payload__notification_id", flat=True)) == (
        sorted(str(pk) for pk in Notification.objects.values_list("pk", flat=True))
    )


def test_people_outside_the_organisation_or_inactive_are_not_told(org, org_member, outsider):
    gone = org_member()
    gone.is_active = False
    gone.save()
    member = org_member()

    _notify(org, [outsider, gone, member])

    assert list(Notification.objects.values_list("recipient", flat=True)) == [member.pk]


def test_an_unregistered_kind_or_a_foreign_link_is_refused(org, org_member):
    member = org_member()
    with pytest.raises(KeyError):
        _notify(org, [member], kind="nothing.registered")
    with pytest.raises(ValidationError):
        notify(
            kind="reminder.due",
            recipients=[member],
            organization=org,
            title="x",
            link="//evil.example/",
            key_parts=["k"],
        )
    assert not Notification.objects.exists()


def test_the_email_is_html_and_text_with_the_time_in_the_recipients_zone(
    org, org_member, mailoutbox
):
    paris = org_member(email="ada@acme.test", full_name="Ada", time_zone="Europe/Paris")
    (notification,) = _notify(org, [paris])
    # 09:00 UTC on a winter day is 10:00 in Paris.
    Notification.objects.filter(pk=notification.pk).update(
        created_at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    )
    message = OutboxMessage.objects.get()

    assert outbox_deliver(message_id=message.pk) == "sent"
    assert outbox_deliver(message_id=message.pk) == "skipped"  # delivered once

    (email,) = mailoutbox
    assert email.to == ["ada@acme.test"]
    assert email.subject == "Risk review due"
    assert "Tuesday 1 December 2026, 10:00 (Europe/Paris)" in email.body
    assert f"Open it: {settings.SITE_URL}/projects/\n" in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert "10:00</time> (Europe/Paris)" in html
    assert "&lt;" not in email.body  # text is not HTML-escaped
    notification.refresh_from_db()
    assert notification.email_sent_at is not None


def test_preferences_default_per_kind_and_refuse_unknown_kinds_or_channels(org_member):
    person = org_member()
    defaults = {p["kind"]: p["channel"] for p in notification_preferences_for_user(user=person)}
    assert defaults == {
        "incident.opened": "email",
        "gate.requested": "email",
        "gate.decided": "email",
        "modification.flagged": "digest",
        "reminder.due": "email",
        "report.ready": "in_app",  # the report is emailed by itself
        "export.ready": "in_app",  # the requester is on the page that queued it
        "audit.verification_failed": "email",
        "retention.due": "in_app",  # the retention page lists what is due
        "consent.withdrawn": "email",  # the answers must stop being processed
    }
    with pytest.raises(ValidationError) as refused:
        notification_preferences_set(
            actor=person, channels={"incident.opened": "off", "no.such": "email"}
        )
    assert "no.such" in refused.value.message_dict
    with pytest.raises(ValidationError):
        notification_preferences_set(actor=person, channels={"incident.opened": "pigeon"})
    assert not NotificationPreference.objects.exists()  # all or nothing

    notification_preferences_set(actor=person, channels={"incident.opened": "off"})
    chosen = {p["kind"]: p for p in notification_preferences_for_user(user=person)}
    assert (chosen["incident.opened"]["channel"], chosen["incident.opened"]["is_default"]) == (
        "off",
        False,
    )
