"""Each rule reminds of what is due at the instant given, to whom it should, and of nothing
else; escalation after N and 2N days; a missed run is caught up."""

import datetime as dt

import pytest
from django.test.utils import override_settings

from accounts.models import OrganizationMembership
from compliance.models import Evidence
from models_registry.models import Incident, Vendor
from projects.models import GateApproval, GateRequest, Risk, Task
from reminders.models import Reminder
from reminders.services import reminders_send_due
from stakeholders.models import FeedbackRound, Workshop
from tests.factories import UserFactory
from tests.reminders.support import NOW, check, day, sent

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(org_member):
    return org_member(email="owner@example.org")


def test_task_due_tomorrow_today_and_overdue_but_not_later_nor_done(project, owner):
    Task.objects.create(project=project, title="due today", assignee=owner, due_date=day(0))
    Task.objects.create(project=project, title="due yesterday", assignee=owner, due_date=day(-1))
    Task.objects.create(project=project, title="due in 2 days", assignee=owner, due_date=day(2))
    Task.objects.create(
        project=project, title="done", assignee=owner, due_date=day(0), status="done"
    )
    Task.objects.create(project=project, title="no assignee", due_date=day(-1))

    counts = reminders_send_due(now=NOW)

    assert counts["task_due"] == 3
    assert sent() == {
        ("task_due", "due today", "owner@example.org", 0),
        ("task_due", "due yesterday", "owner@example.org", 0),
        ("task_due", "no assignee", project.owner.email, 0),
    }
    today = Reminder.objects.get(title="due today")
    # 1 day before the end of the due day (midnight UTC): the day's start
    assert today.due_at == dt.datetime(2026, 6, 10, tzinfo=dt.UTC)
    assert today.deadline == dt.datetime(2026, 6, 11, tzinfo=dt.UTC)
    overdue = Reminder.objects.get(title="due yesterday")
    assert overdue.due_at == overdue.deadline == dt.datetime(2026, 6, 10, tzinfo=dt.UTC)


def test_compliance_check_seven_days_before_and_when_overdue(project, owner):
    check(project, "A-1", due=day(6), owner=owner)  # 7 days before its end: today
    check(project, "A-2", due=day(8), owner=owner)  # not yet
    check(project, "A-3", due=day(-1), owner=owner)  # overdue since midnight
    check(project, "A-4", due=day(-1), owner=owner, status="met")  # done

    reminders_send_due(now=NOW)

    assert sent() == {
        ("compliance_check", "A-1 A-1 title", "owner@example.org", 0),
        ("compliance_check", "A-3 A-3 title", "owner@example.org", 0),
    }


def test_workshop_24_hours_before_but_not_cancelled_nor_later(project, owner):
    Workshop.objects.create(project=project, title="Kick-off", starts_at=NOW + 20 * H,
                            facilitator=owner)  # fmt: skip
    Workshop.objects.create(project=project, title="Later", starts_at=NOW + 30 * H,
                            facilitator=owner)  # fmt: skip
    Workshop.objects.create(project=project, title="Cancelled", starts_at=NOW + 20 * H,
                            facilitator=owner, status="cancelled")  # fmt: skip
    Workshop.objects.create(project=project, title="Past", starts_at=NOW - H, facilitator=owner)

    reminders_send_due(now=NOW)

    assert sent() == {("workshop", "Kick-off", "owner@example.org", 0)}
    assert Reminder.objects.get().due_at == NOW - 4 * H


def test_feedback_round_three_days_before_close_and_at_close(project, owner):
    def make(title, closes_at, status="open"):
        FeedbackRound.objects.create(
            project=project, title=title, closes_at=closes_at, status=status, created_by=owner
        )

    make("closing in 2 days", NOW + 2 * D)
    make("closing in 4 days", NOW + 4 * D)
    make("just closed by the job", NOW - H, status="closed")
    make("draft", NOW + D, status="draft")

    reminders_send_due(now=NOW)

    assert sent() == {
        ("feedback_round_close", "closing in 2 days", "owner@example.org", 0),
        ("feedback_round_close", "just closed by the job", "owner@example.org", 0),
    }


def test_gate_signoff_pending_two_days_goes_to_the_capacities_missing(
    project, owner, compliance_officer, manager
):
    requester = project.owner
    old = GateRequest.objects.create(
        project=project,
        from_phase="scope",
        to_phase="select",
        requested_by=requester,
        created_at=NOW - 2 * D - H,
    )
    GateApproval.objects.create(request=old, approver=manager, capacity="manager",
                                decision="approve")  # fmt: skip

    reminders_send_due(now=NOW)

    title = "Claims assistant: gate scope → select"
    # the manager capacity has signed; the requester is never reminded of their own request
    assert sent() == {("gate_signoff", title, compliance_officer.email, 0)}


def test_gate_signoff_younger_than_two_days_is_not_reminded(project, compliance_officer):
    GateRequest.objects.create(project=project, from_phase="scope", to_phase="select",
                               requested_by=project.owner, created_at=NOW - D)  # fmt: skip
    reminders_send_due(now=NOW)
    assert sent() == set()


def test_evidence_30_days_before_expiry_and_at_expiry(project, owner):
    def make(title, expires_on, status="accepted"):
        Evidence.objects.create(project=project, kind="url", title=title, url="https://x.test/",
                                owner=owner, status=status, expires_on=expires_on)  # fmt: skip

    make("in 29 days", day(29))
    make("in 31 days", day(31))
    make("expired yesterday", day(-1))
    make("rejected", day(29), status="rejected")

    reminders_send_due(now=NOW)

    assert sent() == {
        ("evidence_expiry", "in 29 days", "owner@example.org", 0),
        ("evidence_expiry", "expired yesterday", "owner@example.org", 0),
    }


def test_serious_incident_24_hours_before_the_report_deadline(project, owner):
    def make(title, due_at, reported_at=None):
        Incident.objects.create(project=project, title=title, severity="high", owner=owner,
                                occurred_at=NOW - 5 * D, serious_kind="death", aware_at=NOW - 5 * D,
                                report_due_at=due_at, reported_at=reported_at)  # fmt: skip

    make("due in 20 h", NOW + 20 * H)
    make("due in 30 h", NOW + 30 * H)
    make("reported", NOW + 20 * H, reported_at=NOW - H)
    Incident.objects.create(project=project, title="not serious", severity="low",
                            occurred_at=NOW - D)  # fmt: skip

    reminders_send_due(now=NOW)

    assert sent() == {("serious_incident", "due in 20 h", "owner@example.org", 0)}


def test_risk_review_and_vendor_review(org, project, owner, compliance_officer):
    Risk.objects.create(project=project, reference=1, title="Drift", category="technical",
                        owner=owner, review_date=day(-1))  # fmt: skip
    Risk.objects.create(project=project, reference=2, title="Closed", category="technical",
                        owner=owner, review_date=day(-1), status="closed")  # fmt: skip
    Vendor.objects.create(organization=org, name="ModelCo", next_review_on=day(10))
    Vendor.objects.create(organization=org, name="Later Inc", next_review_on=day(20))

    reminders_send_due(now=NOW)

    assert sent() == {
        ("risk_review", "Drift", "owner@example.org", 0),
        ("vendor_review", "ModelCo", compliance_officer.email, 0),
    }


def test_overdue_escalates_to_managers_after_n_days_then_to_compliance_officers(
    project, owner, manager, compliance_officer
):
    check(project, "E-1", due=day(-1), owner=owner)  # deadline: NOW's midnight
    deadline = dt.datetime(2026, 6, 10, tzinfo=dt.UTC)
    title = "E-1 E-1 title"
    owner_row = ("compliance_check", title, owner.email, 0)
    to_managers = {
        ("compliance_check", title, manager.email, 1),
        ("compliance_check", title, project.owner.email, 1),
    }

    reminders_send_due(now=deadline + H)
    assert sent() == {owner_row}

    reminders_send_due(now=deadline + 3 * D - H)
    assert sent() == {owner_row}

    reminders_send_due(now=deadline + 3 * D + H)
    assert sent() == {owner_row} | to_managers

    reminders_send_due(now=deadline + 6 * D + H)
    assert sent() == {owner_row} | to_managers | {
        ("compliance_check", title, compliance_officer.email, 2)
    }
    levels = Reminder.objects.filter(level=2).values_list("due_at", flat=True)
    assert list(levels) == [deadline + 6 * D]


@override_settings(CHARTER_REMINDER_ESCALATE_AFTER_DAYS=1)
def test_the_escalation_delay_is_a_setting(project, owner, compliance_officer):
    Task.objects.create(project=project, title="late", assignee=owner, due_date=day(-3))
    reminders_send_due(now=NOW)
    assert sorted(Reminder.objects.values_list("level", flat=True)) == [0, 1, 2]


def test_a_missed_run_is_caught_up_and_a_too_old_one_is_not(project, owner):
    Task.objects.create(project=project, title="missed", assignee=owner, due_date=day(-3))
    Task.objects.create(project=project, title="long gone", assignee=owner, due_date=day(-9))

    reminders_send_due(now=NOW)  # the runs of the last three days never happened

    assert ("task_due", "missed", owner.email, 0) in sent()
    assert not Reminder.objects.filter(title="long gone", level=0).exists()


def test_a_changed_lead_time_is_data(project, owner, settings):
    settings.CHARTER_REMINDER_LEADS = {"task_due": [dt.timedelta(days=5)]}
    Task.objects.create(project=project, title="in 4 days", assignee=owner, due_date=day(4))
    check(project, "X-1", due=day(-1), owner=owner)  # its kind is switched off

    reminders_send_due(now=NOW)

    assert sent() == {("task_due", "in 4 days", owner.email, 0)}


def test_an_inactive_recipient_is_skipped(project):
    gone = UserFactory(is_active=False)
    OrganizationMembership.objects.create(organization=project.organization, user=gone)
    Task.objects.create(project=project, title="t", assignee=gone, due_date=day(0))
    reminders_send_due(now=NOW)
    assert sent() == set()
