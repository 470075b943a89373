"""Reads behind the operate tab's monitoring charts: per production deployment and
thresholded metric, the last days of points downsampled in PostgreSQL, the thresholds and the
incidents — three queries for the whole tab, however many deployments and points."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Avg,
    Count,
    DateTimeField,
    Exists,
    Func,
    Max,
    Min,
    OuterRef,
    Value,
)
from django.db.models.expressions import Combinable
from django.utils import timezone

from models_registry.models import Deployment, Incident, MonitoringPoint, MonitoringThreshold
from projects.models import Project

WINDOW_DAYS = 30
MAX_BUCKETS = 300


class DateBin(Func):
    """PostgreSQL's `date_bin(stride, at, origin)`: the start of the stride-wide bin an instant
    falls in, counting from origin. SQLite (the quickstart) has no date_bin: the same bin is
    computed from Unix seconds."""

    function = "date_bin"
    output_field = DateTimeField()

    def __init__(self, stride: timedelta, expression: Combinable | str, origin: datetime):
        self.stride, self.origin = stride, origin
        super().__init__(Value(stride), expression, Value(origin))

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        at_sql, params = compiler.compile(self.source_expressions[1])
        seconds, origin = int(self.stride.total_seconds()), int(self.origin.timestamp())
        sql = (
            f"datetime({origin} + ((CAST(strftime('%%s', {at_sql}) AS INTEGER) - {origin})"
            f" / {seconds}) * {seconds}, 'unixepoch')"
        )
        return sql, params


@dataclass(frozen=True)
class Bucket:
    """The points of one metric in one time bin: their mean, lowest, highest and number."""

    at: datetime
    mean: Decimal
    low: Decimal
    high: Decimal
    count: int


@dataclass
class MetricSeries:
    """One chart's worth: a production deployment's metric, its thresholds, its points in
    buckets and the incidents of the window."""

    deployment: Deployment
    metric: str
    since: datetime
    until: datetime
    stride: timedelta
    thresholds: list[MonitoringThreshold] = field(default_factory=list)
    buckets: list[Bucket] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)


def bucket_stride(since: datetime, until: datetime, max_buckets: int = MAX_BUCKETS) -> timedelta:
    """The whole-second width of a bin that cuts [since, until] into at most `max_buckets`."""
    seconds = int((until - since).total_seconds())
    return timedelta(seconds=seconds // max_buckets + 1)


def monitoring_series_list(
    *,
    project: Project,
    now: datetime | None = None,
    days: int = WINDOW_DAYS,
    max_buckets: int = MAX_BUCKETS,
) -> list[MetricSeries]:
    """Per production deployment of the project and metric with a threshold, the last `days`
    of points in at most `max_buckets` time bins (mean, min and max per bin, aggregated by
    PostgreSQL), with the thresholds of the metric and the incidents of the deployment opened
    in the window (by that metric's thresholds or by a person)."""
    until = now or timezone.now()
    since = until - timedelta(days=days)
    stride = bucket_stride(since, until, max_buckets)
    thresholds = list(
        MonitoringThreshold.objects.filter(
            deployment__project=project, deployment__environment=Deployment.Environment.PRODUCTION
        )
        .select_related("deployment")
        .order_by("-deployment__created_at", "metric", "direction")
    )
    if not thresholds:
        return []
    charts: dict[tuple[Any, str], MetricSeries] = {}
    for threshold in thresholds:
        key = (threshold.deployment_id, threshold.metric)
        if key not in charts:
            charts[key] = MetricSeries(threshold.deployment, threshold.metric, since, until, stride)
        charts[key].thresholds.append(threshold)
    thresholded = MonitoringThreshold.objects.filter(
        deployment_id=OuterRef("deployment_id"), metric=OuterRef("metric")
    )
    rows = (
        MonitoringPoint.objects.filter(
            deployment__project=project,
            deployment__environment=Deployment.Environment.PRODUCTION,
            at__gte=since,
            at__lte=until,
        )
        .filter(Exists(thresholded))
        .annotate(bucket=DateBin(stride, "at", since))
        .values("deployment_id", "metric", "bucket")
        .annotate(mean=Avg("value"), low=Min("value"), high=Max("value"), count=Count("id"))
        .order_by("deployment_id", "metric", "bucket")
    )
    for row in rows:
        series = charts.get((row["deployment_id"], row["metric"]))
        if series is not None:
            series.buckets.append(
                Bucket(row["bucket"], row["mean"], row["low"], row["high"], row["count"])
            )
    metric_of = {t.pk: t.metric for t in thresholds}
    by_deployment: defaultdict[Any, list[Incident]] = defaultdict(list)
    for incident in Incident.objects.filter(
        deployment_id__in={t.deployment_id for t in thresholds},
        occurred_at__gte=since,
        occurred_at__lte=until,
    ).order_by("occurred_at"):
        by_deployment[incident.deployment_id].append(incident)
    for (deployment_id, metric), series in charts.items():
        series.incidents = [
            i
            for i in by_deployment[deployment_id]
            if i.threshold_id is None or metric_of.get(i.threshold_id) == metric
        ]
    return list(charts.values())
