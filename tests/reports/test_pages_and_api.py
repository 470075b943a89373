"""The reports page and API: schedules and reports listed with their files' SHA-256, a
schedule added, "generate now" for the last period (twice: the same report), downloads that
match their hash; a member is refused (403), another organisation sees nothing (404), and the
list page and API cost the same number of queries for 2 reports as for 12."""

import datetime as dt
import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrganizationMembership
from audit.models import AuditEvent
from core.actors import SYSTEM
from reports.models import Report, ReportSchedule
from reports.periods import last_ended
from reports.services import report_generate, report_schedule_create
from tests.reports.support import WEEK, stored

Role = OrganizationMembership.Role


def _report(org, period=WEEK, formats=("pdf", "csv")):
    report, _ = report_generate(
        actor=SYSTEM,
        organization=org,
        project=None,
        cadence="weekly",
        period=period,
        time_zone="Europe/Paris",
        formats=formats,
    )
    return report


def _rows(org, count):
    """`count` report rows of past weeks, without files (what a list shows)."""
    Report.objects.bulk_create(
        Report(
            organization=org,
            scope=str(org.pk),
            cadence="weekly",
            period_start=WEEK.start - dt.timedelta(weeks=n + 1),
            period_end=WEEK.end - dt.timedelta(weeks=n + 1),
            time_zone="UTC",
            csv_path="none.csv",
            csv_sha256=f"{n:064d}",
            generated_at=timezone.now(),
        )
        for n in range(count)
    )


# --- the page ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_lists_schedules_and_reports_with_their_sha256(client, org, compliance_officer):
    report_schedule_create(actor=compliance_officer, organization=org, cadence="monthly")
    report = _report(org)
    client.force_login(compliance_officer)

    response = client.get(reverse("reports:report-list", args=[org.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Monthly" in html
    assert report.pdf_sha256 in html
    assert report.csv_sha256 in html
    assert reverse("reports:report-download", args=[org.pk, report.pk, "pdf"]) in html
    assert "Generate now for last period" in html


@pytest.mark.django_db
def test_a_schedule_is_added_from_the_page_and_a_bad_one_re_renders(client, org, admin):
    client.force_login(admin)
    url = reverse("reports:report-list", args=[org.pk])

    bad = client.post(url, {"cadence": "daily", "formats": ["pdf"], "time_zone": "UTC"})
    assert bad.status_code == 400
    assert "Select a valid choice" in bad.content.decode()
    good = client.post(url, {"cadence": "weekly", "formats": ["csv"], "time_zone": "Europe/Paris"})

    assert good.status_code == 302
    schedule = ReportSchedule.objects.get()
    assert (schedule.cadence, schedule.formats, schedule.time_zone) == (
        "weekly",
        ["csv"],
        "Europe/Paris",
    )
    assert AuditEvent.objects.filter(action="report_schedule.created").count() == 1


@pytest.mark.django_db
def test_generate_now_makes_the_last_period_once(client, org, compliance_officer):
    schedule = report_schedule_create(
        actor=compliance_officer, organization=org, cadence="weekly", formats=["csv"]
    )
    client.force_login(compliance_officer)
    url = reverse("reports:schedule-generate", args=[org.pk, schedule.pk])

    first = client.post(url)
    second = client.post(url)

    report = Report.objects.get()
    detail = reverse("reports:report-detail", args=[org.pk, report.pk])
    assert (first.status_code, first["Location"]) == (302, detail)
    assert (second.status_code, second["Location"]) == (302, detail)
    period = last_ended("weekly", timezone.now(), schedule.time_zone)
    assert (report.period_start, report.period_end) == (period.start, period.end)
    assert report.generated_by == compliance_officer
    assert AuditEvent.objects.filter(action="report.generated").count() == 1
    page = client.get(detail).content.decode()
    assert report.csv_sha256 in page


@pytest.mark.django_db
def test_the_download_is_the_stored_file_with_its_sha256(client, org, admin):
    report = _report(org)
    client.force_login(admin)

    response = client.get(reverse("reports:report-download", args=[org.pk, report.pk, "csv"]))

    body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert hashlib.sha256(body).hexdigest() == report.csv_sha256 == response["X-Checksum-SHA256"]
    assert body == stored(report.csv_path)
    missing = client.get(reverse("reports:report-download", args=[org.pk, report.pk, "xls"]))
    assert missing.status_code == 404


@pytest.mark.django_db
def test_a_member_is_refused_and_another_organisation_sees_nothing(
    client, org, org_member, outsider, other_org
):
    report = _report(org)
    schedule = report_schedule_create(
        actor=org_member(Role.ADMIN), organization=org, cadence="weekly"
    )
    member = org_member(Role.MEMBER)
    urls = [
        reverse("reports:report-list", args=[org.pk]),
        reverse("reports:report-detail", args=[org.pk, report.pk]),
        reverse("reports:report-download", args=[org.pk, report.pk, "pdf"]),
    ]
    client.force_login(member)
    assert [client.get(url).status_code for url in urls] == [403, 403, 403]
    generate = reverse("reports:schedule-generate", args=[org.pk, schedule.pk])
    assert client.post(generate).status_code == 403
    client.force_login(outsider)
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    assert client.post(generate).status_code == 404
    # the outsider's own organisation in the URL does not open our report either
    mixed = reverse("reports:report-detail", args=[other_org.pk, report.pk])
    assert client.get(mixed).status_code == 404
    assert Report.objects.count() == 1


@pytest.mark.django_db
def test_the_page_costs_the_same_queries_for_2_and_12_reports(
    client, org, compliance_officer, django_assert_num_queries
):
    client.force_login(compliance_officer)
    url = reverse("reports:report-list", args=[org.pk])
    _rows(org, 2)
    client.get(url)  # warm the session
    with django_assert_num_queries(8) as two:
        assert client.get(url).status_code == 200
    Report.objects.all().delete()
    _rows(org, 12)
    with django_assert_num_queries(len(two.captured_queries)):
        assert client.get(url).content.decode().count('<code class="sha">') == 12


# --- the API -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_lists_retrieves_and_downloads_reports(token_client, org, compliance_officer):
    report = _report(org)
    api = token_client(compliance_officer)

    listed = api.get("/api/v1/reports/").json()
    detail = api.get(f"/api/v1/reports/{report.pk}/").json()
    pdf = api.get(f"/api/v1/reports/{report.pk}/download/")
    csv = api.get(f"/api/v1/reports/{report.pk}/download/?type=csv")
    bad = api.get(f"/api/v1/reports/{report.pk}/download/?type=xls")

    assert [row["id"] for row in listed["results"]] == [str(report.pk)]
    assert detail["pdf"]["sha256"] == report.pdf_sha256
    assert detail["csv"]["url"] == f"/api/v1/reports/{report.pk}/download/?type=csv"
    assert detail["summary"]["audit_chain"]["ok"] is True
    assert hashlib.sha256(b"".join(pdf.streaming_content)).hexdigest() == report.pdf_sha256
    assert pdf["Content-Type"] == "application/pdf"
    assert hashlib.sha256(b"".join(csv.streaming_content)).hexdigest() == report.csv_sha256
    assert bad.status_code == 400
    assert bad["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_the_api_manages_schedules(token_client, org, admin, project):
    api = token_client(admin)

    created = api.post(
        "/api/v1/report-schedules/",
        {"organization": str(org.pk), "project": str(project.pk), "cadence": "monthly"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["project"], body["formats"]) == (str(project.pk), ["pdf", "csv"])
    twin = api.post(
        "/api/v1/report-schedules/",
        {"organization": str(org.pk), "project": str(project.pk), "cadence": "monthly"},
        format="json",
    )
    assert twin.status_code == 400
    assert "cadence" in twin.json()["errors"]
    url = f"/api/v1/report-schedules/{body['id']}/"
    changed = api.patch(url, {"is_enabled": False, "formats": ["csv"]}, format="json")
    assert (changed.json()["is_enabled"], changed.json()["formats"]) == (False, ["csv"])
    assert api.get("/api/v1/report-schedules/").json()["count"] == 1
    assert api.delete(url).status_code == 204
    assert ReportSchedule.objects.count() == 0
    actions = list(
        AuditEvent.objects.filter(action__startswith="report_schedule.")
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions == [
        "report_schedule.created",
        "report_schedule.updated",
        "report_schedule.deleted",
    ]


@pytest.mark.django_db
def test_the_api_refuses_members_and_hides_other_organisations(
    token_client, org, org_member, outsider
):
    report = _report(org, formats=["csv"])
    schedule = report_schedule_create(
        actor=org_member(Role.ADMIN), organization=org, cadence="weekly"
    )
    member = token_client(org_member(Role.MEMBER))
    stranger = token_client(outsider)

    assert member.get("/api/v1/reports/").json()["count"] == 0
    assert member.get(f"/api/v1/reports/{report.pk}/").status_code == 403
    assert (
        member.patch(
            f"/api/v1/report-schedules/{schedule.pk}/", {"is_enabled": False}, format="json"
        ).status_code
        == 403
    )
    assert stranger.get(f"/api/v1/reports/{report.pk}/").status_code == 404
    assert stranger.get(f"/api/v1/reports/{report.pk}/download/").status_code == 404
    assert stranger.get(f"/api/v1/report-schedules/{schedule.pk}/").status_code == 404
    assert stranger.get("/api/v1/reports/").json()["count"] == 0
    into_ours = stranger.post(
        "/api/v1/report-schedules/",
        {"organization": str(org.pk), "cadence": "monthly"},
        format="json",
    )
    assert into_ours.status_code == 404
    assert ReportSchedule.objects.get().is_enabled is True


@pytest.mark.django_db
def test_the_api_list_costs_the_same_queries_for_2_and_12_reports(
    token_client, org, compliance_officer, django_assert_num_queries
):
    api = token_client(compliance_officer)
    _rows(org, 2)
    api.get("/api/v1/reports/")
    with django_assert_num_queries(3) as two:
        assert api.get("/api/v1/reports/").json()["count"] == 2
    Report.objects.all().delete()
    _rows(org, 12)
    with django_assert_num_queries(len(two.captured_queries)):
        assert api.get("/api/v1/reports/").json()["count"] == 12


@pytest.mark.django_db
def test_the_navigation_leads_to_the_reports_of_those_who_may_read_them(
    client, org, compliance_officer, org_member
):
    reports_url = reverse("reports:report-list", args=[org.pk])
    client.force_login(compliance_officer)
    assert f'href="{reports_url}"' in client.get(reverse("projects:project-list")).content.decode()
    client.force_login(org_member(OrganizationMembership.Role.MEMBER))
    assert (
        f'href="{reports_url}"' not in client.get(reverse("projects:project-list")).content.decode()
    )


@pytest.mark.django_db
def test_the_api_generates_a_schedules_last_period_once(token_client, org, compliance_officer):
    schedule = report_schedule_create(
        actor=compliance_officer, organization=org, cadence="weekly", formats=["csv"]
    )
    api = token_client(compliance_officer)
    url = f"/api/v1/report-schedules/{schedule.pk}/generate/"

    first = api.post(url, format="json")
    second = api.post(url, format="json")

    assert first.status_code == 201, first.json()
    assert second.status_code == 200
    report = Report.objects.get()
    assert first.json()["id"] == second.json()["id"] == str(report.pk)
    period = last_ended("weekly", timezone.now(), schedule.time_zone)
    assert (report.period_start, report.period_end) == (period.start, period.end)
    assert report.generated_by == compliance_officer
    assert AuditEvent.objects.filter(action="report.generated").count() == 1


@pytest.mark.django_db
def test_the_api_generate_refuses_a_bad_body_members_and_other_organisations(
    token_client, org, org_member, outsider
):
    schedule = report_schedule_create(
        actor=org_member(Role.ADMIN), organization=org, cadence="weekly", formats=["csv"]
    )
    url = f"/api/v1/report-schedules/{schedule.pk}/generate/"
    admin = token_client(org_member(Role.ADMIN))

    broken = admin.post(url, {"period": "2026-W01"}, format="json")
    refused = token_client(org_member(Role.MEMBER)).post(url, format="json")
    hidden = token_client(outsider).post(url, format="json")

    assert broken.status_code == 400
    assert broken["Content-Type"] == "application/problem+json"
    assert "period" in broken.json()["errors"]
    assert refused.status_code == 403
    assert hidden.status_code == 404
    assert Report.objects.count() == 0
