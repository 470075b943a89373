"""The Privacy page (the data inventory, its CSV, a record edited in place) and the DPIA
pages: forms re-render with their errors, refusals say why, query counts are fixed."""

from __future__ import annotations

import csv
import io
from html import escape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.permissions import SAME_DPIA_SIGNER
from compliance.models import DpiaApproval, DpiaVersion
from compliance.services import dpia as services
from models_registry import services as registry_services
from models_registry.services import adapt
from tests.compliance.privacy_support import (
    REQUIRED,
    art35_check,
    dpia_draft,
    dpia_in_review,
    personal_dataset,
)
from tests.factories import ProjectMembershipFactory
from tests.models_registry.adapt_support import base_version

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def _url(name, project, *args):
    return reverse(f"compliance:{name}", args=[project.pk, *args])


def test_the_privacy_page_shows_the_inventory_usage_and_gaps(client, project, manager):
    dataset = personal_dataset(project, manager)
    registry_services.fine_tune_run_create(
        actor=manager,
        project=project,
        name="LoRA claims",
        method="lora",
        base_version=base_version(project, manager),
        dataset=dataset,
    )
    registry_services.dataset_create(
        actor=manager,
        project=project,
        name="Bare notes",
        source="Wiki",
        licence="Internal",
        personal_data=True,
        lawful_basis="consent",
        retention="A year",
    )
    client.force_login(manager)
    page = client.get(_url("privacy", project)).content.decode()
    assert "Fine-tune LoRA claims" in page
    assert "Data concerning health" in page
    assert "Legal claims or courts (Art. 9(2)(f))" in page
    assert "Personal data without its categories" in page
    assert "3 gaps" in page
    assert "Start the DPIA" in page


def test_the_inventory_partial_for_htmx(client, project, manager):
    personal_dataset(project, manager)
    client.force_login(manager)
    response = client.get(_url("privacy", project), HTTP_HX_TARGET="inventory", **HX)
    body = response.content.decode()
    assert 'id="inventory"' in body
    assert "<html" not in body


def test_the_inventory_downloads_as_csv_neutralised(client, project, manager):
    personal_dataset(project, manager, name="=cmd|' /C calc'!A0")
    client.force_login(manager)
    response = client.get(_url("privacy-inventory-csv", project))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["name", "purpose", "source", "personal data"]
    assert rows[1][0].startswith("'=")
    assert rows[1][5] == "Data concerning health"


@pytest.mark.parametrize("rows", [1, 5])
def test_the_privacy_page_reads_in_fixed_queries(client, project, manager, rows):
    for i in range(rows):
        personal_dataset(project, manager, name=f"Set {i}")
    dpia_draft(project, manager)
    client.force_login(manager)
    url = _url("privacy", project)
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    assert len(captured) == PRIVACY_PAGE_QUERIES


PRIVACY_PAGE_QUERIES = 13


def test_a_record_is_edited_in_place_with_errors(client, project, manager):
    dataset = personal_dataset(project, manager)
    client.force_login(manager)
    url = _url("privacy-dataset-edit", project, dataset.pk)
    form = client.get(url, **HX).content.decode()
    assert 'name="transfers_outside_eea"' in form
    assert "<html" not in form
    data = {
        "name": dataset.name,
        "source": dataset.source,
        "licence": dataset.licence,
        "personal_data": "on",
        "lawful_basis": "contract",
        "retention": dataset.retention,
        "special_categories": ["health"],
        "special_category_condition": "legal_claims",
        "transfers_outside_eea": "on",
    }
    refused = client.post(url, data, **HX)
    assert refused.status_code == 400
    assert adapt.TRANSFER_NEEDS_SAFEGUARD in refused.content.decode()
    assert "<html" not in refused.content.decode()
    dataset.refresh_from_db()
    assert dataset.transfers_outside_eea is False
    saved = client.post(url, data | {"transfer_safeguard": "adequacy"}, **HX)
    assert saved.status_code == 200
    assert saved["HX-Redirect"] == _url("privacy", project)
    dataset.refresh_from_db()
    assert dataset.transfer_safeguard == "adequacy"


def test_a_viewer_reads_but_does_not_edit(client, project, manager, project_member):
    dataset = personal_dataset(project, manager)
    client.force_login(project_member(project, "viewer"))
    assert client.get(_url("privacy", project)).status_code == 200
    assert "Edit the record" not in client.get(_url("privacy", project)).content.decode()
    assert client.get(_url("privacy-dataset-edit", project, dataset.pk)).status_code == 403


def test_another_organisation_gets_404(client, project, manager, outsider):
    dpia = dpia_draft(project, manager)
    client.force_login(outsider)
    assert client.get(_url("privacy", project)).status_code == 404
    assert client.get(_url("dpia-version", project, dpia.pk)).status_code == 404
    assert client.post(_url("dpia-submit", project, dpia.pk)).status_code == 404


def _dpia_form(dpia, **fields):
    return (
        {"revision": dpia.revision}
        | {k: v for k, v in REQUIRED.items() if k != "art35_cases"}
        | fields
    )


def test_the_draft_form_saves_and_recomputes_the_screening(client, project, manager):
    dpia = services.dpia_start(actor=manager, project=project)
    client.force_login(manager)
    response = client.post(_url("dpia-edit", project, dpia.pk), _dpia_form(dpia))
    assert response.status_code == 302
    dpia.refresh_from_db()
    assert dpia.is_required is True
    page = client.get(_url("dpia", project)).content.decode()
    assert "Required: 2 of the nine WP248 criteria are met" in page


def test_a_stale_draft_form_is_409_in_place(client, project, manager):
    dpia = dpia_draft(project, manager)
    client.force_login(manager)
    response = client.post(
        _url("dpia-edit", project, dpia.pk), _dpia_form(dpia, revision=1, nature="Old."), **HX
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert escape(services.STALE) in body
    assert 'id="dpia-form"' in body
    assert "<html" not in body


def test_an_unknown_criterion_is_a_field_error(client, project, manager):
    dpia = dpia_draft(project, manager)
    client.force_login(manager)
    response = client.post(
        _url("dpia-edit", project, dpia.pk), _dpia_form(dpia, criteria=["gut_feeling"]), **HX
    )
    assert response.status_code == 400
    assert "gut_feeling" in response.content.decode()


def test_editing_a_submitted_version_says_why(client, project, manager):
    dpia = dpia_in_review(project, manager)
    client.force_login(manager)
    response = client.post(_url("dpia-edit", project, dpia.pk), _dpia_form(dpia))
    assert response.status_code == 409
    assert "only a draft is edited" in response.content.decode()


def test_the_opinion_form_re_renders_with_its_errors(client, project, manager, compliance_officer):
    dpia = dpia_in_review(project, manager)
    client.force_login(compliance_officer)
    response = client.post(
        _url("dpia-opinion", project, dpia.pk), {"opinion": "Mask.", "advice": "not_followed"}, **HX
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert escape(services.EXPLAIN_NOT_FOLLOWED) in body
    assert 'id="opinion-form"' in body
    dpia.refresh_from_db()
    assert dpia.dpo_opinion == ""


def test_a_manager_does_not_give_the_opinion(client, project, manager):
    dpia = dpia_in_review(project, manager)
    client.force_login(manager)
    response = client.post(
        _url("dpia-opinion", project, dpia.pk), {"opinion": "Fine.", "advice": "followed"}
    )
    assert response.status_code == 403


def test_signing_twice_says_why_and_the_whole_journey_meets_the_check(
    client, project, manager, compliance_officer
):
    check = art35_check(project)
    ProjectMembershipFactory(project=project, user=compliance_officer, role="manager")
    dpia = dpia_in_review(project, manager)
    services.dpia_dpo_opinion_give(
        actor=compliance_officer, dpia=dpia, opinion="Proceed.", advice="followed"
    )
    client.force_login(compliance_officer)
    sign = _url("dpia-sign", project, dpia.pk)
    assert client.post(sign, {"capacity": "manager"}).status_code == 302
    refused = client.post(sign, {"capacity": "compliance"})
    assert refused.status_code == 403
    assert escape(SAME_DPIA_SIGNER) in refused.content.decode()
    assert DpiaApproval.objects.filter(dpia=dpia).count() == 1
    # the manager signed in place of the officer? No: a manager holds no compliance role.
    client.force_login(manager)
    assert client.post(sign, {"capacity": "compliance"}).status_code == 403
    assert client.post(sign, {"capacity": "manager"}).status_code == 409
    other_officer = compliance_officer.__class__.objects.create_user(
        email="dpo@example.test", password="x"
    )
    project.organization.memberships.create(user=other_officer, role="compliance_officer")
    client.force_login(other_officer)
    assert client.post(sign, {"capacity": "compliance"}).status_code == 302
    dpia.refresh_from_db()
    assert dpia.status == "signed_off"
    check.refresh_from_db()
    assert check.status == "met"
    page = client.get(_url("dpia-version", project, dpia.pk)).content.decode()
    assert "the version is frozen" in page
    assert "Revise: start version 2" not in page  # the officer does not contribute
    client.force_login(manager)
    assert client.post(_url("dpia-start", project)).status_code == 302
    assert DpiaVersion.objects.filter(project=project).count() == 2
    history = client.get(_url("dpia-version", project, dpia.pk)).content.decode()
    assert "Version 2" in history


@pytest.mark.parametrize("versions", [1, 3])
def test_the_dpia_page_reads_in_fixed_queries(
    client, project, manager, compliance_officer, versions
):
    dataset = personal_dataset(project, manager)
    for _ in range(versions):
        dpia = dpia_in_review(project, manager, datasets=[dataset.pk])
        services.dpia_dpo_opinion_give(
            actor=compliance_officer, dpia=dpia, opinion="Proceed.", advice="followed"
        )
        services.dpia_sign_off(actor=manager, dpia=dpia, capacity="manager")
        services.dpia_sign_off(actor=compliance_officer, dpia=dpia, capacity="compliance")
    client.force_login(manager)
    url = _url("dpia", project)
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    assert len(captured) == DPIA_PAGE_QUERIES


DPIA_PAGE_QUERIES = 14


def test_a_version_in_review_offers_each_person_what_they_may_do(
    client, project, manager, compliance_officer, project_member
):
    dpia = dpia_in_review(project, manager)
    url = _url("dpia-version", project, dpia.pk)
    client.force_login(compliance_officer)
    officer_page = client.get(url).content.decode()
    assert "Give the DPO" in officer_page
    assert "Sign off as compliance officer" in officer_page
    assert "Sign off as project manager" not in officer_page
    assert "Back to draft" not in officer_page
    client.force_login(manager)
    manager_page = client.get(url).content.decode()
    assert "Sign off as project manager" in manager_page
    assert "Back to draft" in manager_page
    assert "Give the DPO" not in manager_page
    client.force_login(project_member(project, "viewer"))
    viewer_page = client.get(url).content.decode()
    assert "Sign off as" not in viewer_page
    assert REQUIRED["mitigations"] in viewer_page
