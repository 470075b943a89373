"""`check.overdue`: the reminder engine announces a compliance check that became overdue to the
endpoints subscribed, once per check and due date, and a real HTTP receiver gets it signed."""

import json

import pytest

from outbox.models import OutboxMessage
from outbox.services import outbox_deliver_due
from reminders.services import reminders_send_due
from tests.reminders.support import NOW, check, day
from tests.webhooks.support import endpoint_for, verify
from webhooks.services import OUTBOX_KIND

pytestmark = pytest.mark.django_db


def _documents():
    return [
        m.payload["document"]
        for m in OutboxMessage.objects.filter(kind=OUTBOX_KIND).order_by("created_at")
    ]


def test_a_check_that_became_overdue_is_announced_once(receiver, admin, org, project):
    _, secret = endpoint_for(admin, org, receiver.url, events=["check.overdue"])
    endpoint_for(admin, org, "https://other.example.com/h", events=["incident.opened"])
    overdue = check(project, "A-1", due=day(-1))  # its deadline: midnight today
    check(project, "A-2", due=day(6))  # a reminder 7 days ahead, not overdue
    check(project, "A-3", due=day(-1), status="met")  # done in time

    reminders_send_due(now=NOW)
    reminders_send_due(now=NOW)  # the next tick finds it announced

    [document] = _documents()
    assert document["event"] == "check.overdue"
    assert document["organization_id"] == str(org.pk)
    assert document["data"] == {
        "check_id": str(overdue.pk),
        "project_id": str(project.pk),
        "due_date": day(-1).isoformat(),
    }
    message = OutboxMessage.objects.get(kind=OUTBOX_KIND)
    assert (message.organization_id, message.recipient) == (org.pk, receiver.url)

    assert outbox_deliver_due() >= 1
    [request] = receiver.requests
    assert request.headers["Charter-Event"] == "check.overdue"
    assert verify(secret=secret, headers=request.headers, body=request.body)
    assert json.loads(request.body)["data"]["check_id"] == str(overdue.pk)


def test_a_check_overdue_again_after_a_new_due_date_is_announced_again(admin, org, project):
    endpoint_for(admin, org, "https://grc.example.com/h", events=["check.overdue"])
    overdue = check(project, "A-1", due=day(-1))
    reminders_send_due(now=NOW)
    overdue.due_date = day(-2)  # moved, and overdue since the day before
    overdue.save()

    reminders_send_due(now=NOW)

    assert [d["data"]["due_date"] for d in _documents()] == [
        day(-1).isoformat(),
        day(-2).isoformat(),
    ]
