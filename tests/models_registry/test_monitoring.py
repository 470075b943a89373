"""Monitoring as a production system pushes it: thresholds, 10,000 points in one request
(whole or refused whole, idempotent by batch id), and a breach that opens exactly one
incident."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import ProjectMembership
from models_registry import services
from models_registry.models import Incident, MonitoringPoint
from models_registry.services.monitoring import MAX_POINTS
from tests.models_registry.adapt_support import base_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def deployment(project, manager):
    return services.deployment_plan(
        actor=manager,
        project=project,
        name="Production",
        environment="production",
        model_version=base_version(project, manager),
        stages=[{"traffic_percent": 100, "starts_on": timezone.localdate(), "exit_criteria": "ok"}],
    )


@pytest.fixture
def system(project, project_member, token_client):
    """The production system's client: a contributor's personal token."""
    return token_client(project_member(project, ProjectMembership.Role.CONTRIBUTOR))


def points_url(deployment):
    return f"/api/v1/projects/{deployment.project_id}/operate/deployments/{deployment.pk}/points/"


def series(metric, values, *, end=None, step=timedelta(seconds=1)):
    end = end or timezone.now() - timedelta(minutes=1)
    return [
        {"metric": metric, "at": (end - step * (len(values) - 1 - i)).isoformat(), "value": v}
        for i, v in enumerate(values)
    ]


def test_ten_thousand_points_in_one_request_are_recorded_once(deployment, system):
    batch = {
        "batch_id": "prod-2026-12-02T10",
        "points": series("latency_p95_ms", [420] * MAX_POINTS),
    }
    first = system.post(points_url(deployment), batch, format="json")
    assert first.status_code == 201, first.content
    assert first.json()["points"] == MAX_POINTS
    again = system.post(points_url(deployment), batch, format="json")
    assert again.status_code == 200
    assert again.json()["created"] is False
    assert MonitoringPoint.objects.count() == MAX_POINTS


@pytest.mark.parametrize(
    ("points", "message"),
    [
        (series("error_rate", [0.01] * (MAX_POINTS + 1)), "At most 10,000"),
        (series("error_rate", [0.01], end=timezone.now() + timedelta(hours=1)), "future"),
        (series("error_rate", [0.01, "NaN"]), "finite"),
        ([{"metric": "x", "at": "yesterday", "value": 1}], "time zone"),
        ([{"metric": "x", "at": "2026-12-01T10:00:00+00:00", "value": 1}] * 2, "twice"),
    ],
)
def test_a_bad_batch_is_refused_whole(deployment, system, points, message):
    response = system.post(
        points_url(deployment), {"batch_id": "b", "points": points}, format="json"
    )
    assert response.status_code == 400
    assert message in str(response.json())
    assert not MonitoringPoint.objects.exists()


def test_a_breach_opens_exactly_one_incident_and_a_resolved_one_lets_the_next_open(
    deployment, system, manager
):
    services.monitoring_threshold_set(
        actor=manager,
        deployment=deployment,
        metric="error_rate",
        direction="above",
        value=Decimal("0.05"),
    )
    calm = system.post(
        points_url(deployment),
        {"batch_id": "1", "points": series("error_rate", [0.01, 0.02])},
        format="json",
    )
    assert calm.json()["incidents_opened"] == []
    end = timezone.now() - timedelta(seconds=30)
    burst = system.post(
        points_url(deployment),
        {"batch_id": "2", "points": series("error_rate", [0.09, 0.12, 0.2], end=end)},
        format="json",
    )
    assert len(burst.json()["incidents_opened"]) == 1
    more = system.post(
        points_url(deployment),
        {"batch_id": "3", "points": series("error_rate", [0.3], end=end + timedelta(seconds=5))},
        format="json",
    )
    assert more.json()["incidents_opened"] == []
    incident = Incident.objects.get()
    assert (incident.source, incident.severity, incident.deployment) == (
        "monitoring",
        "high",
        deployment,
    )
    assert incident.title == "error_rate above 0.05 on Production"
    services.incident_resolve(
        actor=manager, incident=incident, resolution="Rolled the prompt back."
    )
    again = system.post(
        points_url(deployment),
        {"batch_id": "4", "points": series("error_rate", [0.4], end=end + timedelta(seconds=10))},
        format="json",
    )
    assert len(again.json()["incidents_opened"]) == 1
    assert Incident.objects.count() == 2


def test_a_threshold_for_minutes_waits_until_the_breach_has_lasted(deployment, system, manager):
    services.monitoring_threshold_set(
        actor=manager,
        deployment=deployment,
        metric="latency_p95_ms",
        direction="above",
        value=Decimal("1000"),
        for_minutes=10,
    )
    start = timezone.now() - timedelta(minutes=30)
    short = series(
        "latency_p95_ms", [1500] * 5, end=start + timedelta(minutes=4), step=timedelta(minutes=1)
    )
    assert (
        system.post(
            points_url(deployment), {"batch_id": "a", "points": short}, format="json"
        ).json()["incidents_opened"]
        == []
    )
    longer = series(
        "latency_p95_ms", [1600] * 7, end=start + timedelta(minutes=11), step=timedelta(minutes=1)
    )
    opened = system.post(points_url(deployment), {"batch_id": "b", "points": longer}, format="json")
    assert len(opened.json()["incidents_opened"]) == 1


def test_only_managers_set_thresholds_and_outsiders_get_404(
    deployment, system, outsider, token_client
):
    url = (
        f"/api/v1/projects/{deployment.project_id}/operate/deployments/{deployment.pk}/thresholds/"
    )
    body = {"metric": "error_rate", "direction": "above", "value": "0.05"}
    assert system.post(url, body, format="json").status_code == 403
    assert (
        token_client(outsider)
        .post(points_url(deployment), {"batch_id": "x", "points": []}, format="json")
        .status_code
        == 404
    )


def test_a_body_over_the_size_limit_is_a_problem_saying_so(deployment, system, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    big = {"batch_id": "big", "points": series("error_rate", [0.01] * 2_000)}
    response = system.post(points_url(deployment), big, format="json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert "larger than the 0.1 MB" in response.json()["detail"]
    assert not MonitoringPoint.objects.exists()
