"""The figures of the Integrate & operate charts, from the selectors' rows to the charts'
inputs: monitoring per production metric, the rollout of each deployment, and the
optimisations' trade-off."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from models_registry import selectors
from models_registry.charts import monitoring_chart, rollout_chart, tradeoff_chart
from models_registry.models import Deployment
from models_registry.selectors.experiments import TradeOff
from projects.models import Project


def _duration(stride: timedelta) -> str:
    minutes = round(stride.total_seconds() / 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{max(minutes, 1)} min"


def _monitoring(series: selectors.MetricSeries) -> dict[str, Any]:
    return {
        "series": series,
        "bucket": _duration(series.stride),
        "chart": monitoring_chart(
            buckets=[vars(b) for b in series.buckets],
            thresholds=[
                {
                    "value": t.value,
                    "direction": t.direction,
                    "label": f"{t.get_direction_display().lower()} {t.value.normalize():f}",
                }
                for t in series.thresholds
            ],
            incidents=[
                {
                    "at": i.occurred_at,
                    "title": i.title,
                    "from_threshold": i.threshold_id is not None,
                    "row": i,
                }
                for i in series.incidents
            ],
            since=series.since,
            until=series.until,
        ),
    }


def operate_charts(
    *, project: Project, deployments: Sequence[Deployment], now: datetime | None = None
) -> dict[str, Any]:
    """The monitoring charts of the tab; each deployment gets its `rollout_chart` (drawn from
    the stages and timeline already prefetched, no query)."""
    now = now or timezone.now()
    for deployment in deployments:
        deployment.rollout_chart = rollout_chart(  # type: ignore[attr-defined]
            stages=list(deployment.stages.all()), events=list(deployment.events.all()), now=now
        )
    series = selectors.monitoring_series_list(project=project, now=now)
    return {"monitoring_charts": [_monitoring(s) for s in series]}


def optimisation_chart(optimisations: Sequence[TradeOff]) -> dict[str, Any]:
    """The trade-off chart of a project's optimisation records (no query: the rows are given)."""
    return tradeoff_chart(
        [
            {
                "label": f"{o.record.get_technique_display()}: {o.record.before.name} → "
                f"{o.record.after.name}",
                "metric": o.record.quality_metric,
                "cost_before": o.record.cost_per_1k_before,
                "cost_after": o.record.cost_per_1k_after,
                "quality_before": o.quality_before,
                "quality_after": o.quality_after,
                "latency_before": o.record.latency_p95_before,
                "latency_after": o.record.latency_p95_after,
            }
            for o in optimisations
        ]
    )
