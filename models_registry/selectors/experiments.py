"""Reads of the A/B tests: a project's tests, and one test with its analysis computed from
the variants' current totals."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from accounts.permissions import Actor, visible
from accounts.selectors import visible_object_get
from models_registry.experimenting import Analysis, analyse
from models_registry.models import ABTest, ABVariant, EvaluationMetric, OptimisationRecord
from projects.models import Project

_VARIANTS = Prefetch(
    "variants",
    queryset=ABVariant.objects.select_related("model_version", "prompt_version__template"),
)


def ab_test_list(*, project: Project) -> QuerySet[ABTest]:
    return (
        ABTest.objects.filter(project=project)
        .select_related("winner", "created_by")
        .annotate(variant_count=Count("variants"))
        .order_by("-created_at")
    )


def ab_test_get_for_user(*, user: Actor, id: Any) -> ABTest:
    return visible_object_get(
        user=user,
        model=ABTest,
        id=id,
        queryset=visible(user, ABTest).select_related("project__organization", "winner"),
    )


def ab_test_in_project(*, project: Project, id: Any) -> ABTest | None:
    return ABTest.objects.filter(project=project, pk=id).first()


def ab_variant_in_test(*, test: ABTest, id: Any) -> ABVariant | None:
    return ABVariant.objects.filter(test=test, pk=id).first()


@dataclass(frozen=True)
class ABTestDetail:
    test: ABTest
    variants: list[ABVariant]
    analysis: Analysis


def ab_test_detail(*, test: ABTest) -> ABTestDetail:
    fresh = ABTest.objects.prefetch_related(_VARIANTS).select_related("winner").get(pk=test.pk)
    rows = list(fresh.variants.all())
    return ABTestDetail(test=fresh, variants=rows, analysis=analyse(fresh, rows))


# --- optimisation records -----------------------------------------------------------------------


@dataclass(frozen=True)
class TradeOff:
    record: OptimisationRecord
    quality_before: Decimal | None
    quality_after: Decimal | None


def optimisation_list(*, project: Project) -> list[TradeOff]:
    """The project's optimisations with the quality metric of each side's evaluation (two
    queries: the records, then the overall figures they name)."""
    records = list(
        OptimisationRecord.objects.filter(project=project)
        .select_related("before", "after")
        .order_by("-created_at")
    )
    evaluation_ids = {
        pk
        for r in records
        if r.quality_metric
        for pk in (r.before_evaluation_id, r.after_evaluation_id)
        if pk is not None
    }
    figures: dict[tuple[Any, str], Decimal] = {
        (m.evaluation_id, m.name): m.value
        for m in EvaluationMetric.objects.filter(evaluation_id__in=evaluation_ids, slice_key="")
    }
    return [
        TradeOff(
            record=r,
            quality_before=figures.get((r.before_evaluation_id, r.quality_metric)),
            quality_after=figures.get((r.after_evaluation_id, r.quality_metric)),
        )
        for r in records
    ]
