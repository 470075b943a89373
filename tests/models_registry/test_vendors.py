"""Vendors: who may add, edit and assess; certifications checked; the version check; an
assessment sets the next review (not a backdated one); overdue reviews flagged and filtered,
in the services, the API and the pages; another organisation's vendor is a 404."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrganizationMembership
from core.errors import ConflictError
from models_registry import selectors, services
from models_registry.models import Vendor, VendorAssessment
from tests.helpers import assert_problem, client_for, event_count, new_events
from tests.models_registry.catalogue_helpers import browser, make_model, make_vendor

pytestmark = pytest.mark.django_db

OrgRole = OrganizationMembership.Role
TODAY = timezone.localdate()


def _assess(actor, vendor, **fields):
    values: dict[str, Any] = {
        "assessed_on": TODAY,
        "rating": "medium",
        "findings": "SOC 2 Type II report current.",
        "next_review_on": TODAY + timedelta(days=365),
    }
    return services.vendor_assess(actor=actor, vendor=vendor, **(values | fields))


def test_an_admin_adds_a_vendor_with_its_terms(org, admin):
    before = event_count()

    vendor = make_vendor(
        admin,
        org,
        "  Open   AI ",
        contract_status="signed",
        dpa_status="signed",
        certifications=["soc2_type2", "iso27001"],
        training_on_customer_data="never",
    )

    assert vendor.name == "Open AI"
    [event] = new_events(before)
    assert event.action == "vendor.created"
    assert event.data["certifications"] == ["soc2_type2", "iso27001"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"certifications": ["soc2_type2", "iso9001"]}, "certifications"),
        ({"certifications": ["iso27001", "iso27001"]}, "certifications"),
        ({"certifications": "iso27001"}, "certifications"),
        ({"contract_status": "handshake"}, "contract_status"),
        ({"website": "nope"}, "website"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_vendor_input_is_refused(org, admin, fields, field):
    with pytest.raises(ValidationError) as caught:
        make_vendor(admin, org, **({"name": "Acme"} | fields))
    assert field in caught.value.message_dict
    assert not Vendor.objects.exists()


def test_a_vendor_name_is_unique_in_the_organisation_whatever_the_case(org, admin):
    make_vendor(admin, org, "OpenAI")
    with pytest.raises(ValidationError) as caught:
        make_vendor(admin, org, "openai")
    assert caught.value.message_dict == {
        "name": ["The organisation already has a vendor of this name."]
    }


@pytest.mark.parametrize("role", [OrgRole.MEMBER, OrgRole.COMPLIANCE_OFFICER])
def test_only_admins_add_and_edit_vendors(org, admin, org_member, role):
    user = org_member(role)
    vendor = make_vendor(admin, org)
    with pytest.raises(PermissionDenied):
        make_vendor(user, org, "Other")
    with pytest.raises(PermissionDenied):
        services.vendor_update(actor=user, vendor=vendor, expected_version=1, notes="x")
    assert Vendor.objects.count() == 1


def test_an_edit_from_a_stale_version_is_refused(org, admin):
    vendor = make_vendor(admin, org)
    services.vendor_update(actor=admin, vendor=vendor, expected_version=1, notes="First")

    with pytest.raises(ConflictError) as caught:
        services.vendor_update(actor=admin, vendor=vendor, expected_version=1, notes="Second")

    assert caught.value.details == {"current_version": 2}
    vendor.refresh_from_db()
    assert vendor.notes == "First"


def test_a_compliance_officer_records_an_assessment_which_sets_the_next_review(
    org, admin, compliance_officer
):
    vendor = make_vendor(admin, org)
    before = event_count()

    assessment = _assess(compliance_officer, vendor, next_review_on=date(2030, 1, 1))

    vendor.refresh_from_db()
    assert (vendor.next_review_on, vendor.version) == (date(2030, 1, 1), 2)
    assert assessment.assessor == compliance_officer
    [event] = new_events(before)
    assert (event.action, event.target_id, event.organization_id) == (
        "vendor.assessed",
        str(assessment.pk),
        org.pk,
    )
    assert event.data["vendor_next_review_on"] == {"old": None, "new": "2030-01-01"}


def test_a_backdated_assessment_does_not_pull_the_schedule_back(org, admin):
    vendor = make_vendor(admin, org)
    _assess(admin, vendor, next_review_on=date(2030, 1, 1))

    _assess(
        admin,
        vendor,
        assessed_on=TODAY - timedelta(days=400),
        next_review_on=TODAY - timedelta(days=35),
    )

    vendor.refresh_from_db()
    assert vendor.next_review_on == date(2030, 1, 1)
    assert VendorAssessment.objects.count() == 2


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"findings": "   "}, "findings"),
        ({"next_review_on": TODAY}, "next_review_on"),
        ({"next_review_on": TODAY - timedelta(days=1)}, "next_review_on"),
        ({"assessed_on": TODAY + timedelta(days=1)}, "assessed_on"),
        ({"rating": "fine"}, "rating"),
    ],
)
def test_a_bad_assessment_is_refused_and_the_vendor_is_unchanged(org, admin, fields, field):
    vendor = make_vendor(admin, org)
    before = event_count()

    with pytest.raises(ValidationError) as caught:
        _assess(admin, vendor, **fields)

    assert field in caught.value.message_dict
    vendor.refresh_from_db()
    assert (vendor.next_review_on, vendor.version) == (None, 1)
    assert not VendorAssessment.objects.exists()
    assert event_count() == before


def test_a_member_cannot_assess(org, admin, org_member):
    vendor = make_vendor(admin, org)
    with pytest.raises(PermissionDenied):
        _assess(org_member(), vendor)


def test_overdue_reviews_are_flagged_and_filtered(org, admin):
    overdue = make_vendor(admin, org, "Late", next_review_on=TODAY - timedelta(days=1))
    make_vendor(admin, org, "Today", next_review_on=TODAY)
    make_vendor(admin, org, "Never")

    vendors = {v.name: v for v in selectors.vendor_list(user=admin, organization=org)}
    due = selectors.vendor_list(user=admin, organization=org, filters={"review_due": True})

    assert {name: getattr(v, "review_due") for name, v in vendors.items()} == {  # noqa: B009
        "Late": True,
        "Never": False,
        "Today": False,
    }
    assert list(due) == [overdue]


# --- the API ----------------------------------------------------------------------------------


def _vendors(org) -> str:
    return f"/api/v1/organizations/{org.pk}/vendors/"


def test_the_api_creates_a_vendor_and_refuses_an_unknown_certification(org, admin):
    client = client_for(admin)
    bad = client.post(_vendors(org), {"name": "Acme", "certifications": ["iso9001"]}, format="json")
    assert "certifications" in assert_problem(bad, 400)["errors"]
    assert not Vendor.objects.exists()

    response = client.post(
        _vendors(org),
        {"name": "Acme", "certifications": ["c5"], "next_review_on": "2020-01-01"},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["review_due"] is True
    assert response.json()["certifications"] == ["c5"]


def test_the_api_lists_overdue_vendors_and_edits_with_a_version(org, admin):
    late = make_vendor(admin, org, "Late", next_review_on=TODAY - timedelta(days=3))
    make_vendor(admin, org, "Fine")
    client = client_for(admin)

    listed = client.get(_vendors(org) + "?review_due=true")
    assert [v["name"] for v in listed.json()["results"]] == ["Late"]

    url = f"{_vendors(org)}{late.pk}/"
    ok = client.patch(url, {"version": 1, "dpa_status": "signed"}, format="json")
    assert ok.status_code == 200, ok.content
    assert (ok.json()["dpa_status"], ok.json()["version"]) == ("signed", 2)
    body = assert_problem(client.patch(url, {"version": 1, "notes": "x"}, format="json"), 409)
    assert body["code"] == "stale_version"


def test_assessments_through_the_api(org, admin, compliance_officer, org_member):
    vendor = make_vendor(admin, org)
    url = f"{_vendors(org)}{vendor.pk}/assessments/"
    payload = {
        "assessed_on": TODAY.isoformat(),
        "rating": "low",
        "findings": "All good.",
        "next_review_on": (TODAY + timedelta(days=30)).isoformat(),
    }

    assert_problem(client_for(org_member()).post(url, payload, format="json"), 403)
    bad = client_for(compliance_officer).post(
        url, payload | {"next_review_on": TODAY.isoformat()}, format="json"
    )
    assert "next_review_on" in assert_problem(bad, 400)["errors"]
    created = client_for(compliance_officer).post(url, payload, format="json")

    assert created.status_code == 201, created.content
    assert created.json()["assessor"]["id"] == str(compliance_officer.pk)
    listed = client_for(org_member()).get(url)
    assert [a["findings"] for a in listed.json()["results"]] == ["All good."]
    vendor.refresh_from_db()
    assert vendor.next_review_on == TODAY + timedelta(days=30)


def test_another_organisations_vendor_is_a_404(org, admin, other_org, outsider):
    theirs = make_vendor(outsider, other_org)
    client = client_for(admin)
    assert_problem(client.get(f"{_vendors(org)}{theirs.pk}/"), 404)
    assert_problem(client.get(f"{_vendors(org)}{theirs.pk}/assessments/"), 404)
    assert_problem(client.get(f"{_vendors(other_org)}{theirs.pk}/"), 404)
    page = browser(admin).get(reverse("models_registry:vendor-detail", args=[theirs.pk]))
    assert page.status_code == 404


# --- the pages --------------------------------------------------------------------------------


def test_the_vendor_list_flags_overdue_reviews_and_filters_them(org, admin):
    make_vendor(admin, org, "Late", next_review_on=TODAY - timedelta(days=3))
    make_vendor(admin, org, "Fine", next_review_on=TODAY + timedelta(days=3))
    client = browser(admin)

    page = client.get(reverse("models_registry:vendor-list"))
    due = client.get(reverse("models_registry:vendor-list") + "?review_due=on")

    assert page.status_code == 200
    assert page.content.decode().count(">overdue<") == 1
    assert "Late" in due.content.decode()
    assert "Fine" not in due.content.decode()


def test_the_vendor_page_lists_its_models_and_records_an_assessment(org, admin):
    vendor = make_vendor(admin, org)
    make_model(admin, org, vendor=vendor)
    client = browser(admin)

    page = client.get(reverse("models_registry:vendor-detail", args=[vendor.pk]))
    assert "OpenAI GPT-4o 2024-08-06" in page.content.decode()

    bad = client.post(
        reverse("models_registry:vendor-assess", args=[vendor.pk]),
        {"assessed_on": TODAY, "rating": "low", "findings": "", "next_review_on": TODAY},
    )
    assert bad.status_code == 400
    ok = client.post(
        reverse("models_registry:vendor-assess", args=[vendor.pk]),
        {
            "assessed_on": TODAY,
            "rating": "low",
            "findings": "Fine.",
            "next_review_on": TODAY + timedelta(days=90),
        },
    )
    assert ok.status_code == 302
    vendor.refresh_from_db()
    assert vendor.next_review_on == TODAY + timedelta(days=90)


def test_the_vendor_edit_page_refuses_a_stale_form_with_409(org, admin):
    vendor = make_vendor(admin, org)
    services.vendor_update(actor=admin, vendor=vendor, expected_version=1, notes="changed")
    response = browser(admin).post(
        reverse("models_registry:vendor-edit", args=[vendor.pk]),
        {
            "name": "OpenAI",
            "contract_status": "none",
            "dpa_status": "missing",
            "training_on_customer_data": "unknown",
            "version": 1,
        },
    )
    assert response.status_code == 409
    assert "Someone changed this vendor" in response.content.decode()
