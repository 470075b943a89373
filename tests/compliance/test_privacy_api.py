"""The privacy API: the data inventory list and the DPIA versions — 201/400/404/409 with
problem details, and the query budgets of the lists."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from compliance.models import DpiaVersion
from compliance.services import dpia as services
from models_registry import services as registry_services
from tests.compliance.privacy_support import (
    REQUIRED,
    art35_check,
    dpia_draft,
    dpia_in_review,
    personal_dataset,
    privacy_risk,
)
from tests.factories import ProjectFactory, ProjectMembershipFactory
from tests.models_registry.adapt_support import base_version

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"
# token, its last use, roles, project, project role, count, rows and their prefetches
QUERIES = {"inventory": 8, "dpia": 9}


def _base(project):
    return f"/api/v1/projects/{project.pk}/privacy"


def test_the_inventory_lists_usage_and_gaps(project, manager, token_client):
    dataset = personal_dataset(project, manager)
    base = base_version(project, manager)
    registry_services.fine_tune_run_create(
        actor=manager,
        project=project,
        name="LoRA 1",
        method="lora",
        base_version=base,
        dataset=dataset,
    )
    bare = registry_services.dataset_create(
        actor=manager,
        project=project,
        name="Bare notes",
        source="Wiki",
        licence="Internal",
        personal_data=True,
        lawful_basis="consent",
        retention="A year",
    )
    response = token_client(manager).get(f"{_base(project)}/inventory/")
    assert response.status_code == 200
    rows = {row["name"]: row for row in response.json()["results"]}
    assert [r["name"] for r in rows["Claims notes"]["fine_tune_runs"]] == ["LoRA 1"]
    assert rows["Claims notes"]["gaps"] == []
    assert rows[bare.name]["gaps"] == [
        "Personal data without its categories",
        "Personal data without its data subjects",
        "Personal data without a stated purpose",
    ]
    only = token_client(manager).get(f"{_base(project)}/inventory/?personal_data=false")
    assert only.json()["results"] == []


def test_the_inventory_of_another_organisation_is_404(project, outsider, token_client):
    response = token_client(outsider).get(f"{_base(project)}/inventory/")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


@pytest.mark.parametrize("rows", [1, 6])
def test_the_inventory_reads_in_fixed_queries(project, manager, token_client, rows):
    for i in range(rows):
        personal_dataset(project, manager, name=f"Set {i}")
    client = token_client(manager)
    url = f"{_base(project)}/inventory/"
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    assert len(captured) == QUERIES["inventory"]


def test_start_edit_submit_and_sign_through_the_api(
    project, manager, compliance_officer, token_client
):
    check = art35_check(project)
    risk = privacy_risk(project, manager)
    client = token_client(manager)
    created = client.post(f"{_base(project)}/dpia-versions/", format="json")
    assert created.status_code == 201, created.content
    dpia = created.json()
    assert (dpia["number"], dpia["status"], dpia["is_required"]) == (1, "draft", False)
    url = f"{_base(project)}/dpia-versions/{dpia['id']}/"
    edited = client.patch(
        url, REQUIRED | {"risks": [str(risk.pk)], "revision": dpia["revision"]}, format="json"
    )
    assert edited.status_code == 200, edited.content
    assert edited.json()["is_required"] is True
    assert [r["code"] for r in edited.json()["risks"]] == [risk.code]
    stale = client.patch(url, {"nature": "Again.", "revision": dpia["revision"]}, format="json")
    assert stale.status_code == 409
    assert stale["Content-Type"] == PROBLEM
    assert client.post(f"{url}submit/", {}, format="json").status_code == 200
    frozen = client.patch(url, {"nature": "Too late."}, format="json")
    assert frozen.status_code == 409
    assert "only a draft is edited" in frozen.json()["detail"]
    officer = token_client(compliance_officer)
    opinion = officer.post(
        f"{url}dpo-opinion/", {"opinion": "Proceed.", "advice": "followed"}, format="json"
    )
    assert opinion.status_code == 200, opinion.content
    assert client.post(f"{url}sign-off/", {"capacity": "manager"}, format="json").status_code == 200
    again = client.post(f"{url}sign-off/", {"capacity": "compliance"}, format="json")
    assert again.status_code == 403  # the manager holds no compliance role
    done = officer.post(f"{url}sign-off/", {"capacity": "compliance"}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "signed_off"
    assert {s["capacity"] for s in done.json()["sign_offs"]} == {"manager", "compliance"}
    check.refresh_from_db()
    assert check.status == "met"
    revised = client.post(f"{_base(project)}/dpia-versions/", format="json")
    assert revised.status_code == 201
    assert revised.json()["revised_from"] == dpia["id"]
    history = client.get(f"{_base(project)}/dpia-versions/?status=signed_off")
    assert [v["number"] for v in history.json()["results"]] == [1]


def test_bad_input_is_400_and_changes_nothing(project, manager, org, token_client):
    dpia = dpia_draft(project, manager)
    other = ProjectFactory(organization=org, owner=manager)
    ProjectMembershipFactory(project=other, user=manager, role="manager")
    foreign = privacy_risk(other, manager)
    client = token_client(manager)
    url = f"{_base(project)}/dpia-versions/{dpia.pk}/"
    before = AuditEvent.objects.count()
    for body in (
        {"criteria": ["gut_feeling"]},
        {"risks": [str(foreign.pk)]},
        {"is_required": True},
        {"nature": 7},
    ):
        response = client.patch(url, body, format="json")
        assert response.status_code == 400, (body, response.content)
        assert response["Content-Type"] == PROBLEM
    assert AuditEvent.objects.count() == before
    dpia.refresh_from_db()
    assert not dpia.risks.exists()
    missing = client.post(f"{url}sign-off/", {}, format="json")
    assert missing.status_code == 400


def test_a_second_open_version_is_409(project, manager, token_client):
    dpia_draft(project, manager)
    response = token_client(manager).post(f"{_base(project)}/dpia-versions/", format="json")
    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM
    assert DpiaVersion.objects.filter(project=project).count() == 1


def test_roles_on_the_dpia(project, manager, project_member, compliance_officer, token_client):
    dpia = dpia_in_review(project, manager)
    url = f"{_base(project)}/dpia-versions/{dpia.pk}/"
    viewer = token_client(project_member(project, "viewer"))
    assert viewer.get(url).status_code == 200
    assert viewer.post(f"{url}reopen/", {}, format="json").status_code == 403
    opinion = {"opinion": "Fine.", "advice": "followed"}
    assert (
        token_client(manager).post(f"{url}dpo-opinion/", opinion, format="json").status_code == 403
    )
    contributor = token_client(project_member(project, "contributor"))
    assert contributor.post(f"{url}reopen/", {}, format="json").status_code == 200


def test_another_organisations_dpia_is_404(project, manager, outsider, token_client):
    dpia = dpia_draft(project, manager)
    client = token_client(outsider)
    url = f"{_base(project)}/dpia-versions/{dpia.pk}/"
    assert client.get(url).status_code == 404
    assert client.patch(url, {"nature": "Theirs."}, format="json").status_code == 404
    dpia.refresh_from_db()
    assert dpia.nature == REQUIRED["nature"]


@pytest.mark.parametrize("versions", [1, 4])
def test_the_dpia_versions_read_in_fixed_queries(
    project, manager, compliance_officer, token_client, versions
):
    dataset, risk = personal_dataset(project, manager), privacy_risk(project, manager)
    for _ in range(versions):
        dpia = dpia_in_review(project, manager, datasets=[dataset.pk], risks=[risk.pk])
        services.dpia_dpo_opinion_give(
            actor=compliance_officer, dpia=dpia, opinion="Proceed.", advice="followed"
        )
        services.dpia_sign_off(actor=manager, dpia=dpia, capacity="manager")
        services.dpia_sign_off(actor=compliance_officer, dpia=dpia, capacity="compliance")
    client = token_client(manager)
    url = f"{_base(project)}/dpia-versions/"
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    assert len(captured) == QUERIES["dpia"]
