"""Reminders also in the app: each new reminder is a notification of kind `reminder.due` on
the channel its recipient chose (the reminder's email for email, the default; none for the
bell only or the digest; nothing at all when off), written in bulk: a run's queries do not
grow with the number of reminders."""

import pytest
from django.db import transaction

from notifications.kinds import REMINDER_DUE
from notifications.models import Notification, NotificationPreference
from notifications.services import Tell, notify_many
from outbox.models import OutboxMessage
from projects.models import Task
from reminders.models import Reminder
from reminders.outbox import REMINDER
from reminders.services import reminders_send_due
from tests.reminders.support import NOW, day

pytestmark = pytest.mark.django_db
# The nine rules' queries, the recipients, the reminders' insert, the preferences and emails,
# the members, the notifications' insert, the emails' insert: the same for 5 reminders as 50.
QUERIES_PER_RUN = 22


def _tasks(project, people):
    for i, person in enumerate(people):
        Task.objects.create(project=project, title=f"Task {i}", assignee=person, due_date=day(0))


def test_each_reminder_is_told_on_the_channel_its_recipient_chose(project, org_member):
    default, bell, digest, off = (org_member(email=f"{name}@example.org") for name in
                                  ("default", "bell", "digest", "off"))  # fmt: skip
    for person, channel in ((bell, "in_app"), (digest, "digest"), (off, "off")):
        NotificationPreference.objects.create(user=person, kind=REMINDER_DUE, channel=channel)
    _tasks(project, [default, bell, digest, off])

    reminders_send_due(now=NOW)

    assert Reminder.objects.count() == 4  # every reminder is recorded, whatever the channel
    told = {
        n.recipient.email: (n.channel, n.title, n.body, n.link, n.project_id)
        for n in Notification.objects.select_related("recipient")
    }
    link = f"/projects/{project.pk}/"
    assert told == {
        "default@example.org": ("email", "Task due: Task 0", "Coming up.", link, project.pk),
        "bell@example.org": ("in_app", "Task due: Task 1", "Coming up.", link, project.pk),
        "digest@example.org": ("digest", "Task due: Task 2", "Coming up.", link, project.pk),
    }
    # One email: the reminder's own, for the one who wants email; no second notification email.
    [mail] = OutboxMessage.objects.all()
    assert mail.kind == REMINDER
    assert mail.recipient == "default@example.org"
    assert mail.organization_id == project.organization_id
    assert str(Reminder.objects.get(recipient=default).pk) == mail.payload["reminder_id"]


def test_a_run_again_tells_nobody_twice(project, org_member):
    _tasks(project, [org_member(), org_member()])

    reminders_send_due(now=NOW)
    reminders_send_due(now=NOW)

    assert Notification.objects.count() == 2
    assert OutboxMessage.objects.count() == 2


@pytest.mark.parametrize("n", [5, 50])
def test_a_runs_queries_do_not_grow_with_its_reminders(
    project, org_member, n, django_assert_num_queries
):
    people = [org_member() for _ in range(n)]
    NotificationPreference.objects.create(user=people[0], kind=REMINDER_DUE, channel="in_app")
    _tasks(project, people)

    with django_assert_num_queries(QUERIES_PER_RUN):
        counts = reminders_send_due(now=NOW)

    assert counts["task_due"] == n
    assert Notification.objects.filter(kind=REMINDER_DUE).count() == n
    assert OutboxMessage.objects.filter(kind=REMINDER).count() == n - 1


def test_notify_many_inserts_once_per_key_and_mails_who_chose_email(org, org_member):
    mailed, quiet, stranger_org_member = org_member(), org_member(), org_member()
    NotificationPreference.objects.create(user=quiet, kind=REMINDER_DUE, channel="in_app")
    stranger_org_member.org_memberships.all().delete()  # no longer a member: not told
    items = [
        Tell(recipient_id=p.pk, organization_id=org.pk, title="T", link="/inbox/", key_parts=[1])
        for p in (mailed, quiet, stranger_org_member)
    ]

    with transaction.atomic():
        first = notify_many(kind=REMINDER_DUE, items=items)
        again = notify_many(kind=REMINDER_DUE, items=items)

    assert {n.recipient_id for n in first} == {mailed.pk, quiet.pk}
    assert again == []
    [mail] = OutboxMessage.objects.all()
    assert mail.kind == "notifications.email"
    assert mail.recipient == mailed.email
