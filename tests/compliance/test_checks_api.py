"""Classification and checks through /api/v1/: what a GRC tool sees and does."""

import pytest
from django.urls import reverse

from compliance.models import CheckEvidence, Classification, ComplianceCheck, Evidence
from tests.compliance.checks_support import small_catalogue
from tests.helpers import assert_problem, client_for, event_count

pytestmark = pytest.mark.django_db


def api(name: str, project, *args) -> str:
    return reverse(f"compliance-api:{name}", args=[project.pk, *args])


def _classify(client, project, answers, rationale="Why."):
    return client.post(
        api("classification-list", project),
        {"answers": answers, "rationale": rationale},
        format="json",
    )


def test_the_questionnaire_lists_its_questions(manager):
    body = client_for(manager).get(reverse("compliance-api:classification-questionnaire-list"))
    names = [q["name"] for q in body.json()["questions"]]
    assert names[:4] == ["role", "prohibited_practice", "annex_iii_area", "art_6_3_exception"]
    assert "interacts_with_people" in names


def test_a_compliance_officer_classifies_by_api(project, compliance_officer, org):
    small_catalogue(org)
    response = _classify(
        client_for(compliance_officer), project, {"role": "deployer", "annex_iii_area": "4"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["tier"], body["role"]) == ("confirmed", "high", "deployer")
    checks = client_for(compliance_officer).get(api("compliance-check-list", project)).json()
    assert {c["requirement"]["ref"] for c in checks["results"]} == {"Art. 4", "Art. 26", "A.6.2.4"}
    blocking = client_for(compliance_officer).get(
        api("compliance-check-list", project) + "?blocking=true"
    )
    assert [c["requirement"]["ref"] for c in blocking.json()["results"]] == ["Art. 26"]


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"role": "deployer", "annex_iii_area": "12"}, "answers"),
        ({"annex_iii_area": "4"}, "answers"),
        ({"role": "deployer", "favourite": "x"}, "answers"),
    ],
)
def test_bad_answers_are_a_400_naming_them(project, compliance_officer, answers, field):
    before = event_count()
    response = _classify(client_for(compliance_officer), project, answers)
    assert field in assert_problem(response, 400)["errors"]
    assert event_count() == before


def test_contradictions_are_named(project, compliance_officer):
    response = _classify(
        client_for(compliance_officer),
        project,
        {"role": "provider", "prohibited_practice": "social_scoring", "expected_tier": "minimal"},
    )
    errors = assert_problem(response, 400)["errors"]["answers"]
    assert "expected_tier" in errors[0]
    assert not Classification.objects.exists()


def test_a_manager_proposes_and_cannot_confirm(project, manager, compliance_officer, org):
    small_catalogue(org)
    proposed = _classify(client_for(manager), project, {"role": "deployer"}).json()
    assert proposed["status"] == "proposed"
    confirm = api("classification-confirm", project, proposed["id"])
    assert_problem(client_for(manager).post(confirm), 403)
    assert client_for(compliance_officer).post(confirm).json()["status"] == "confirmed"


def test_claims_and_reviews_by_api(project, manager, compliance_officer, org, project_member):
    small_catalogue(org)
    _classify(client_for(compliance_officer), project, {"role": "deployer", "annex_iii_area": "4"})
    check = ComplianceCheck.objects.get(project=project, requirement__ref="Art. 26")
    detail = api("compliance-check-detail", project, check.pk)
    response = client_for(manager).patch(
        detail, {"owner": str(manager.pk), "status": "in_progress", "version": 1}, format="json"
    )
    assert response.status_code == 200, response.content
    stale = client_for(manager).patch(
        detail, {"status": "not_started", "version": 1}, format="json"
    )
    assert assert_problem(stale, 409)["code"] == "stale_version"
    submit = api("compliance-check-submit", project, check.pk)
    refused = client_for(manager).post(submit, {"claim": "met"}, format="json")
    assert "claim" in assert_problem(refused, 400)["errors"]
    evidence = Evidence.objects.create(
        project=project,
        kind="url",
        url="https://wiki.example.com/oversight",
        title="Oversight",
        owner=compliance_officer,
        status="accepted",
    )
    CheckEvidence.objects.create(compliance_check=check, evidence=evidence, attached_by=manager)
    body = client_for(manager).post(submit, {"claim": "met"}, format="json").json()
    assert body["status"] == "in_review"
    assert [e["title"] for e in body["evidence"]] == ["Oversight"]
    review = api("compliance-check-review", project, check.pk)
    # The owner of the check and the provider of its evidence never review it.
    assert_problem(client_for(manager).post(review, {"verdict": "approve"}, format="json"), 403)
    assert_problem(
        client_for(compliance_officer).post(review, {"verdict": "approve"}, format="json"), 403
    )
    reviewer = project_member(project, "reviewer")
    approved = client_for(reviewer).post(review, {"verdict": "approve"}, format="json").json()
    assert approved["status"] == "met"
    assert [r["verdict"] for r in approved["reviews"]] == ["approve"]


def test_another_organisation_gets_404(project, outsider, org, compliance_officer):
    small_catalogue(org)
    _classify(client_for(compliance_officer), project, {"role": "deployer"})
    check = ComplianceCheck.objects.filter(project=project)[0]
    client = client_for(outsider)
    assert_problem(client.get(api("compliance-check-list", project)), 404)
    assert_problem(client.get(api("compliance-check-detail", project, check.pk)), 404)
    assert_problem(client.get(api("classification-list", project)), 404)
