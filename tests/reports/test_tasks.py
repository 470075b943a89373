"""The beat job: every ended period of every enabled schedule gets its report, once — on a
second run, and when the same tick reaches a real worker twice (Redis, not eager mode)."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from config.celery import app
from outbox.models import OutboxMessage
from reports.models import Report, ReportSchedule
from reports.periods import last_ended
from reports.services import report_schedule_create, reports_generate_due

TASK = "reports.tasks.reports_generate_due"
NOW = dt.datetime(2026, 6, 17, 9, 0, tzinfo=dt.UTC)  # a Wednesday


def _schedule(org, actor, *, created_at, cadence="weekly", **fields):
    schedule = report_schedule_create(
        actor=actor, organization=org, cadence=cadence, time_zone="Europe/Paris", **fields
    )
    ReportSchedule.objects.filter(pk=schedule.pk).update(created_at=created_at)
    return schedule


def test_the_beat_runs_the_job_hourly():
    entry = app.conf.beat_schedule["reports-generate-due-hourly"]
    assert (entry["task"], entry["schedule"]) == (TASK, 3600)


@pytest.mark.django_db
def test_the_job_catches_up_on_every_ended_period_once(org, admin, compliance_officer):
    _schedule(org, admin, created_at=NOW - dt.timedelta(days=20))  # Thursday 28 May

    assert reports_generate_due(now=NOW) == 3  # weeks from 25 May, 1 June and 8 June
    assert reports_generate_due(now=NOW) == 0
    assert reports_generate_due(now=NOW + dt.timedelta(hours=1)) == 0

    starts = sorted(
        timezone.localtime(r.period_start, dt.timezone(dt.timedelta(hours=2))).date()
        for r in Report.objects.all()
    )
    assert starts == [dt.date(2026, 5, 25), dt.date(2026, 6, 1), dt.date(2026, 6, 8)]
    assert OutboxMessage.objects.filter(kind="reports.email").count() == 3
    # a week later, the next one
    assert reports_generate_due(now=NOW + dt.timedelta(days=7)) == 1


@pytest.mark.django_db
def test_a_disabled_schedule_makes_nothing_and_the_catch_up_is_bounded(org, admin, settings):
    settings.CHARTER_REPORT_CATCH_UP_PERIODS = 2
    off = _schedule(org, admin, created_at=NOW - dt.timedelta(days=100))
    ReportSchedule.objects.filter(pk=off.pk).update(is_enabled=False)
    assert reports_generate_due(now=NOW) == 0
    ReportSchedule.objects.filter(pk=off.pk).update(is_enabled=True)
    assert reports_generate_due(now=NOW) == 2


@pytest.mark.django_db(transaction=True)
def test_a_duplicated_beat_tick_on_a_real_worker_makes_one_report_and_one_email(
    worker, org, admin, compliance_officer
):
    assert app.conf.broker_url.startswith("redis://")
    now = timezone.now()
    week = last_ended("weekly", now, "Europe/Paris")
    _schedule(org, admin, created_at=week.start + dt.timedelta(hours=1))

    app.send_task(TASK)
    app.send_task(TASK)  # the same tick delivered twice (or two beat processes)
    # two runs, and the one outbox delivery the winning run announced
    results = worker.wait_for(3, timeout=60)

    assert sorted(v for v in results.values() if isinstance(v, int)) == [0, 1]
    assert [v for v in results.values() if isinstance(v, str)] == ["sent"]
    report = Report.objects.get()
    assert (report.period_start, report.period_end) == (week.start, week.end)
    assert OutboxMessage.objects.get(kind="reports.email").status == OutboxMessage.Status.SENT
    assert [m.to for m in mail.outbox] == [[compliance_officer.email]]


@pytest.mark.django_db
def test_a_report_that_fails_stops_no_other_and_is_tried_again(org, admin, project, monkeypatch):
    from reports import services

    _schedule(org, admin, created_at=NOW - dt.timedelta(days=5))  # the organisation's, PDF+CSV
    _schedule(org, admin, created_at=NOW - dt.timedelta(days=5), project=project, formats=["csv"])

    def broken(*args, **kwargs):
        raise OSError("no Pango here")

    monkeypatch.setattr(services, "render_pdf", broken)
    assert reports_generate_due(now=NOW) == 1  # the project's CSV-only report
    assert Report.objects.get().project == project
    monkeypatch.undo()
    assert reports_generate_due(now=NOW) == 1  # the organisation's, on the next run
    assert Report.objects.count() == 2
