"""Charts drawn server-side as inline SVG coordinates (no script, no library download): the
template draws the shapes, and each chart has a table of the same figures beside it.

`scale` holds the shared building blocks; one module per tab's charts."""

from models_registry.charts.evaluation import difference_chart, trend_chart
from models_registry.charts.operate import monitoring_chart, rollout_chart, tradeoff_chart
from models_registry.charts.selection import CHART, sensitivity_rows

__all__ = [
    "CHART",
    "difference_chart",
    "monitoring_chart",
    "rollout_chart",
    "sensitivity_rows",
    "tradeoff_chart",
    "trend_chart",
]
