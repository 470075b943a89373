"""What the API answers, as typed dictionaries: the JSON as it comes, with names a type checker
knows. Only the fields a pipeline reads are spelt out; the schema at /api/schema/ has them all."""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict


class MyOrganization(TypedDict):
    id: str
    name: str
    slug: str
    role: str


class Me(TypedDict):
    id: str
    email: str
    full_name: str
    time_zone: str
    organizations: list[MyOrganization]


class Project(TypedDict):
    id: str
    organization: str
    name: str
    description: str
    phase: str
    status: str
    risk_tier: str
    created_at: str
    updated_at: str


class UserSummary(TypedDict):
    id: str
    email: str
    full_name: str


class ModelVersion(TypedDict):
    id: str
    number: int
    name: str
    adaptation: str
    parent: str | None
    base_model: str | None
    description: str
    artifact_uri: str
    created_by: UserSummary | None
    created_at: str


class Metric(TypedDict):
    """A figure to post: `value` a number or a decimal string; the rest optional."""

    name: str
    value: float | int | str
    unit: NotRequired[str]
    higher_is_better: NotRequired[bool]
    slice_key: NotRequired[str]
    slice_value: NotRequired[str]
    sample_size: NotRequired[int | None]
    criterion: NotRequired[str | None]


class EvaluationMetric(TypedDict):
    name: str
    value: str  # a decimal, as a string
    unit: str
    higher_is_better: bool
    slice_key: str
    slice_value: str
    sample_size: int | None
    criterion: str | None
    passed: bool | None


class Evaluation(TypedDict):
    id: str
    model_version: Any
    benchmark: str
    source: str
    run_id: str
    evaluated_at: str | None
    findings: str
    metrics: list[EvaluationMetric]
    created_at: str


class Point(TypedDict):
    """A monitoring point: `at` an ISO 8601 time with its offset (a datetime is converted)."""

    metric: str
    at: Any
    value: float | int


class MonitoringBatch(TypedDict):
    batch_id: str
    points: int
    created: bool
    incidents_opened: list[str]


class AuditExport(TypedDict):
    id: str
    organization: str
    format: str
    status: str  # queued, running, ready or failed
    filters: dict[str, Any]
    rows: int | None
    size: int | None
    sha256: str
    error: str
    created_at: str
    finished_at: str | None
