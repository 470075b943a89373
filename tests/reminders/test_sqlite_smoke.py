"""The quickstart's database runs the engine too: ON CONFLICT DO NOTHING and the read-back
work on SQLite, and a second run creates nothing."""

import pytest

from outbox.models import OutboxMessage
from projects.models import Task
from reminders.models import Reminder
from reminders.services import reminders_send_due
from tests.reminders.support import NOW, day

pytestmark = [pytest.mark.sqlite_smoke, pytest.mark.django_db]


def test_reminders_are_created_once_on_sqlite_too(project, org_member, compliance_officer):
    owner = org_member()
    Task.objects.create(project=project, title="late", assignee=owner, due_date=day(-7))
    Task.objects.create(project=project, title="today", assignee=owner, due_date=day(0))

    first = reminders_send_due(now=NOW)
    second = reminders_send_due(now=NOW)

    # "late": owner, the project's owner (its manager) at level 1, the officer at level 2
    assert (first["task_due"], second["task_due"]) == (4, 0)
    assert Reminder.objects.count() == OutboxMessage.objects.count() == 4
