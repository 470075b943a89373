"""Monitoring of deployments: thresholds per metric, points pushed in bulk by production
systems (whole or refused whole, idempotent by batch id), and a breach that opens one
incident — not one per point — while that incident is unresolved."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from accounts.permissions import Perm, require
from audit.writer import audit_record
from core.numbers import plain_number
from models_registry.audit_actions import ModelsRegistryAction as Action
from models_registry.evaluating import finite_decimal
from models_registry.models import (
    Deployment,
    Incident,
    MonitoringBatch,
    MonitoringPoint,
    MonitoringThreshold,
)
from models_registry.signals import incident_opened

MAX_POINTS = 10_000
FUTURE_SLACK = timedelta(minutes=5)  # clocks of production systems drift a little
TOO_MANY = f"At most {MAX_POINTS:,} points in one batch."
NO_POINTS = "A batch has at least one point."
IN_FUTURE = "Point {n}: its time is in the future."
NOT_AWARE = "Point {n}: give its time with a time zone."
BAD_VALUE = "Point {n}: its value must be a finite number."
NO_METRIC = "Point {n}: name its metric."
TWICE = "Point {n}: {metric} at {at} is given twice."
ALREADY = "A point of this batch is already recorded (same metric and time) under another batch."
BATCH_TAKEN = "This batch id was already posted with other points."


@transaction.atomic
def monitoring_threshold_set(
    *,
    actor: User,
    deployment: Deployment,
    metric: str,
    direction: str,
    value: Decimal,
    for_minutes: int = 0,
    severity: str = Incident.Severity.HIGH,
) -> MonitoringThreshold:
    """Set (or change) the limit on a metric of a deployment."""
    require(actor, Perm.PROJECT_MANAGE, deployment)
    threshold = MonitoringThreshold.objects.filter(
        deployment=deployment, metric=metric, direction=direction
    ).first() or MonitoringThreshold(
        deployment=deployment, metric=metric, direction=direction, created_by=actor
    )
    threshold.value, threshold.for_minutes, threshold.severity = value, for_minutes, severity
    threshold.full_clean()
    threshold.save()
    audit_record(
        actor=actor,
        action=Action.MONITORING_THRESHOLD_SET,
        target=threshold,
        project=deployment.project,
        data={
            "deployment": str(deployment.pk),
            "metric": metric,
            "direction": direction,
            "value": str(value),
            "for_minutes": for_minutes,
        },
    )
    return threshold


def _rows(
    points: Sequence[Mapping[str, Any]], now: datetime
) -> list[tuple[str, datetime, Decimal]]:
    if not points:
        raise ValidationError({"points": NO_POINTS})
    if len(points) > MAX_POINTS:
        raise ValidationError({"points": TOO_MANY})
    rows, seen, problems = [], set(), []
    for n, point in enumerate(points, start=1):
        metric, at = str(point.get("metric", "")).strip(), point.get("at")
        if not metric:
            problems.append(NO_METRIC.format(n=n))
            continue
        if not isinstance(at, datetime) or timezone.is_naive(at):
            problems.append(NOT_AWARE.format(n=n))
            continue
        if at > now + FUTURE_SLACK:
            problems.append(IN_FUTURE.format(n=n))
            continue
        try:
            value = finite_decimal(point.get("value"))
        except ValueError:
            problems.append(BAD_VALUE.format(n=n))
            continue
        if (metric, at) in seen:
            problems.append(TWICE.format(n=n, metric=metric, at=at.isoformat()))
            continue
        seen.add((metric, at))
        rows.append((metric, at, value))
        if len(problems) >= 20:
            break  # enough to act on; a batch is refused whole anyway
    if problems:
        raise ValidationError({"points": problems})
    return rows


def _breached(threshold: MonitoringThreshold) -> bool:
    """Is the metric beyond its limit now, and has it been for at least `for_minutes`?"""
    points = MonitoringPoint.objects.filter(
        deployment_id=threshold.deployment_id, metric=threshold.metric
    ).order_by("-at")
    latest = points.first()
    if latest is None or not threshold.breached_by(latest.value):
        return False
    within = (
        Q(value__lte=threshold.value)
        if threshold.direction == MonitoringThreshold.Direction.ABOVE
        else Q(value__gte=threshold.value)
    )
    last_ok = points.filter(within).values_list("at", flat=True).first()
    run = MonitoringPoint.objects.filter(
        deployment_id=threshold.deployment_id, metric=threshold.metric
    )
    if last_ok is not None:
        run = run.filter(at__gt=last_ok)
    started = run.order_by("at").values_list("at", flat=True).first()
    return started is not None and latest.at - started >= timedelta(minutes=threshold.for_minutes)


def _open_for_breach(actor: User, threshold: MonitoringThreshold) -> Incident | None:
    deployment = threshold.deployment
    if (
        Incident.objects.filter(threshold=threshold)
        .exclude(status=Incident.Status.RESOLVED)
        .exists()
    ):
        return None  # already open: the breach goes on, it is not a new incident
    latest = (
        MonitoringPoint.objects.filter(deployment=deployment, metric=threshold.metric)
        .order_by("-at")
        .first()
    )
    if latest is None:
        return None
    title = (
        f"{threshold.metric} {threshold.get_direction_display().lower()} "
        f"{plain_number(threshold.value)} on {deployment.name}"
    )
    try:
        with transaction.atomic():
            incident = Incident.objects.create(
                project=deployment.project,
                title=title[:200],
                description=f"Latest {plain_number(latest.value)} at {latest.at.isoformat()}.",
                severity=threshold.severity,
                source=Incident.Source.MONITORING,
                deployment=deployment,
                model_version=deployment.model_version,
                occurred_at=latest.at,
                threshold=threshold,
                created_by=actor,
            )
    except IntegrityError:  # a concurrent batch opened it first
        return None
    audit_record(
        actor=actor,
        action=Action.INCIDENT_OPENED,
        target=incident,
        project=deployment.project,
        data={
            "severity": incident.severity,
            "source": "monitoring",
            "threshold": str(threshold.pk),
        },
    )
    incident_opened.send(sender=Incident, incident=incident, actor=actor)
    return incident


@transaction.atomic
def monitoring_ingest(
    *, actor: User, deployment: Deployment, batch_id: str, points: Sequence[Mapping[str, Any]]
) -> tuple[MonitoringBatch, bool, list[Incident]]:
    """Record a batch of points whole or not at all; returns the batch, whether it is new,
    and the incidents its breaches opened. A batch id posted again returns the first."""
    require(actor, Perm.PROJECT_CONTRIBUTE, deployment)
    locked = Deployment.objects.select_for_update().get(pk=deployment.pk)
    existing = MonitoringBatch.objects.filter(deployment=locked, batch_id=batch_id).first()
    if existing is not None:
        if existing.points != len(points):
            raise ValidationError({"batch_id": BATCH_TAKEN})
        return existing, False, []
    rows = _rows(points, timezone.now())
    batch = MonitoringBatch(deployment=locked, batch_id=batch_id, points=len(rows), posted_by=actor)
    batch.full_clean()
    batch.save()
    try:
        with transaction.atomic():
            MonitoringPoint.objects.bulk_create(
                MonitoringPoint(deployment=locked, batch=batch, metric=m, at=at, value=v)
                for m, at, v in rows
            )
    except IntegrityError as exc:
        raise ValidationError({"points": ALREADY}) from exc
    audit_record(
        actor=actor,
        action=Action.MONITORING_BATCH_RECORDED,
        target=batch,
        project=locked.project,
        data={"deployment": str(locked.pk), "points": len(rows), "batch_id": batch_id},
    )
    metrics = {metric for metric, _, _ in rows}
    opened = [
        incident
        for threshold in MonitoringThreshold.objects.filter(
            deployment=locked, metric__in=metrics
        ).select_related("deployment__project", "deployment__model_version")
        if _breached(threshold)
        for incident in [_open_for_breach(actor, threshold)]
        if incident is not None
    ]
    return batch, True, opened
