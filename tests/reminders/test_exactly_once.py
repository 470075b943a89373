"""Each reminder is created and mailed once: a second run, two concurrent runs, a duplicated
beat tick on a real worker; the email shows the deadline in the recipient's zone; the query
count does not grow with the number of reminders."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config.celery import app
from outbox.models import OutboxMessage
from outbox.services import outbox_deliver_due
from projects.models import Task
from reminders.models import Reminder
from reminders.services import reminders_send_due
from stakeholders.models import Workshop
from tests.reminders.support import NOW, day

TASK = "reminders.tasks.reminders_send_due"


def _tasks(project, user, count):
    Task.objects.bulk_create(
        Task(project=project, title=f"task {n}", assignee=user, due_date=day(0))
        for n in range(count)
    )


@pytest.mark.django_db
def test_running_twice_creates_each_reminder_once_with_one_message_each(project, org_member):
    owner = org_member()
    _tasks(project, owner, 3)

    first = reminders_send_due(now=NOW)
    second = reminders_send_due(now=NOW + dt.timedelta(minutes=5))

    assert first["task_due"] == 3
    assert second["task_due"] == 0
    assert Reminder.objects.count() == 3
    keys = set(OutboxMessage.objects.values_list("key", flat=True))
    assert keys == {f"reminder:{pk}" for pk in Reminder.objects.values_list("pk", flat=True)}


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_never_duplicate(
    project, org_member, project_member, compliance_officer
):
    owner = org_member()
    project_member(project, "manager")  # with the project's owner, two managers
    _tasks(project, owner, 40)
    Task.objects.filter(title__in=["task 1", "task 2"]).update(due_date=day(-7))  # escalated
    barrier = threading.Barrier(2)
    results: list[dict[str, int]] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(reminders_send_due(now=NOW))
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    # 40 to the assignee, and each of the two tasks a week late: 2 managers + 1 officer
    expected = 40 + 2 * 3
    assert sum(r["task_due"] for r in results) == expected
    assert Reminder.objects.count() == expected
    assert OutboxMessage.objects.filter(kind="reminders.reminder").count() == expected


@pytest.mark.django_db
def test_the_query_count_does_not_grow_with_the_reminders(project, org_member, manager):
    owner = org_member()
    _tasks(project, owner, 5)
    with CaptureQueriesContext(connection) as five:
        assert reminders_send_due(now=NOW)["task_due"] == 5
    Task.objects.all().delete()
    Reminder.objects.all().delete()
    _tasks(project, owner, 50)
    with CaptureQueriesContext(connection) as fifty:
        assert reminders_send_due(now=NOW)["task_due"] == 50
    assert len(fifty) == len(five)
    assert len(five) <= 25


@pytest.mark.django_db
def test_the_email_shows_the_deadline_in_the_recipients_zone_named(project, org_member):
    paris = org_member(email="paris@example.org", time_zone="Europe/Paris")
    starts_at = timezone.now() + dt.timedelta(hours=20)
    Workshop.objects.create(
        project=project, title="Kick-off", starts_at=starts_at, facilitator=paris
    )
    reminders_send_due()
    assert outbox_deliver_due() == 1

    [email] = mail.outbox
    local = timezone.localtime(starts_at, timezone=ZoneInfo("Europe/Paris"))
    assert email.to == ["paris@example.org"]
    assert email.subject == "Workshop coming up: Kick-off"
    assert f"Due: {local:%A} {local.day} {local:%B %Y, %H:%M} (Europe/Paris)" in email.body
    assert Reminder.objects.get().sent_at is not None


@pytest.mark.django_db
def test_an_escalated_email_says_so(project, org_member, compliance_officer):
    owner = org_member()
    Task.objects.create(project=project, title="late", assignee=owner, due_date=day(-7))
    reminders_send_due(now=NOW)
    escalated = Reminder.objects.get(level=2)
    assert escalated.recipient == compliance_officer
    assert outbox_deliver_due() == Reminder.objects.count()
    [to_officer] = [m for m in mail.outbox if m.to == [compliance_officer.email]]
    assert to_officer.subject == "Escalated: Task due: late"
    assert "as a compliance officer" in to_officer.body
    assert "Overdue since: Thursday 4 June 2026, 00:00 (UTC)" in to_officer.body


@pytest.mark.django_db(transaction=True)
def test_a_duplicated_beat_tick_on_a_real_worker_sends_one_email(worker, project, org_member):
    assert app.conf.broker_url.startswith("redis://")
    owner = org_member(email="owner@example.org")
    Workshop.objects.create(
        project=project,
        title="Kick-off",
        starts_at=timezone.now() + dt.timedelta(hours=1),
        facilitator=owner,
    )

    app.send_task(TASK)
    app.send_task(TASK)  # the same tick, delivered twice (or two beat processes)
    # two runs, and the one outbox delivery the winning run announced
    results = worker.wait_for(3)

    runs = sorted(r["workshop"] for r in results.values() if isinstance(r, dict))
    assert runs == [0, 1]
    assert sorted(v for v in results.values() if not isinstance(v, dict)) == ["sent"]
    assert Reminder.objects.count() == 1
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT
    assert [m.to for m in mail.outbox] == [["owner@example.org"]]
