"""The Integrate & operate tab in the browser's terms: a plan written as lines, its steps, and
an incident page with the serious-incident countdown."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import ProjectMembership
from models_registry import services
from models_registry.models import Deployment, Incident
from tests.models_registry.adapt_support import base_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, manager):
    client.force_login(manager)
    return client


def test_a_plan_is_written_as_lines_and_a_bad_line_stays_in_the_form(project, manager, signed_in):
    v1 = base_version(project, manager)
    create = reverse("models_registry:deployment-create", args=[project.pk])
    today = timezone.localdate().isoformat()
    bad = signed_in.post(
        create,
        {
            "name": "Prod",
            "environment": "production",
            "model_version": str(v1.pk),
            "stages": "five, soon, ok",
        },
    )
    assert bad.status_code == 400
    assert "Line 1" in bad.content.decode()
    good = signed_in.post(
        create,
        {
            "name": "Prod",
            "environment": "production",
            "model_version": str(v1.pk),
            "stages": f"10, {today}, error rate under 1 %\n100, {today}, stable for a week",
        },
    )
    assert good.status_code == 302
    deployment = Deployment.objects.get()
    assert [s.traffic_percent for s in deployment.stages.all()] == [10, 100]
    own = signed_in.post(
        reverse("models_registry:deployment-step", args=[project.pk, deployment.pk, "approve"])
    )
    assert own.status_code == 403  # its author does not approve it
    unknown = signed_in.post(
        reverse("models_registry:deployment-step", args=[project.pk, deployment.pk, "explode"])
    )
    assert unknown.status_code == 404


def test_an_incident_page_counts_down_to_the_report(project, manager, signed_in, project_member):
    incident = services.incident_open(
        actor=manager, project=project, title="Wrong team", severity="high"
    )
    url = reverse("models_registry:incident-detail", args=[project.pk, incident.pk])
    marked = signed_in.post(
        reverse("models_registry:incident-step", args=[project.pk, incident.pk, "serious"]),
        {"kind": "death"},
    )
    assert marked.status_code == 302
    html = " ".join(signed_in.get(url).content.decode().split())
    assert "report within 10 days of awareness (Regulation (EU) 2024/1689, Art. 73(4))" in html
    assert "9 days (239 hours)" in html  # 240 hours less the seconds since it was marked
    empty = signed_in.post(
        reverse("models_registry:incident-step", args=[project.pk, incident.pk, "resolve"]), {}
    )
    assert empty.status_code == 400
    assert "Say how it was resolved." in empty.content.decode()
    viewer = project_member(project, ProjectMembership.Role.VIEWER)
    signed_in.force_login(viewer)
    denied = signed_in.post(
        reverse("models_registry:incident-step", args=[project.pk, incident.pk, "update"]),
        {"text": "x"},
    )
    assert denied.status_code == 403
    assert Incident.objects.get().updates.count() == 0


def test_the_compliance_workspace_lists_serious_incidents_to_report(
    project, manager, compliance_officer, client
):
    incident = services.incident_open(
        actor=manager, project=project, title="Outage", severity="critical"
    )
    services.incident_mark_serious(
        actor=compliance_officer, incident=incident, kind="widespread_or_critical_infrastructure"
    )
    client.force_login(compliance_officer)
    html = " ".join(client.get(reverse("compliance:workspace")).content.decode().split())
    assert "Serious incidents to report" in html
    assert "Outage</a>" in html
    assert "1 days (47 hours) left" in html
    services.incident_reported(actor=compliance_officer, incident=incident, reference="MSA-1")
    html = client.get(reverse("compliance:workspace")).content.decode()
    assert "Serious incidents to report" not in html
