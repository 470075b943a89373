"""The sensitivity chart beside the matrix, drawn as inline SVG (no script, no library
download): per criterion, how far its weight may move before another candidate wins."""

from __future__ import annotations

from typing import Any

from models_registry.charts.scale import Scale
from models_registry.scoring import SENSITIVITY_POINTS

WIDTH = 300  # px of the bar area
SPAN = 50  # points shown on each side of today's weight


_x = Scale(-SPAN, SPAN, 0, WIDTH, clamp=True)


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
