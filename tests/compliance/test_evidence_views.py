"""Evidence in the browser and over the API: adding it from a check's page, the download and
who may have it, judging inline, the lists with their filters and query counts, and the
AI-literacy register with each project's share of trained people."""

import datetime as dt
import hashlib

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrganizationMembership
from audit.models import AuditEvent
from compliance import selectors, services
from compliance.models import CheckEvidence, ComplianceCheck, Evidence, TrainingRecord
from tests.compliance.checks_support import small_catalogue
from tests.compliance.evidence_support import PDF, PNG, upload
from tests.factories import UserFactory
from tests.helpers import assert_problem, client_for, event_count

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name: str, project, *args) -> str:
    return reverse(f"compliance:{name}", args=[project.pk, *args])


def api(project, *parts) -> str:
    tail = "".join(f"{p}/" for p in parts)
    return f"/api/v1/projects/{project.pk}/evidence/{tail}"


@pytest.fixture
def contributor(project, project_member):
    return project_member(project, "contributor")


@pytest.fixture
def check(project, org, compliance_officer):
    small_catalogue(org)
    services.classification_propose(
        actor=compliance_officer,
        project=project,
        answers={"role": "provider", "annex_iii_area": "4"},
        rationale="High risk.",
    )
    return ComplianceCheck.objects.get(project=project, requirement__ref="Art. 9")


@pytest.fixture
def pdf(project, contributor):
    return services.evidence_add(
        actor=contributor,
        project=project,
        kind="file",
        title="Risk procedure",
        file=upload("../../Risk procedure.pdf", PDF),
    )


def test_evidence_is_added_from_a_checks_page_as_a_file(project, contributor, check):
    client = signed_in(contributor)
    page = client.get(url("check-detail", project, check.pk)).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert "Add evidence" in page
    response = client.post(
        url("evidence-add", project) + f"?check={check.pk}",
        {
            "kind": "file",
            "title": "Risk management plan",
            "file": upload("plan.pdf", PDF),
            "checks": [str(check.pk)],
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url("check-detail", project, check.pk)
    evidence = Evidence.objects.get()
    assert (evidence.file_name, evidence.sha256) == ("plan.pdf", hashlib.sha256(PDF).hexdigest())
    assert CheckEvidence.objects.filter(evidence=evidence, compliance_check=check).exists()
    page = client.get(url("check-detail", project, check.pk)).content.decode()
    assert "Risk management plan" in page
    assert url("evidence-download", project, evidence.pk) in page


def test_a_refused_upload_comes_back_on_the_form_and_nothing_is_kept(project, contributor, check):
    before = event_count()
    response = signed_in(contributor).post(
        url("evidence-add", project),
        {"kind": "file", "title": "Scan", "file": upload("scan.pdf", PNG)},
    )
    assert response.status_code == 400
    assert "not a .pdf file" in response.content.decode()
    assert not Evidence.objects.exists()
    assert event_count() == before


def test_the_download_is_an_attachment_with_the_recorded_type_and_nosniff(
    project, pdf, project_member
):
    viewer = project_member(project, "viewer")
    response = signed_in(viewer).get(url("evidence-download", project, pdf.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Risk procedure.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(action="evidence.downloaded", actor=viewer).count() == 1


def test_the_download_is_404_for_an_outsider_and_a_member_without_the_project(
    project, pdf, outsider, org_member
):
    member = org_member()
    for person in (outsider, member):
        page = signed_in(person).get(url("evidence-download", project, pdf.pk))
        assert page.status_code == 404
        assert_problem(client_for(person).get(api(project, pdf.pk, "download")), 404)


def test_a_stored_file_has_no_public_address(pdf, client, settings):
    # Nothing routes to the storage folder: neither MEDIA_URL nor the stored name.
    assert client.get("/" + settings.MEDIA_URL + pdf.file.name).status_code == 404
    assert client.get("/static/" + pdf.file.name).status_code == 404


def test_a_reviewer_judges_inline_and_the_owner_is_told_why_not(
    project, contributor, check, project_member
):
    reviewer = project_member(project, "reviewer")
    evidence = services.evidence_add(
        actor=contributor,
        project=project,
        kind="url",
        title="Wiki page",
        url="https://wiki.test/p",
        checks=[check],
    )
    page = signed_in(reviewer).get(url("check-detail", project, check.pk)).content.decode()
    assert url("evidence-judge", project, evidence.pk) in page
    own = signed_in(contributor).get(url("check-detail", project, check.pk)).content.decode()
    assert url("evidence-judge", project, evidence.pk) not in own
    assert (
        signed_in(contributor)
        .post(url("evidence-judge", project, evidence.pk), {"verdict": "accept"})
        .status_code
        == 403
    )
    response = signed_in(reviewer).post(
        url("evidence-judge", project, evidence.pk), {"verdict": "reject", "comment": ""}
    )
    assert response.status_code == 400
    assert "Say why you reject it." in response.content.decode()
    response = signed_in(reviewer).post(
        url("evidence-judge", project, evidence.pk), {"verdict": "accept", "check": str(check.pk)}
    )
    assert response.status_code == 302
    assert response["Location"] == url("check-detail", project, check.pk)
    evidence.refresh_from_db()
    assert (evidence.status, evidence.judged_by) == ("accepted", reviewer)


def test_existing_evidence_is_attached_to_a_check_and_detached(project, contributor, check, pdf):
    client = signed_in(contributor)
    page = client.get(url("check-detail", project, check.pk)).content.decode()
    assert "Risk procedure" in page  # offered in the picker
    response = client.post(url("check-evidence-attach", project, check.pk), {"evidence": pdf.pk})
    assert response.status_code == 302
    assert pdf in selectors.evidence_counting_for(check)
    response = client.post(url("check-evidence-detach", project, check.pk, pdf.pk))
    assert response.status_code == 302
    assert pdf not in selectors.evidence_counting_for(check)


def test_the_evidence_page_shows_hash_checks_through_the_crosswalk_and_history(
    project, contributor, check, compliance_officer
):
    iso = ComplianceCheck.objects.get(project=project, requirement__ref="A.6.2.4")
    evidence = services.evidence_add(
        actor=contributor,
        project=project,
        kind="file",
        title="Robustness tests",
        file=upload("tests.pdf", PDF),
        checks=[iso],
    )
    services.evidence_judge(actor=compliance_officer, evidence=evidence, verdict="accept")
    page = signed_in(compliance_officer).get(url("evidence-detail", project, evidence.pk))
    text = page.content.decode()
    assert evidence.sha256 in text
    assert "A.6.2.4" in text
    assert "Art. 15" in text
    assert "(through the crosswalk)" in text
    assert "evidence.added" in text
    assert "evidence.accepted" in text


def test_the_evidence_list_filters_in_place(project, contributor, project_member):
    today = timezone.localdate()
    soon = services.evidence_add(
        actor=contributor,
        project=project,
        kind="url",
        title="Soon stale",
        url="https://x.test/1",
        expires_on=today + dt.timedelta(days=10),
    )
    services.evidence_add(
        actor=contributor,
        project=project,
        kind="url",
        title="Lasting",
        url="https://x.test/2",
        expires_on=today + dt.timedelta(days=300),
    )
    viewer = project_member(project, "viewer")
    response = signed_in(viewer).get(
        url("evidence-list", project) + "?expiring=on",
        headers={"HX-Request": "true", "HX-Target": "evidence-table"},
    )
    text = response.content.decode()
    assert "<html" not in text
    assert soon.title in text
    assert "Lasting" not in text
    assert set(selectors.evidence_list(project=project, filters={"kind": "file"})) == set()
    assert selectors.evidence_list(project=project, filters={"status": "pending"}).count() == 2


def test_the_evidence_list_selector_costs_one_query(
    project, contributor, django_assert_num_queries
):
    for i in range(5):
        services.evidence_add(
            actor=contributor, project=project, kind="url", title=f"E{i}", url="https://x.test/"
        )
    with django_assert_num_queries(1):
        rows = list(selectors.evidence_list(project=project))
        assert [r.owner.email for r in rows] == [contributor.email] * 5


# --- the API ----------------------------------------------------------------------------------


def test_the_api_adds_a_file_by_multipart_and_a_url_by_json(project, contributor, check):
    client = client_for(contributor)
    response = client.post(
        api(project),
        {"kind": "file", "title": "Plan", "file": upload("plan.pdf", PDF), "checks": [check.pk]},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert body["content_type"] == "application/pdf"
    assert [c["id"] for c in body["checks"]] == [str(check.pk)]
    response = client.post(
        api(project), {"kind": "url", "title": "Card", "url": "https://x.test/c"}, format="json"
    )
    assert response.status_code == 201
    listed = client.get(api(project)).json()
    assert listed["count"] == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "url", "title": "Bad", "url": "javascript:alert(1)"}, "url"),
        ({"kind": "record", "title": "Bad", "record_type": "projects.risk"}, "record_id"),
        ({"kind": "file", "title": "No file"}, "file"),
        ({"kind": "url", "title": "x", "url": "https://x.test", "colour": "red"}, "colour"),
        ({"kind": "url", "title": "x", "url": "https://x.test", "checks": ["nope"]}, "checks"),
    ],
)
def test_bad_api_input_is_a_400_naming_the_field_and_nothing_is_kept(
    project, contributor, body, field
):
    before = event_count()
    response = client_for(contributor).post(api(project), body, format="json")
    problem = assert_problem(response, 400)
    assert field in problem["errors"]
    assert not Evidence.objects.exists()
    assert event_count() == before


def test_the_api_refuses_a_png_named_pdf(project, contributor):
    response = client_for(contributor).post(
        api(project),
        {"kind": "file", "title": "S", "file": upload("s.pdf", PNG)},
        format="multipart",
    )
    problem = assert_problem(response, 400)
    assert "not a .pdf file" in str(problem["errors"]["file"])


def test_the_api_judges_attaches_detaches_and_downloads(
    project, contributor, check, pdf, compliance_officer
):
    officer = client_for(compliance_officer)
    response = officer.post(api(project, pdf.pk, "judge"), {"verdict": "accept"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    owner = client_for(contributor)
    response = owner.post(api(project, pdf.pk, "judge"), {"verdict": "reject", "comment": "x"})
    assert_problem(response, 403)
    response = owner.post(api(project, pdf.pk, "attach"), {"check": str(check.pk)}, format="json")
    assert [c["id"] for c in response.json()["checks"]] == [str(check.pk)]
    response = owner.post(api(project, pdf.pk, "detach"), {"check": str(check.pk)}, format="json")
    assert response.json()["checks"] == []
    response = owner.get(api(project, pdf.pk, "download"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


# --- the AI-literacy register -------------------------------------------------------------------


def _train(actor, person, org, renews_on=None, course="AI basics"):
    return services.training_record_create(
        actor=actor,
        organization=org,
        person=person,
        course=course,
        provider="Academy",
        completed_on=timezone.localdate() - dt.timedelta(days=100),
        renews_on=renews_on,
    )


def test_the_literacy_share_counts_the_projects_team_with_current_training(
    project, org, admin, compliance_officer, project_member
):
    contributor = project_member(project, "contributor")
    viewer = project_member(project, "viewer")
    lapsed = project_member(project, "reviewer")
    OrganizationMembership.objects.create(organization=org, user=UserFactory())  # not on it
    today = timezone.localdate()
    _train(compliance_officer, contributor, org)  # never renews
    _train(compliance_officer, viewer, org, renews_on=today + dt.timedelta(days=5))
    _train(compliance_officer, lapsed, org, renews_on=today)  # lapses today: not current
    # The team: manager, contributor, viewer, reviewer, and the organisation's administrator
    # and compliance officer, who see every project.
    assert selectors.literacy_share(project=project) == {"team": 6, "trained": 2, "percent": 33}
    page = signed_in(viewer).get(url("project-compliance", project)).content.decode()
    assert "33 %" in page


def test_members_see_their_own_training_and_keepers_manage_everyones(
    project, org, compliance_officer, project_member
):
    viewer = project_member(project, "viewer")
    other = project_member(project, "contributor")
    mine = _train(compliance_officer, viewer, org, course="Prompting safely")
    _train(compliance_officer, other, org, course="Bias basics")
    page = signed_in(viewer).get(reverse("compliance:training-list")).content.decode()
    assert "Prompting safely" in page
    assert "Bias basics" not in page
    assert signed_in(viewer).post(reverse("compliance:training-list"), {}).status_code == 403
    assert (
        signed_in(viewer).get(reverse("compliance:training-edit", args=[mine.pk])).status_code
        == 403
    )
    officer = signed_in(compliance_officer)
    response = officer.post(
        reverse("compliance:training-list"),
        {
            "person": str(other.pk),
            "course": "Art. 4 refresher",
            "provider": "Academy",
            "completed_on": "2026-01-10",
            "renews_on": "2025-01-10",
        },
    )
    assert response.status_code == 400
    assert "comes after the completion date" in response.content.decode()
    response = officer.post(
        reverse("compliance:training-edit", args=[mine.pk]),
        {
            "person": str(viewer.pk),
            "course": "Prompting safely",
            "provider": "Academy",
            "completed_on": "2026-01-10",
            "renews_on": "2027-01-10",
        },
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.renews_on == dt.date(2027, 1, 10)
    response = officer.post(reverse("compliance:training-delete", args=[mine.pk]))
    assert response.status_code == 302
    assert not TrainingRecord.objects.filter(pk=mine.pk).exists()


def test_the_training_api_crud(org, compliance_officer, org_member, outsider):
    person = org_member()
    client = client_for(compliance_officer)
    base = f"/api/v1/organizations/{org.pk}/training-records/"
    response = client.post(
        base,
        {
            "person": str(person.pk),
            "course": "AI basics",
            "provider": "Academy",
            "completed_on": "2026-02-01",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    record_id = response.json()["id"]
    response = client.patch(f"{base}{record_id}/", {"renews_on": "2027-02-01"}, format="json")
    assert response.json()["renews_on"] == "2027-02-01"
    response = client.patch(f"{base}{record_id}/", {"renews_on": "2020-01-01"}, format="json")
    assert_problem(response, 400)
    response = client.post(
        base,
        {"person": str(outsider.pk), "course": "x", "provider": "y", "completed_on": "2026-02-01"},
        format="json",
    )
    assert "person" in assert_problem(response, 400)["errors"]
    assert client_for(person).get(base).json()["count"] == 0 + 1  # their own
    assert_problem(client_for(outsider).get(f"{base}{record_id}/"), 404)
    assert client.delete(f"{base}{record_id}/").status_code == 204
    assert not TrainingRecord.objects.exists()


def test_a_record_of_the_project_is_picked_from_a_list(project, contributor):
    from projects.services import risk_create

    risk = risk_create(
        actor=project.owner,
        project=project,
        title="Prompt injection",
        category="technical",
        likelihood=2,
        impact=4,
    )
    client = signed_in(contributor)
    page = client.get(url("evidence-add", project)).content.decode()
    assert f'value="projects.risk:{risk.pk}"' in page
    assert "R-1 Prompt injection" in page
    response = client.post(
        url("evidence-add", project),
        {"kind": "record", "title": "The risk it mitigates", "record": f"projects.risk:{risk.pk}"},
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.record_type, evidence.record_id) == ("projects.risk", risk.pk)
    response = client.post(
        url("evidence-add", project),
        {"kind": "record", "title": "Forged", "record": f"projects.risk:{project.pk}"},
    )
    assert response.status_code == 400  # not among the choices
    assert Evidence.objects.count() == 1


def test_evidence_to_judge_waits_in_the_workspace_of_everyone_but_its_owner(
    project, org, contributor, compliance_officer, project_member, admin
):
    from compliance.selectors.workspace import waiting_for_review

    evidence = services.evidence_add(
        actor=project.owner, project=project, kind="url", title="T", url="https://x.test/"
    )
    reviewer = project_member(project, "reviewer")
    assert waiting_for_review(user=reviewer, organization=org)["evidence"] == [evidence]
    assert waiting_for_review(user=compliance_officer, organization=org)["evidence"] == [evidence]
    assert waiting_for_review(user=project.owner, organization=org)["evidence"] == []  # its owner
    assert waiting_for_review(user=contributor, organization=org)["evidence"] == []
    page = signed_in(reviewer).get(reverse("compliance:workspace")).content.decode()
    assert url("evidence-detail", project, evidence.pk) in page
    assert "AI literacy" in page
