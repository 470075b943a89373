"""A report is generated once per (scope, period): in a row, concurrently, whatever runs it;
its files carry their SHA-256; each compliance officer is emailed and notified once."""

import hashlib
import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection

from accounts.models import OrganizationMembership
from audit.models import AuditEvent
from core.actors import SYSTEM
from notifications.models import Notification
from outbox.models import OutboxMessage
from outbox.services import outbox_deliver_due
from reports.models import Report
from reports.services import report_dir, report_generate, report_schedule_create
from tests.reports.support import WEEK, stored

Role = OrganizationMembership.Role


def _generate(org, actor=SYSTEM, project=None, formats=("pdf", "csv")):
    return report_generate(
        actor=actor,
        organization=org,
        project=project,
        cadence="weekly",
        period=WEEK,
        time_zone="Europe/Paris",
        formats=formats,
    )


@pytest.mark.django_db
def test_generating_twice_returns_the_first_report_and_makes_nothing_more(
    org, compliance_officer, org_member
):
    second_officer = org_member(Role.COMPLIANCE_OFFICER)

    first, made = _generate(org)
    again, made_again = _generate(org)

    assert (made, made_again) == (True, False)
    assert again.pk == first.pk
    assert Report.objects.count() == 1
    assert AuditEvent.objects.filter(action="report.generated").count() == 1
    emails = OutboxMessage.objects.filter(kind="reports.email")
    assert sorted(emails.values_list("key", flat=True)) == sorted(
        f"report-email:{first.pk}:{u.pk}" for u in (compliance_officer, second_officer)
    )
    assert Notification.objects.filter(kind="report.ready").count() == 2
    assert sorted(p.name for p in (report_dir() / str(org.pk)).iterdir()) == sorted(
        [f"{first.pk}.pdf", f"{first.pk}.csv"]
    )


@pytest.mark.django_db
def test_each_file_is_stored_with_its_sha256(org):
    report, _ = _generate(org)

    pdf, data = stored(report.pdf_path), stored(report.csv_path)
    assert pdf.startswith(b"%PDF-")
    assert hashlib.sha256(pdf).hexdigest() == report.pdf_sha256
    assert hashlib.sha256(data).hexdigest() == report.csv_sha256
    assert (report.pdf_size, report.csv_size) == (len(pdf), len(data))
    event = AuditEvent.objects.get(action="report.generated")
    assert event.data["pdf_sha256"] == report.pdf_sha256
    assert event.data["csv_sha256"] == report.csv_sha256
    assert event.data["period_start"] == WEEK.start.isoformat()


@pytest.mark.django_db
def test_only_the_formats_asked_for_are_made(org):
    report, _ = _generate(org, formats=["csv"])
    assert (report.pdf_path, report.pdf_sha256) == ("", "")
    assert report.csv_sha256


@pytest.mark.django_db
def test_each_compliance_officer_gets_one_email_linking_to_the_report(
    org, compliance_officer, admin
):
    report, _ = _generate(org)
    assert outbox_deliver_due() == 1
    _generate(org)  # again: nothing new to send
    assert outbox_deliver_due() == 0

    [email] = mail.outbox
    assert email.to == [compliance_officer.email]
    assert email.subject == "Weekly audit report: Acme Insurance, 08 Jun 2026 – 14 Jun 2026"
    assert f"/organizations/{org.pk}/reports/{report.pk}/" in email.body
    assert email.attachments == []
    assert AuditEvent.objects.filter(action="report.emailed").count() == 1


@pytest.mark.django_db
def test_a_member_cannot_generate_and_another_organisations_project_is_refused(
    org, org_member, other_org, admin
):
    member = org_member(Role.MEMBER)
    with pytest.raises(PermissionDenied):
        _generate(org, actor=member)
    assert Report.objects.count() == 0
    report, made = _generate(org, actor=admin)
    assert made
    assert report.generated_by == admin


@pytest.mark.django_db
def test_schedules_are_for_administrators_and_compliance_officers(org, org_member, admin):
    member = org_member(Role.MEMBER)
    with pytest.raises(PermissionDenied):
        report_schedule_create(actor=member, organization=org, cadence="weekly")
    officer = org_member(Role.COMPLIANCE_OFFICER, time_zone="Europe/Paris")
    schedule = report_schedule_create(actor=officer, organization=org, cadence="monthly")
    assert (schedule.time_zone, schedule.formats) == ("Europe/Paris", ["pdf", "csv"])
    event = AuditEvent.objects.get(action="report_schedule.created")
    assert event.actor_id == officer.pk
    assert event.data["cadence"] == "monthly"


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_generations_make_one_report_one_file_one_email(org, compliance_officer):
    barrier = threading.Barrier(2)
    results = []
    errors = []

    def run():
        try:
            barrier.wait()
            results.append(_generate(org))
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
    assert sorted(made for _, made in results) == [False, True]
    assert len({report.pk for report, _ in results}) == 1
    report = Report.objects.get()
    assert AuditEvent.objects.filter(action="report.generated").count() == 1
    assert OutboxMessage.objects.filter(kind="reports.email").count() == 1
    assert sorted(p.name for p in (report_dir() / str(org.pk)).iterdir()) == sorted(
        [f"{report.pk}.pdf", f"{report.pk}.csv"]
    )
