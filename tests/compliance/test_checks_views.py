"""The compliance tab in the browser's terms: classifying by the questionnaire, confirming,
the checks table and a check's page with its claim and review."""

import pytest
from django.test import Client
from django.urls import reverse

from compliance.models import CheckEvidence, Classification, ComplianceCheck, Evidence
from projects.models import Project
from tests.compliance.checks_support import small_catalogue
from tests.helpers import event_count

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name: str, project, *args) -> str:
    return reverse(f"compliance:{name}", args=[project.pk, *args])


CV_SCREENING = {
    "role": "deployer",
    "prohibited_practice": "none",
    "annex_iii_area": "4",
    "art_6_3_exception": "none",
    "rationale": "Ranks job applicants for recruiters.",
}


def test_a_compliance_officer_classifies_from_the_questionnaire(project, compliance_officer, org):
    small_catalogue(org)
    response = signed_in(compliance_officer).post(url("classify", project), CV_SCREENING)
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.risk_tier == "high"
    page = signed_in(compliance_officer).get(url("project-compliance", project)).content.decode()
    assert "High risk" in page
    assert "Annex III point 4" in page
    assert "EU AI Act Art. 26" in page


def test_contradictory_answers_come_back_on_the_form_and_change_nothing(
    project, compliance_officer, org
):
    small_catalogue(org)
    before = event_count()
    response = signed_in(compliance_officer).post(
        url("classify", project),
        CV_SCREENING | {"prohibited_practice": "social_scoring", "expected_tier": "minimal"},
    )
    assert response.status_code == 400
    assert "not minimal risk" in response.content.decode()
    assert not Classification.objects.exists()
    assert event_count() == before


def test_a_manager_proposes_and_a_compliance_officer_confirms(
    project, manager, compliance_officer, org
):
    small_catalogue(org)
    signed_in(manager).post(url("classify", project), CV_SCREENING)
    proposed = Classification.objects.get()
    assert proposed.status == "proposed"
    page = signed_in(compliance_officer).get(url("project-compliance", project)).content.decode()
    assert "Confirm this classification" in page
    refused = signed_in(manager).post(url("classification-confirm", project, proposed.pk))
    assert refused.status_code == 403
    response = signed_in(compliance_officer).post(
        url("classification-confirm", project, proposed.pk)
    )
    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).risk_tier == "high"


def test_the_checks_filter_in_place(project, compliance_officer, org):
    small_catalogue(org)
    signed_in(compliance_officer).post(url("classify", project), CV_SCREENING)
    client = signed_in(compliance_officer)
    response = client.get(
        url("project-compliance", project) + "?framework=iso-42001",
        headers={"HX-Request": "true", "HX-Target": "check-table"},
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="check-table"')
    assert "A.6.2.4" in body
    assert "Art. 26" not in body


def test_a_check_is_submitted_and_reviewed_from_its_page(
    project, manager, compliance_officer, org, project_member
):
    small_catalogue(org)
    signed_in(compliance_officer).post(url("classify", project), CV_SCREENING)
    check = ComplianceCheck.objects.get(project=project, requirement__ref="Art. 26")
    evidence = Evidence.objects.create(
        project=project,
        kind="url",
        url="https://wiki.example.com/human-oversight",
        title="Human oversight procedure",
        owner=manager,
        status="accepted",
    )
    CheckEvidence.objects.create(compliance_check=check, evidence=evidence, attached_by=manager)
    response = signed_in(manager).post(url("check-submit", project, check.pk), {"claim": "met"})
    assert response.status_code == 302
    # The manager provided the evidence: the page says so instead of offering the review.
    page = signed_in(manager).get(url("check-detail", project, check.pk)).content.decode()
    assert "You provided evidence for this check" in page
    assert (
        signed_in(manager)
        .post(url("check-review", project, check.pk), {"verdict": "approve"})
        .status_code
        == 403
    )
    response = signed_in(compliance_officer).post(
        url("check-review", project, check.pk), {"verdict": "approve"}
    )
    assert response.status_code == 302
    assert ComplianceCheck.objects.get(pk=check.pk).status == "met"


def test_a_stale_edit_of_a_check_is_refused(project, manager, org, compliance_officer):
    small_catalogue(org)
    signed_in(compliance_officer).post(url("classify", project), CV_SCREENING)
    check = ComplianceCheck.objects.get(project=project, requirement__ref="Art. 4")
    client = signed_in(manager)
    first = client.post(
        url("check-detail", project, check.pk),
        {"status": "in_progress", "version": check.version, "owner": "", "reviewer": ""},
    )
    assert first.status_code == 302
    stale = client.post(
        url("check-detail", project, check.pk),
        {"status": "not_started", "version": check.version, "owner": "", "reviewer": ""},
    )
    assert stale.status_code == 409
    assert ComplianceCheck.objects.get(pk=check.pk).status == "in_progress"


def test_another_organisation_gets_404(project, outsider, org, compliance_officer):
    small_catalogue(org)
    signed_in(compliance_officer).post(url("classify", project), CV_SCREENING)
    check = ComplianceCheck.objects.filter(project=project)[0]
    client = signed_in(outsider)
    assert client.get(url("project-compliance", project)).status_code == 404
    assert client.get(url("check-detail", project, check.pk)).status_code == 404
    assert client.post(url("classify", project), CV_SCREENING).status_code == 404
