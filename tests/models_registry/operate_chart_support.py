"""Rows for the operate tab's charts, built directly (the charts only read them): a production
deployment with a threshold, a month of points and an incident its breach opened."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from models_registry.models import (
    Deployment,
    DeploymentEvent,
    Incident,
    ModelVersion,
    MonitoringBatch,
    MonitoringPoint,
    MonitoringThreshold,
    RolloutStage,
)
from projects.models import Project


def production_deployment(
    project: Project,
    manager: User,
    version: ModelVersion,
    *,
    name: str = "Production",
    points: int = 48,
    end: datetime | None = None,
) -> Deployment:
    """A rolled-out production deployment watched on latency (threshold above 500), with
    `points` hourly points up to `end` and one incident opened at the last point."""
    end = end or timezone.now() - timedelta(hours=1)
    deployment = Deployment.objects.create(
        project=project,
        name=name,
        environment="production",
        model_version=version,
        created_by=manager,
        status="rolling_out",
        current_stage=2,
    )
    for position, percent in ((1, 10), (2, 50), (3, 100)):
        RolloutStage.objects.create(
            deployment=deployment,
            position=position,
            traffic_percent=percent,
            starts_on=date(2026, 11, position * 5),
            exit_criteria="Stable",
        )
    for kind, percent in (("planned", 0), ("started", 10), ("promoted", 50)):
        DeploymentEvent.objects.create(
            deployment=deployment, kind=kind, traffic_percent=percent, actor=manager
        )
    threshold = MonitoringThreshold.objects.create(
        deployment=deployment,
        metric="latency_p95_ms",
        direction="above",
        value=Decimal(500),
        created_by=manager,
    )
    batch = MonitoringBatch.objects.create(
        deployment=deployment, batch_id=f"{name}-1", points=points, posted_by=manager
    )
    MonitoringPoint.objects.bulk_create(
        MonitoringPoint(
            deployment=deployment,
            batch=batch,
            metric="latency_p95_ms",
            at=end - timedelta(hours=points - 1 - i),
            value=Decimal(400 + (i % 5) * 10 + (200 if i == points - 1 else 0)),
        )
        for i in range(points)
    )
    Incident.objects.create(
        project=project,
        title=f"latency_p95_ms above 500 on {name}",
        severity="high",
        source="monitoring",
        deployment=deployment,
        model_version=version,
        occurred_at=end,
        threshold=threshold,
        created_by=manager,
    )
    return deployment


SVG = "{http://www.w3.org/2000/svg}"


def svg_elements(html: str) -> list[ET.Element]:
    """The chart SVGs of a page, parsed: a page that is not well-formed SVG fails here. (The
    markup is our own page's, so the stdlib parser is safe enough.)"""
    return [
        ET.fromstring(s)  # noqa: S314
        for s in re.findall(r"<svg xmlns=.*?</svg>", html, re.S)
    ]
