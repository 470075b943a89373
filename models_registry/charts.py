"""The sensitivity chart beside the matrix, drawn as inline SVG (no script, no library
download): per criterion, how far its weight may move before another candidate wins."""

from __future__ import annotations

from typing import Any

from models_registry.scoring import SENSITIVITY_POINTS

WIDTH = 300  # px of the bar area
SPAN = 50  # points shown on each side of today's weight


def _x(points: float) -> float:
    clamped = max(-SPAN, min(SPAN, points))
    return round(WIDTH / 2 + clamped * (WIDTH / 2) / SPAN, 1)


def sensitivity_rows(matrix: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per criterion of a matrix as `matrix_as_dict` gives it: where the ±10-point
    band lies, and where (if anywhere) the winner changes."""
    rows = []
    for entry in matrix.get("sensitivity", []):
        flip = entry["flip_at_points"]
        rows.append(
            entry
            | {
                "band_x": _x(-SENSITIVITY_POINTS),
                "band_width": round(_x(SENSITIVITY_POINTS) - _x(-SENSITIVITY_POINTS), 1),
                "centre_x": _x(0),
                "flip_x": None if flip is None else _x(flip),
                "off_chart": flip is not None and abs(flip) > SPAN,
            }
        )
    return rows


CHART = {"width": WIDTH, "span": SPAN, "left_label": f"−{SPAN}", "right_label": f"+{SPAN}"}


# --- the trend of a success criterion across model versions ------------------------------------

TREND_WIDTH, TREND_HEIGHT, TREND_PAD = 320, 120, 16


def trend_chart(points: list[dict[str, Any]], target: Any) -> dict[str, Any]:
    """Where to draw each version's figure and the target line, as inline SVG coordinates:
    versions spread left to right, values scaled between the lowest and highest of the
    figures and the target (with a margin, so a flat line still shows)."""
    values = [float(p["value"]) for p in points] + [float(target)]
    low, high = min(values), max(values)
    margin = (high - low) * 0.1 or abs(high) * 0.1 or 1.0
    low, high = low - margin, high + margin
    inner_w, inner_h = TREND_WIDTH - 2 * TREND_PAD, TREND_HEIGHT - 2 * TREND_PAD

    def y(value: float) -> float:
        return round(TREND_PAD + inner_h * (high - value) / (high - low), 1)

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
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in drawn),
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
    reach *= 1.1
    inner = DIFF_WIDTH - 2 * DIFF_PAD

    def x(value: float) -> float:
        return round(DIFF_PAD + inner * (value + reach) / (2 * reach), 1)

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
        "reach": reach / 1.1,
    }
