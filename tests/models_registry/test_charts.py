"""The server-side charts: coordinates that say what the figures say (a threshold's line at its
value, an incident's marker at its time), PostgreSQL's downsampling bounding what is drawn,
well-formed accessible SVG with its table, and a clear message when there is nothing yet."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from core.numbers import plain_number
from models_registry import selectors
from models_registry.charts import monitoring_chart, rollout_chart, tradeoff_chart
from models_registry.charts.operate import MONITORING
from models_registry.charts.scale import Scale
from models_registry.models import (
    DeploymentEvent,
    MonitoringBatch,
    MonitoringPoint,
    RolloutStage,
)
from models_registry.views.operate_charts import operate_charts
from tests.models_registry.adapt_support import base_version
from tests.models_registry.operate_chart_support import SVG, production_deployment, svg_elements

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
SINCE = NOW - timedelta(days=30)


def _bucket(at, value, low=None, high=None):
    return {"at": at, "mean": value, "low": low or value, "high": high or value, "count": 1}


def test_a_scale_maps_its_domain_onto_its_range_upside_down_for_y():
    y = Scale(0, 100, 200, 0)
    assert (y(0), y(50), y(100)) == (200, 100, 0)
    assert Scale(-1, 1, 0, 10, clamp=True)(5) == 10


def test_the_threshold_line_sits_at_the_threshold_value_and_the_incident_at_its_time():
    buckets = [_bucket(SINCE + timedelta(days=d), 400 + d) for d in range(30)]
    incident_at = SINCE + timedelta(days=20)
    chart = monitoring_chart(
        buckets=buckets,
        thresholds=[{"value": Decimal(500), "direction": "above", "label": "above 500"}],
        incidents=[{"at": incident_at, "title": "Slow", "from_threshold": True}],
        since=SINCE,
        until=NOW,
    )
    # the y scale runs from 400 (the lowest point) to 500 (the threshold), padded by 10 %
    low, high = 400 - 10, 500 + 10
    expected_y = MONITORING.y0 + (MONITORING.y1 - MONITORING.y0) * (500 - low) / (high - low)
    assert chart["thresholds"][0]["y"] == round(expected_y, 1)
    # a point of value 429 lies below (larger SVG y than) the threshold line
    assert chart["points"][29]["y"] > chart["thresholds"][0]["y"]
    [marker] = chart["incidents"]
    expected_x = MONITORING.x0 + (MONITORING.x1 - MONITORING.x0) * 20 / 30
    assert marker["x"] == round(expected_x, 1)
    # a threshold's incident is a triangle whose tip is at the incident's x
    assert f"{marker['x']},{MONITORING.y1 + 12}" in marker["shape"]


def test_an_incident_outside_the_window_gets_no_marker():
    chart = monitoring_chart(
        buckets=[_bucket(SINCE + timedelta(days=1), 1)],
        thresholds=[],
        incidents=[{"at": SINCE - timedelta(days=1), "title": "Old", "from_threshold": False}],
        since=SINCE,
        until=NOW,
    )
    assert chart["incidents"] == []


def test_empty_charts_say_so():
    assert monitoring_chart(buckets=[], thresholds=[], incidents=[], since=SINCE, until=NOW)[
        "empty"
    ]
    assert rollout_chart(stages=[], events=[], now=NOW)["empty"]
    empty = tradeoff_chart([{"label": "Q", "cost_before": 1, "cost_after": None}])
    assert empty["empty"]
    assert [r["label"] for r in empty["left_off"]] == ["Q"]


def test_a_rollback_drops_the_served_share_to_zero():
    stages = [
        RolloutStage(position=1, traffic_percent=10, starts_on=date(2026, 11, 1)),
        RolloutStage(position=2, traffic_percent=50, starts_on=date(2026, 11, 10)),
    ]
    events = [
        DeploymentEvent(kind=kind, traffic_percent=p, created_at=datetime(2026, 11, d, tzinfo=UTC))
        for kind, p, d in (
            ("started", 10, 1),
            ("promoted", 50, 10),
            ("paused", 50, 12),
            ("rolled_back", 50, 14),
        )
    ]
    chart = rollout_chart(stages=stages, events=events, now=NOW)
    assert [(c["label"], c["percent"]) for c in chart["changes"]] == [
        ("Rollout started", 10),
        ("Promoted", 50),
        ("Rolled back", 0),
    ]
    assert chart["percent_now"] == 0
    kinds = [m["kind"] for m in chart["marks"]]
    assert kinds == ["started", "promoted", "paused", "rolled_back"]
    rollback = chart["marks"][-1]
    assert rollback["shape"].startswith("M")  # the ✕ path
    # the served line ends at 0 % (the bottom of the plot) on the right
    assert chart["served"].split()[-1].endswith(f",{chart['y0']}.0")


def test_a_trade_off_arrow_goes_from_before_to_after():
    chart = tradeoff_chart(
        [
            {
                "label": "Quantization",
                "metric": "accuracy",
                "cost_before": Decimal("2.0"),
                "cost_after": Decimal("0.5"),
                "quality_before": Decimal("0.93"),
                "quality_after": Decimal("0.91"),
            }
        ]
    )
    [arrow] = chart["arrows"]
    assert arrow["x2"] < arrow["x1"]  # cheaper: to the left
    assert arrow["y2"] > arrow["y1"]  # lower quality: further down
    assert arrow["quality_lost"]
    assert arrow["cost_change_percent"] == -75.0


@pytest.mark.django_db
def test_downsampling_in_postgresql_bounds_the_plotted_points(project, manager):
    # given 3,000 points spread over the 30 days (one every 14.4 minutes)
    version = base_version(project, manager)
    deployment = production_deployment(project, manager, version, points=1, end=NOW)
    batch = MonitoringBatch.objects.create(deployment=deployment, batch_id="many", points=3000)
    step = timedelta(days=30) / 3000
    MonitoringPoint.objects.bulk_create(
        MonitoringPoint(
            deployment=deployment,
            batch=batch,
            metric="latency_p95_ms",
            at=SINCE + step * i,
            value=Decimal(300 + i % 7),
        )
        for i in range(3000)
    )
    # when the series is read with at most 300 buckets
    [series] = selectors.monitoring_series_list(project=project, now=NOW, max_buckets=300)
    # then PostgreSQL gave at most 300 buckets, which hold every point
    assert 290 <= len(series.buckets) <= 300
    assert sum(b.count for b in series.buckets) == 3001
    assert all(b.low <= b.mean <= b.high for b in series.buckets)
    assert max(b.high for b in series.buckets) == Decimal(600)  # the breach at the end
    [incident] = series.incidents
    assert incident.occurred_at == NOW


@pytest.mark.django_db
def test_the_charts_render_as_well_formed_svg_with_their_tables(project, manager, rf):
    version = base_version(project, manager)
    deployment = production_deployment(project, manager, version, points=6, end=NOW)
    deployments = list(selectors.deployment_list(project=project))
    context = operate_charts(project=project, deployments=deployments, now=NOW)
    html = render_to_string(
        "models_registry/includes/operate_charts_monitoring.html", context | {"project": project}
    ) + render_to_string(
        "models_registry/includes/operate_charts_rollout.html", {"d": deployments[0]}
    )
    monitoring, rollout = svg_elements(html)
    for svg in (monitoring, rollout):
        assert svg.get("role") == "img"
        ids = svg.get("aria-labelledby", "").split()
        title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
        assert title is not None
        assert desc is not None
        assert title.text
        assert desc.text
        assert [title.get("id"), desc.get("id")] == ids
    threshold = monitoring.find(f"{SVG}line[@class='threshold-line']")
    assert threshold is not None
    assert threshold.get("stroke-dasharray")  # dashed, not only coloured
    assert monitoring.findall(f"{SVG}polygon[@class='incident-marker']")
    # the table lists every bucket's figures, the 600 of the breach among them
    [series] = [m["series"] for m in context["monitoring_charts"]]
    assert len(series.buckets) >= 2
    for bucket in series.buckets:
        row = "".join(f"<td>{plain_number(v)}</td>" for v in (bucket.mean, bucket.low, bucket.high))
        assert row + f"<td>{bucket.count}</td>" in html
    assert "<td>600</td>" in html
    assert "Rollout started" in html
    assert deployment.name in html


@pytest.mark.django_db
def test_a_metric_without_points_says_no_data_yet(project, manager):
    version = base_version(project, manager)
    production_deployment(project, manager, version, points=2, end=NOW - timedelta(days=60))
    context = operate_charts(project=project, deployments=[], now=NOW)
    html = render_to_string(
        "models_registry/includes/operate_charts_monitoring.html", context | {"project": project}
    )
    assert "No data yet: no latency_p95_ms point in the last 30 days." in html
    assert "<svg" not in html
