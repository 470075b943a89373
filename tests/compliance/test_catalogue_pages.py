"""The catalogue pages and API: every signed-in person reads the catalogue; compliance officers
and administrators follow frameworks (audited, checks re-synced); another organisation's
followed frameworks are a 404; list pages cost a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from compliance import services
from compliance.models import ComplianceCheck, Framework, OrganizationFramework, Requirement
from compliance.services.catalogue import framework_follow
from tests.helpers import client_for, event_count

pytestmark = pytest.mark.django_db


def _framework(key: str) -> Framework:
    return Framework.objects.get(key=key)


# --- pages ------------------------------------------------------------------------------------


def test_the_catalogue_lists_every_framework_with_counts_and_what_is_followed(
    client, catalogue, org, org_member, django_assert_num_queries
):
    OrganizationFramework.objects.create(organization=org, framework=_framework("gdpr"))
    client.force_login(org_member())
    client.get("/compliance/frameworks/")  # the session's first read
    # session, user, organisations, the framework list with its counts, membership, messages
    with django_assert_num_queries(6):
        body = client.get("/compliance/frameworks/").content.decode()
    assert "EU AI Act" in body
    assert "OWASP Top 10 for LLM Applications" in body
    assert "2026.12.1" in body
    assert "1 unverified" in body  # CCPA § 7221
    assert body.count('<span class="badge ok">followed</span>') == 1
    assert "Stop following" not in body  # a member may not choose


def test_the_catalogue_query_count_does_not_grow_with_frameworks(client, catalogue, org_member):
    client.force_login(org_member())
    client.get("/compliance/frameworks/")
    with CaptureQueriesContext(connection) as before:
        client.get("/compliance/frameworks/")
    Framework.objects.create(
        key="extra",
        name="Extra",
        edition="1",
        publisher="x",
        source_url="https://example.org/",
        data_version="t",
    )
    with CaptureQueriesContext(connection) as after:
        client.get("/compliance/frameworks/")
    assert len(after) == len(before)


def test_a_framework_page_filters_flags_unverified_and_shows_retired_and_dates(
    client, catalogue, org_member, django_assert_num_queries
):
    act = _framework("eu-ai-act")
    Requirement.objects.filter(framework=act, ref="Art. 111").update(retired_in="2026.12.1")
    client.force_login(org_member())
    url = f"/compliance/frameworks/{act.pk}/"
    client.get(url)
    # all 130 requirements on one page, their framework joined: no query per row
    with django_assert_num_queries(10):
        body = client.get(url).content.decode()
    assert "Art. 113" in body
    assert "retired in 2026.12.1" in body
    assert "Key dates" in body
    assert "High-risk obligations for stand-alone Annex III systems (new)" in body
    assert "as of 27 Jul 2026" in body

    partial = client.get(
        url,
        {"text": "human oversight"},
        headers={"HX-Request": "true", "HX-Target": "requirements"},
    )
    html = partial.content.decode()
    assert "<html" not in html
    assert "Art. 14" in html
    assert "Art. 9<" not in html

    by_kind = client.get(url, {"kind": "annex_point"}).content.decode()
    assert "Annex III.4" in by_kind
    assert ">Art. 5<" not in by_kind

    ccpa = _framework("ccpa")
    body = client.get(f"/compliance/frameworks/{ccpa.pk}/").content.decode()
    assert body.count(">unverified</span>") == 1


def test_a_requirement_page_shows_guidance_and_the_crosswalk_both_ways(
    client, catalogue, org_member
):
    art15 = Requirement.objects.get(framework__key="eu-ai-act", ref="Art. 15")
    client.force_login(org_member())
    body = client.get(f"/compliance/requirements/{art15.pk}/").content.decode()
    assert "accuracy, robustness and cybersecurity" in body
    # mapped from ISO A.6.2.4 and NIST MEASURE 2.5 (to Art. 15), and from OWASP LLM01
    assert "ISO/IEC 42001 A.6.2.4" in body
    assert "NIST AI Risk Management Framework MEASURE 2.5" in body
    assert "OWASP Top 10 for LLM Applications LLM01" in body
    assert client.get("/compliance/requirements/not-a-uuid/").status_code == 404


def test_a_compliance_officer_follows_and_stops_following_from_the_page(
    client, catalogue, org, project, compliance_officer
):
    owasp = _framework("owasp-llm-top10")
    client.force_login(compliance_officer)
    before = event_count()

    url = f"/compliance/frameworks/{owasp.pk}/follow/"
    response = client.post(url, {"follow": "yes"})

    assert response.status_code == 302
    assert OrganizationFramework.objects.filter(organization=org, framework=owasp).exists()
    assert (
        ComplianceCheck.objects.filter(project=project, requirement__framework=owasp).count() == 10
    )
    actions = list(AuditEvent.objects.order_by("occurred_at").values_list("action", flat=True))[
        before:
    ]
    assert actions == ["organization_framework.adopted", "compliance_check.generated"]

    again = client.post(url, {"follow": "yes"}, follow=True)  # submitted twice: no flip
    assert "already follows" in again.content.decode()
    assert OrganizationFramework.objects.filter(organization=org, framework=owasp).exists()
    assert client.post(url, {"follow": "maybe"}).status_code == 400

    client.post(url, {"follow": "no"})
    assert not OrganizationFramework.objects.filter(organization=org, framework=owasp).exists()
    assert (
        not ComplianceCheck.objects.filter(project=project, requirement__framework=owasp)
        .exclude(status="not_applicable")
        .exists()
    )


def test_a_member_may_not_follow(client, catalogue, org, org_member):
    gdpr = _framework("gdpr")
    client.force_login(org_member())
    before = event_count()
    response = client.post(f"/compliance/frameworks/{gdpr.pk}/follow/", {"follow": "yes"})
    assert response.status_code == 403
    assert not OrganizationFramework.objects.exists()
    assert event_count() == before


# --- API --------------------------------------------------------------------------------------


def test_the_api_lists_frameworks_and_requirements_with_filters(
    catalogue, outsider, django_assert_num_queries
):
    api = client_for(outsider)  # the catalogue is global: any signed-in person reads it
    api.get("/api/v1/frameworks/")
    with django_assert_num_queries(4):
        frameworks = api.get("/api/v1/frameworks/").json()
    with django_assert_num_queries(4):
        assert api.get("/api/v1/requirements/").json()["count"] == 328
    assert frameworks["count"] == 7
    act = next(f for f in frameworks["results"] if f["key"] == "eu-ai-act")
    assert act["requirement_count"] == 130
    detail = api.get(f"/api/v1/frameworks/{act['id']}/").json()
    assert len(detail["dates"]) == 19
    assert {"milestone", "date", "reference", "status", "as_of"} <= set(detail["dates"][0])

    found = api.get("/api/v1/requirements/", {"framework": "nist-ai-rmf", "text": "GOVERN 1."})
    assert found.status_code == 200
    assert [r["ref"] for r in found.json()["results"]] == [f"GOVERN 1.{i}" for i in range(1, 8)]
    controls = api.get("/api/v1/requirements/", {"kind": "control"}).json()
    assert controls["count"] == 38
    assert api.get("/api/v1/requirements/", {"kind": "nonsense"}).status_code == 400


def test_the_api_requirement_detail_includes_its_mappings(catalogue, org_member):
    iso = Requirement.objects.get(framework__key="iso-42001", ref="A.6.2.4")
    body = client_for(org_member()).get(f"/api/v1/requirements/{iso.pk}/").json()
    assert body["verified"] is True
    assert {(m["requirement"]["framework"], m["requirement"]["ref"]) for m in body["mappings"]} == {
        ("eu-ai-act", "Art. 15"),
        ("nist-ai-rmf", "MEASURE 2.5"),
    }


def test_following_through_the_api(
    catalogue, org, project, compliance_officer, org_member, django_assert_num_queries
):
    url = f"/api/v1/organizations/{org.pk}/frameworks/"
    officer = client_for(compliance_officer)

    created = officer.post(url, {"framework": "gdpr"}, format="json")
    assert created.status_code == 201
    assert created.json()["framework"]["key"] == "gdpr"
    assert officer.post(url, {"framework": "gdpr"}, format="json").status_code == 400
    assert officer.post(url, {"framework": "hipaa"}, format="json").status_code == 400

    member = client_for(org_member())
    member.get(url)
    # session, user, organisation, membership, count, rows with their framework
    with django_assert_num_queries(6):
        listed = member.get(url).json()
    assert [f["framework"]["key"] for f in listed["results"]] == ["gdpr"]
    assert (
        client_for(org_member()).post(url, {"framework": "ccpa"}, format="json").status_code == 403
    )

    gdpr = _framework("gdpr")
    assert officer.delete(f"{url}{gdpr.pk}/").status_code == 204
    assert not OrganizationFramework.objects.filter(organization=org).exists()
    assert officer.delete(f"{url}{gdpr.pk}/").status_code == 404


def test_another_organisations_followed_frameworks_are_a_404(
    catalogue, org, other_org, compliance_officer, outsider
):
    framework_follow(actor=compliance_officer, organization=org, framework=_framework("gdpr"))
    url = f"/api/v1/organizations/{org.pk}/frameworks/"
    api = client_for(outsider)
    before = event_count()
    assert api.get(url).status_code == 404
    assert api.post(url, {"framework": "ccpa"}, format="json").status_code == 404
    assert api.delete(f"{url}{_framework('gdpr').pk}/").status_code == 404
    assert OrganizationFramework.objects.filter(organization=org).count() == 1
    assert event_count() == before


def test_the_follow_service_checks_the_permission_and_syncs_classified_projects(
    catalogue, org, project, compliance_officer, org_member
):
    from django.core.exceptions import PermissionDenied

    services.classification_propose(
        actor=compliance_officer,
        project=project,
        answers={"role": "deployer", "interacts_with_people": True},
        rationale="A chatbot.",
    )
    with pytest.raises(PermissionDenied):
        framework_follow(actor=org_member(), organization=org, framework=_framework("eu-ai-act"))
    framework_follow(actor=compliance_officer, organization=org, framework=_framework("eu-ai-act"))
    refs = set(
        ComplianceCheck.objects.filter(project=project).values_list("requirement__ref", flat=True)
    )
    assert refs == {"Art. 4", "Art. 50"}


def test_the_workspace_links_the_catalogue(client, org, compliance_officer):
    client.force_login(compliance_officer)
    body = client.get("/compliance/workspace/").content.decode()
    assert 'href="/compliance/frameworks/"' in body


def test_stopping_records_the_event_and_keeps_met_checks(
    catalogue, org, project, compliance_officer
):
    from compliance.services.catalogue import framework_unfollow

    owasp = _framework("owasp-llm-top10")
    framework_follow(actor=compliance_officer, organization=org, framework=owasp)
    met = ComplianceCheck.objects.filter(project=project, requirement__ref="LLM01")
    met.update(status="met")
    before = event_count()

    framework_unfollow(actor=compliance_officer, organization=org, framework=owasp)

    events = list(AuditEvent.objects.order_by("occurred_at")[before:])
    assert [e.action for e in events] == [
        "organization_framework.dropped",
        "compliance_check.generated",
    ]
    assert events[0].data == {"framework": "owasp-llm-top10"}
    assert events[1].data["no_longer_applicable"] == 9
    assert met.get().status == "met"  # what was proven stays proven
