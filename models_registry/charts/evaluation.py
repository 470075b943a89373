"""Charts of the Adapt tab and the A/B test page, as inline SVG coordinates: a success
criterion's trend across model versions, and each variant's difference from the control."""

from __future__ import annotations

from typing import Any

from models_registry.charts.scale import Scale, points_attribute

# --- the trend of a success criterion across model versions ------------------------------------

TREND_WIDTH, TREND_HEIGHT, TREND_PAD = 320, 120, 16


def trend_chart(points: list[dict[str, Any]], target: Any) -> dict[str, Any]:
    """Where to draw each version's figure and the target line, as inline SVG coordinates:
    versions spread left to right, values scaled between the lowest and highest of the
    figures and the target (with a margin, so a flat line still shows)."""
    inner_w = TREND_WIDTH - 2 * TREND_PAD
    y = Scale.padded(
        [float(p["value"]) for p in points] + [float(target)],
        TREND_HEIGHT - TREND_PAD,
        TREND_PAD,
    )
    step = inner_w / max(len(points) - 1, 1)
    drawn = [
        point
        | {
            "x": round(TREND_PAD + (i * step if len(points) > 1 else inner_w / 2), 1),
            "y": y(float(point["value"])),
        }
        for i, point in enumerate(points)
    ]
    return {
        "width": TREND_WIDTH,
        "height": TREND_HEIGHT,
        "points": drawn,
        "polyline": points_attribute((p["x"], p["y"]) for p in drawn),
        "target_y": y(float(target)),
        "left": TREND_PAD,
        "right": TREND_WIDTH - TREND_PAD,
    }


# --- A/B tests: each variant's difference from the control with its interval, against zero ----

DIFF_WIDTH, DIFF_ROW, DIFF_PAD = 320, 28, 16


def difference_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Where to draw each variant's difference (a dot) and its confidence interval (a bar)
    against the zero line, as inline SVG coordinates: one row per variant, the scale symmetric
    around zero so the side of the line reads at a glance. Rows are dicts with `label`,
    `difference`, `ci_low` and `ci_high` (floats)."""
    reach = max((max(abs(r["ci_low"]), abs(r["ci_high"])) for r in rows), default=0.0) or 1.0
    x = Scale(-reach * 1.1, reach * 1.1, DIFF_PAD, DIFF_WIDTH - DIFF_PAD)
    drawn = [
        row
        | {
            "y": DIFF_PAD + i * DIFF_ROW,
            "x": x(row["difference"]),
            "low_x": x(row["ci_low"]),
            "high_x": x(row["ci_high"]),
        }
        for i, row in enumerate(rows)
    ]
    return {
        "width": DIFF_WIDTH,
        "height": 2 * DIFF_PAD + max(len(rows) - 1, 0) * DIFF_ROW,
        "rows": drawn,
        "zero_x": x(0.0),
        "top": DIFF_PAD // 2,
        "bottom": DIFF_PAD + max(len(rows) - 1, 0) * DIFF_ROW + DIFF_PAD // 2,
        "reach": reach,
    }
