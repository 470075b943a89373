"""The quickstart's database makes reports too: ON CONFLICT DO NOTHING, the JSON lookup of
the risks closed, and a second run that makes nothing, on SQLite."""

import datetime as dt

import pytest

from outbox.models import OutboxMessage
from reports.models import Report, ReportSchedule
from reports.services import report_schedule_create, reports_generate_due

pytestmark = [pytest.mark.sqlite_smoke, pytest.mark.django_db]

NOW = dt.datetime(2026, 6, 17, 9, 0, tzinfo=dt.UTC)


def test_reports_are_made_once_on_sqlite_too(org, admin, compliance_officer):
    schedule = report_schedule_create(
        actor=admin, organization=org, cadence="weekly", formats=["csv"], time_zone="UTC"
    )
    ReportSchedule.objects.filter(pk=schedule.pk).update(created_at=NOW - dt.timedelta(days=10))

    assert reports_generate_due(now=NOW) == 2
    assert reports_generate_due(now=NOW) == 0
    assert Report.objects.count() == 2
    assert OutboxMessage.objects.filter(kind="reports.email").count() == 2
