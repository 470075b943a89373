"""Workshop invitations through the outbox: one message per invitee, so one refused recipient
neither blocks nor duplicates the others; each .ics names only its invitee; times are shown in
the workshop's zone; a broker that is down at scheduling loses nothing."""

from datetime import datetime, timedelta
from smtplib import SMTPRecipientsRefused
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from audit.models import AuditEvent
from outbox.models import OutboxMessage
from outbox.services import outbox_deliver_due
from stakeholders import services
from stakeholders.models import WorkshopInvitation

pytestmark = pytest.mark.django_db
Status = OutboxMessage.Status


class RefusingLee:
    """An SMTP server that refuses one recipient for now (451) and accepts the others."""

    def __init__(self, *args, **kwargs) -> None:
        pass

    def send_messages(self, messages):
        for message in messages:
            if "lee" in message.to[0]:
                raise SMTPRecipientsRefused({message.to[0]: (451, b"try again later")})
            mail.outbox.append(message)
        return len(messages)


def _schedule(project, manager, people, **fields):
    return services.workshop_schedule(
        actor=manager,
        project=project,
        stakeholders=[p.pk for p in people],
        title="Risks workshop",
        **({"starts_at": timezone.now() + timedelta(days=3)} | fields),
    )


def test_one_refused_recipient_neither_blocks_nor_duplicates_the_others(
    project, manager, stakeholder_of, settings, django_capture_on_commit_callbacks
):
    people = [stakeholder_of(project, name) for name in ("Dana Claims", "Lee Legal", "Sam Ops")]
    with django_capture_on_commit_callbacks(execute=False):
        _schedule(project, manager, people)
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RefusingLee"}}

    assert outbox_deliver_due() == 2
    [waiting] = OutboxMessage.objects.filter(status=Status.PENDING)
    assert "SMTPRecipientsRefused" in waiting.last_error

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    OutboxMessage.objects.filter(pk=waiting.pk).update(available_at=timezone.now())
    assert outbox_deliver_due() == 1
    assert outbox_deliver_due() == 0

    assert sorted(m.to[0] for m in mail.outbox) == [
        "dana.claims@example.com",
        "lee.legal@example.com",
        "sam.ops@example.com",
    ]
    assert AuditEvent.objects.filter(action="workshop_invitation.sent").count() == 3
    assert set(WorkshopInvitation.objects.values_list("last_sent_sequence", flat=True)) == {0}


def test_each_invitation_names_only_its_invitee_and_the_local_time(
    project, manager, stakeholder_of, django_capture_on_commit_callbacks
):
    people = [stakeholder_of(project, name) for name in ("Dana Claims", "Lee Legal")]
    paris = ZoneInfo("Europe/Paris")
    ten_in_paris = datetime(2030, 1, 15, 10, 0, tzinfo=paris)  # 09:00 UTC in winter
    with django_capture_on_commit_callbacks(execute=False):
        _schedule(project, manager, people, starts_at=ten_in_paris, time_zone="Europe/Paris")

    assert outbox_deliver_due() == 2

    for message in mail.outbox:
        assert "Tuesday 15 January 2030, 10:00 (Europe/Paris)" in message.body
        [(_, content, _)] = message.attachments
        [event] = Calendar.from_ical(content).walk("VEVENT")
        attendees = event.get("attendee")
        assert str(attendees) == f"MAILTO:{message.to[0]}"  # one attendee: this invitee


def test_a_reschedule_before_delivery_sends_only_the_newest_version(
    project, manager, stakeholder_of, django_capture_on_commit_callbacks
):
    dana = stakeholder_of(project)
    with django_capture_on_commit_callbacks(execute=False):
        workshop = _schedule(project, manager, [dana])
        services.workshop_reschedule(
            actor=manager, workshop=workshop, starts_at=workshop.starts_at + timedelta(hours=2)
        )

    assert outbox_deliver_due() == 1

    assert [m.subject for m in mail.outbox] == ["Updated: Risks workshop"]
    statuses = sorted(OutboxMessage.objects.values_list("status", flat=True))
    assert statuses == [Status.SENT, Status.SUPERSEDED]


@pytest.mark.django_db(transaction=True)
def test_scheduled_while_the_broker_is_down_the_invitation_is_delivered_by_the_sweep(
    broker_down, project, manager, stakeholder_of
):
    dana = stakeholder_of(project)

    _schedule(project, manager, [dana])  # commits; the announcement to the broker fails

    assert mail.outbox == []
    [message] = OutboxMessage.objects.all()
    assert message.status == Status.PENDING
    assert outbox_deliver_due() == 1  # what beat's sweep does every minute
    assert [m.to for m in mail.outbox] == [["dana.claims@example.com"]]


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_the_invitation_announced_on_commit(
    worker, project, manager, stakeholder_of
):
    dana = stakeholder_of(project)

    _schedule(project, manager, [dana])  # on commit: "deliver this message" goes to Redis

    assert list(worker.wait_for(1).values()) == ["sent"]
    assert [m.to for m in mail.outbox] == [["dana.claims@example.com"]]
    assert OutboxMessage.objects.get().status == Status.SENT


def test_each_invitation_names_its_organisation_for_the_dead_letters_page_not_the_address(
    project, manager, stakeholder_of
):
    people = [stakeholder_of(project, name) for name in ("Dana Claims", "Lee Legal")]
    _schedule(project, manager, people)
    messages = OutboxMessage.objects.filter(kind="stakeholders.workshop_invitation")
    assert messages.count() == 2
    assert {(m.organization_id, m.recipient) for m in messages} == {(project.organization_id, "")}
