"""Reads of the project's data inventory: its datasets with where they were used."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from models_registry.models import Dataset, Evaluation, FineTuneRun
from projects.models import Project


def inventory_list(*, project: Project, filters: dict[str, Any] | None = None) -> QuerySet[Dataset]:
    """The project's datasets by name, with the runs and evaluations that used them (three
    queries however many rows). `filters`: personal_data (bool)."""
    filters = filters or {}
    rows = Dataset.objects.filter(project=project)
    if filters.get("personal_data") is not None:
        rows = rows.filter(personal_data=filters["personal_data"])
    return rows.order_by("name").prefetch_related(
        Prefetch(
            "fine_tune_runs",
            queryset=FineTuneRun.objects.select_related("result_version").order_by("-created_at"),
        ),
        Prefetch(
            "evaluations",
            queryset=Evaluation.objects.select_related("model_version").order_by("-evaluated_at"),
        ),
    )
