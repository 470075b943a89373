"""The pages of data-subject requests and retention: the list with its filters (its queries
counted), recording a request, the erasure's confirm step, the export, and who may see them."""

import pytest
from django.urls import reverse

from accounts.models import OrganizationMembership
from compliance.models import DataSubjectRequest, RetentionRule
from compliance.services.subject_requests import subject_request_record
from stakeholders import services as stakeholder_services
from stakeholders.models import Stakeholder

OrgRole = OrganizationMembership.Role
pytestmark = pytest.mark.django_db


@pytest.fixture
def stakeholder(org, admin):
    return stakeholder_services.stakeholder_create(
        actor=admin, organization=org, name="Ada Subject", email="ada@subject.test"
    )


def _record(actor, org, subject, kind="erasure"):
    return subject_request_record(
        actor=actor, organization=org, kind=kind, subject_type="stakeholder", subject_id=subject.pk
    )


def _people(org, admin, n, start=0):
    return [
        stakeholder_services.stakeholder_create(
            actor=admin, organization=org, name=f"Person {i}", email=f"p{i}@subject.test"
        )
        for i in range(start, start + n)
    ]


def test_the_list_costs_the_same_queries_whatever_its_length_and_filters(
    client, org, admin, compliance_officer, django_assert_num_queries
):
    client.force_login(compliance_officer)
    url = reverse("compliance:subject-requests")
    for person in _people(org, admin, 2):
        _record(compliance_officer, org, person, kind="access")
    client.get(url)  # warm the session's organisation
    with django_assert_num_queries(9) as few:
        page = client.get(url)
    for person in _people(org, admin, 6, start=2):
        _record(compliance_officer, org, person, kind="access")
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(url)
    assert page.content.decode().count("Person ") >= 8
    overdue = client.get(url, {"show": "overdue"}).content.decode()
    assert "No request here." in overdue
    objection = client.get(url, {"show": "all", "kind": "objection"}).content.decode()
    assert "No request here." in objection


def test_a_request_is_recorded_from_the_page_and_a_bad_subject_is_an_error_in_place(
    client, org, compliance_officer, stakeholder
):
    client.force_login(compliance_officer)
    url = reverse("compliance:subject-requests")
    bad = client.post(url, {"kind": "access", "subject": "stakeholder:nobody"})
    assert bad.status_code == 400
    assert "Select a valid choice" in bad.content.decode()
    assert not DataSubjectRequest.objects.exists()
    good = client.post(url, {"kind": "access", "subject": f"stakeholder:{stakeholder.pk}"})
    assert good.status_code == 302
    request = DataSubjectRequest.objects.get()
    assert good["Location"] == reverse("compliance:subject-request-detail", args=[request.pk])
    detail = client.get(good["Location"]).content.decode()
    assert "Ada Subject" in detail


def test_the_erasure_asks_for_confirmation_then_erases(
    client, org, compliance_officer, stakeholder
):
    request = _record(compliance_officer, org, stakeholder)
    client.force_login(compliance_officer)
    url = reverse("compliance:subject-request-erase", args=[request.pk])
    assert "I confirm the erasure" in client.get(url).content.decode()
    unconfirmed = client.post(url, {})
    assert unconfirmed.status_code == 400
    assert "Confirm the erasure" in unconfirmed.content.decode()
    assert Stakeholder.objects.get(pk=stakeholder.pk).name == "Ada Subject"
    done = client.post(url, {"confirm": "on"})
    assert done.status_code == 302
    assert Stakeholder.objects.get(pk=stakeholder.pk).name == "Erased stakeholder"
    assert "Completed" in client.get(done["Location"]).content.decode()


def test_the_export_reads_as_a_page_and_downloads_as_json(
    client, org, compliance_officer, stakeholder
):
    request = _record(compliance_officer, org, stakeholder, kind="access")
    client.force_login(compliance_officer)
    page = client.get(reverse("compliance:subject-request-export", args=[request.pk]))
    assert "ada@subject.test" in page.content.decode()
    download = client.get(reverse("compliance:subject-request-export-json", args=[request.pk]))
    assert download["Content-Type"].startswith("application/json")
    assert "attachment" in download["Content-Disposition"]
    assert b"ada@subject.test" in download.content


def test_members_are_refused_and_other_organisations_see_nothing(
    client, org, compliance_officer, stakeholder, org_member, outsider
):
    request = _record(compliance_officer, org, stakeholder)
    detail = reverse("compliance:subject-request-detail", args=[request.pk])
    client.force_login(org_member(OrgRole.MEMBER))
    assert client.get(reverse("compliance:subject-requests")).status_code == 403
    assert client.get(detail).status_code == 403
    client.force_login(outsider)
    assert client.get(detail).status_code == 404
    erase = reverse("compliance:subject-request-erase", args=[request.pk])
    assert client.post(erase, {"confirm": "on"}).status_code == 404
    assert Stakeholder.objects.get(pk=stakeholder.pk).name == "Ada Subject"


def test_the_retention_page_refuses_zero_days_in_place_and_saves_a_period(
    client, org, compliance_officer
):
    client.force_login(compliance_officer)
    url = reverse("compliance:retention")
    refused = client.post(url, {"record_type": "feedback_answers", "days": "0"})
    assert refused.status_code == 400
    assert "at least 1" in refused.content.decode()
    assert not RetentionRule.objects.exists()
    saved = client.post(url, {"record_type": "feedback_answers", "days": "90"})
    assert saved.status_code == 302
    assert RetentionRule.objects.get().days == 90
    assert "90 days" in client.get(url).content.decode()
