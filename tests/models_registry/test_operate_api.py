"""The Integrate & operate API as a release pipeline and an on-call engineer use it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import OrganizationMembership, ProjectMembership
from models_registry.models import Deployment, Incident
from tests.models_registry.adapt_support import base_version

pytestmark = pytest.mark.django_db


def url(project, path=""):
    return f"/api/v1/projects/{project.pk}/operate/{path}"


def plan(version, *percents):
    today = timezone.localdate()
    return {
        "name": "Claims triage to production",
        "environment": "production",
        "model_version": str(version.pk),
        "stages": [
            {"traffic_percent": p, "starts_on": str(today), "exit_criteria": f"Healthy at {p} %"}
            for p in percents
        ],
    }


def test_a_rollout_is_planned_approved_by_another_manager_and_promoted(
    project, manager, project_member, token_client
):
    v1 = base_version(project, manager)
    author = token_client(manager)
    down = author.post(url(project, "deployments/"), plan(v1, 50, 10), format="json")
    assert down.status_code == 400
    assert "more traffic" in str(down.json())
    assert not Deployment.objects.exists()
    made = author.post(url(project, "deployments/"), plan(v1, 10, 100), format="json")
    assert made.status_code == 201, made.content
    deployment = made.json()["id"]
    step = url(project, f"deployments/{deployment}/")
    assert author.post(step + "approve/", {}, format="json").status_code == 403
    other = token_client(project_member(project, ProjectMembership.Role.MANAGER))
    assert (
        other.post(step + "approve/", {"note": "Plan reviewed."}, format="json").status_code == 200
    )
    started = author.post(step + "start/", format="json")
    assert started.json()["current_stage"] == 1
    early = author.post(step + "promote/", format="json")
    assert early.status_code == 400
    assert "Confirm the exit criteria of stage 1" in str(early.json())
    author.post(step + "confirm-exit/", {"note": "0.2 % errors for a week."}, format="json")
    promoted = author.post(step + "promote/", format="json").json()
    assert (promoted["current_stage"], promoted["status"]) == (2, "rolling_out")
    back = author.post(step + "rollback/", {"reason": "Complaints from one region."}, format="json")
    assert back.json()["status"] == "rolled_back"
    kinds = [line["kind"] for line in back.json()["timeline"]]
    assert kinds == ["planned", "approved", "started", "exit_confirmed", "promoted", "rolled_back"]


def test_a_serious_incident_shows_its_clock_with_the_legal_source(
    project, manager, org_member, token_client
):
    api = token_client(manager)
    opened = api.post(
        url(project, "incidents/"),
        {"title": "Injury claims routed to motor", "severity": "high"},
        format="json",
    )
    assert opened.status_code == 201
    incident = opened.json()["id"]
    assert opened.json()["clock"] is None
    officer = token_client(org_member(OrganizationMembership.Role.COMPLIANCE_OFFICER))
    aware = timezone.now() - timedelta(hours=1)
    serious = officer.post(
        url(project, f"incidents/{incident}/serious/"),
        {"kind": "other", "aware_at": aware.isoformat()},
        format="json",
    )
    assert serious.status_code == 200, serious.content
    clock = serious.json()["clock"]
    assert clock["days"] == 15
    assert clock["source"] == "Regulation (EU) 2024/1689, Art. 73(2)"
    assert clock["late"] is False
    assert 14 * 24 <= clock["hours_left"] < 15 * 24
    bogus = officer.post(
        url(project, f"incidents/{incident}/serious/"), {"kind": "x"}, format="json"
    )
    assert bogus.status_code == 400


def test_another_organisation_gets_404(project, manager, outsider, token_client):
    v1 = base_version(project, manager)
    client = token_client(outsider)
    assert client.get(url(project, "deployments/")).status_code == 404
    assert (
        client.post(url(project, "deployments/"), plan(v1, 100), format="json").status_code == 404
    )
    assert (
        client.post(
            url(project, "incidents/"), {"title": "x", "severity": "low"}, format="json"
        ).status_code
        == 404
    )
    assert not Deployment.objects.exists()
    assert not Incident.objects.exists()
