"""A small typed client of the Charter REST API (https://…/api/docs/), for CI pipelines."""

from charter_client.client import MAX_POINTS_PER_BATCH, Client
from charter_client.errors import CharterError
from charter_client.models import (
    AuditExport,
    Evaluation,
    EvaluationMetric,
    Me,
    Metric,
    ModelVersion,
    MonitoringBatch,
    Point,
    Project,
)

__all__ = [
    "MAX_POINTS_PER_BATCH",
    "AuditExport",
    "CharterError",
    "Client",
    "Evaluation",
    "EvaluationMetric",
    "Me",
    "Metric",
    "ModelVersion",
    "MonitoringBatch",
    "Point",
    "Project",
]
