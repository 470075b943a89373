"""Charts of the Integrate & operate tab, as inline SVG coordinates (no script, no library):
a monitored metric over time against its thresholds with the incidents it opened, a
deployment's traffic share over its rollout, and the optimisations' cost-for-quality
trade-off. Each returns `empty` when there is nothing to draw, so the page says so instead."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from models_registry.charts.scale import Frame, Scale, TimeScale, points_attribute

if TYPE_CHECKING:
    from models_registry.models import DeploymentEvent, RolloutStage

MONITORING = Frame(width=640, height=200)
ROLLOUT = Frame(width=640, height=160)
TRADEOFF = Frame(width=480, height=280, left=56, bottom=36)
MARKER = 6  # half the size of a marker shape, px


def _triangle(x: float, y: float) -> str:
    """A downward triangle whose tip is at (x, y): an incident a threshold opened."""
    return points_attribute([(x - MARKER, y - 2 * MARKER), (x + MARKER, y - 2 * MARKER), (x, y)])


def _diamond(x: float, y: float) -> str:
    """A diamond centred on (x, y): an incident someone reported."""
    return points_attribute([(x, y - MARKER), (x + MARKER, y), (x, y + MARKER), (x - MARKER, y)])


def _cross(x: float, y: float) -> str:
    """An ✕ centred on (x, y), as a path: a rollback."""
    m = MARKER
    return f"M{x - m},{y - m} L{x + m},{y + m} M{x - m},{y + m} L{x + m},{y - m}"


# --- a monitored metric over time -----------------------------------------------------------------


def monitoring_chart(
    *,
    buckets: Sequence[dict[str, Any]],
    thresholds: Sequence[dict[str, Any]],
    incidents: Sequence[dict[str, Any]],
    since: datetime,
    until: datetime,
) -> dict[str, Any]:
    """The metric's line through the mean of each time bucket, the band from each bucket's
    lowest to highest value (so a spike the mean smooths away still shows), a dashed line per
    threshold, and a marker at each incident's time: a triangle for one a threshold opened, a
    diamond for one a person reported.

    `buckets` are dicts with `at` (the bucket's start), `mean`, `low`, `high` and `count`, in
    time order; `thresholds` have `value`, `direction` and `label`; `incidents` have `at`,
    `title` and `from_threshold`."""
    f = MONITORING
    x = TimeScale(since, until, f.x0, f.x1)
    values = [float(b[k]) for b in buckets for k in ("low", "high")]
    y = Scale.padded(values + [float(t["value"]) for t in thresholds], f.y0, f.y1)
    drawn = [
        dict(b)
        | {
            "x": x(b["at"]),
            "y": y(float(b["mean"])),
            "y_low": y(float(b["low"])),
            "y_high": y(float(b["high"])),
        }
        for b in buckets
    ]
    band = [(p["x"], p["y_high"]) for p in drawn] + [(p["x"], p["y_low"]) for p in drawn[::-1]]
    lines = [
        dict(t) | {"y": y(float(t["value"])), "label_y": y(float(t["value"])) - 3}
        for t in thresholds
    ]
    markers = []
    for incident in incidents:
        if not x.holds(incident["at"]):
            continue
        at_x = x(incident["at"])
        shape = (
            _triangle(at_x, f.y1 + 2 * MARKER)
            if incident["from_threshold"]
            else _diamond(at_x, f.y1 + MARKER)
        )
        markers.append(dict(incident) | {"x": at_x, "shape": shape})
    return f.as_dict() | {
        "empty": not buckets,
        "points": drawn,
        "polyline": points_attribute((p["x"], p["y"]) for p in drawn),
        "band": points_attribute(band),
        "thresholds": lines,
        "incidents": markers,
        "y_labels": [
            {"y": y(v), "value": v} for v in (y.low + (y.high - y.low) * k / 4 for k in (0, 2, 4))
        ],
        "since": since,
        "until": until,
        "latest": buckets[-1] if buckets else None,
    }


# --- a deployment's rollout -------------------------------------------------------------------

# The timeline kinds that change the share of traffic the deployment serves.
_SETS_TRAFFIC = {"started", "promoted", "completed"}


def _start_of(day: Any) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def rollout_chart(
    *, stages: Sequence[RolloutStage], events: Sequence[DeploymentEvent], now: datetime
) -> dict[str, Any]:
    """The planned share of traffic as a dashed step line across the stages' start dates,
    and the share actually served as a solid step line from the timeline: up at each start
    and promotion, down to 0 at a rollback (an ✕), a bar pair where it was paused."""
    f = ROLLOUT
    if not stages:
        return f.as_dict() | {"empty": True}
    times = [_start_of(s.starts_on) for s in stages] + [e.created_at for e in events] + [now]
    since = min(times)
    until = max(max(times), since + timedelta(days=1))
    until += (until - since) * 0.05  # room after the last step
    x = TimeScale(since, until, f.x0, f.x1)
    y = Scale(0, 100, f.y0, f.y1)

    def steps(changes: list[tuple[datetime, int]], end: datetime) -> str:
        path: list[tuple[float, float]] = []
        for i, (at, percent) in enumerate(changes):
            if path:
                path.append((x(at), path[-1][1]))
            path.append((x(at), y(percent)))
            following = changes[i + 1][0] if i + 1 < len(changes) else end
            path.append((x(following), y(percent)))
        return points_attribute(path)

    planned = [(_start_of(s.starts_on), s.traffic_percent) for s in stages]
    changes: list[dict[str, Any]] = []  # each change of the share served, for the table too
    marks: list[dict[str, Any]] = []
    percent = 0
    for event in events:
        if event.kind == "paused":
            marks.append(_mark(event, x(event.created_at), y(percent)))
        elif event.kind == "rolled_back":
            marks.append(_mark(event, x(event.created_at), y(percent)))
            percent = 0
        elif event.kind in _SETS_TRAFFIC and event.traffic_percent:
            percent = event.traffic_percent
            marks.append(_mark(event, x(event.created_at), y(percent)))
        else:
            continue
        if event.kind != "paused":
            changes.append(
                {"at": event.created_at, "percent": percent, "label": event.get_kind_display()}
            )
    served = [(c["at"], c["percent"]) for c in changes]
    return f.as_dict() | {
        "empty": False,
        "planned": steps(planned, until),
        "served": steps(served, now) if served else "",
        "marks": marks,
        "y_labels": [{"y": y(v), "value": v} for v in (0, 50, 100)],
        "since": since,
        "until": until,
        "now_x": x(now),
        "stages": list(stages),
        "changes": changes,
        "percent_now": percent,
    }


def _mark(event: DeploymentEvent, at_x: float, at_y: float) -> dict[str, Any]:
    """A step of the timeline on the chart: an ✕ for a rollback, a pause sign for a pause, a
    dot (drawn by the template) for a start, promotion or completion."""
    kind, shape = event.kind, ""
    if kind == "rolled_back":
        shape = _cross(at_x, at_y)
    elif kind == "paused":
        # two upright bars: the usual pause sign
        shape = (
            f"M{at_x - 3},{at_y - MARKER} V{at_y + MARKER} M{at_x + 3},{at_y - MARKER} "
            f"V{at_y + MARKER}"
        )
    return {
        "kind": kind,
        "label": event.get_kind_display(),
        "at": event.created_at,
        "note": event.note,
        "percent": event.traffic_percent,
        "x": at_x,
        "y": at_y,
        "shape": shape,
    }


# --- optimisations: what was paid in quality for what was saved -----------------------------


def tradeoff_chart(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One arrow per optimisation from (cost, quality) before to (cost, quality) after, cost
    per 1,000 requests across and the quality metric up: an arrow pointing left and down
    bought a lower cost with quality. Rows are dicts with `label`, `cost_before`,
    `cost_after`, `quality_before` and `quality_after` (None where not known: such a row
    is left off the chart and listed as not plotted)."""
    f = TRADEOFF
    figures = ("cost_before", "cost_after", "quality_before", "quality_after")
    plotted = [r for r in rows if all(r.get(k) is not None for k in figures)]
    if not plotted:
        return f.as_dict() | {"empty": True, "arrows": [], "left_off": list(rows)}
    x = Scale.padded(
        [float(r[k]) for r in plotted for k in ("cost_before", "cost_after")], f.x0, f.x1
    )
    y = Scale.padded(
        [float(r[k]) for r in plotted for k in ("quality_before", "quality_after")], f.y0, f.y1
    )
    arrows = []
    for number, row in enumerate(plotted, start=1):
        cost_before, cost_after = float(row["cost_before"]), float(row["cost_after"])
        quality_before, quality_after = float(row["quality_before"]), float(row["quality_after"])
        arrows.append(
            dict(row)
            | {
                "number": number,
                "x1": x(cost_before),
                "y1": y(quality_before),
                "x2": x(cost_after),
                "y2": y(quality_after),
                "cost_change": cost_after - cost_before,
                "cost_change_percent": (
                    round(100 * (cost_after - cost_before) / cost_before, 1)
                    if cost_before
                    else None
                ),
                "quality_change": round(quality_after - quality_before, 6),
                "quality_lost": quality_after < quality_before,
            }
        )
    return f.as_dict() | {
        "empty": False,
        "arrows": arrows,
        "left_off": [r for r in rows if r not in plotted],
        "x_labels": [{"x": x(v), "value": v} for v in (x.low, (x.low + x.high) / 2, x.high)],
        "y_labels": [{"y": y(v), "value": v} for v in (y.low, (y.low + y.high) / 2, y.high)],
    }
