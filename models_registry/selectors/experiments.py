"""Reads of the A/B tests: a project's tests, and one test with its analysis computed from
the variants' current totals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from accounts.permissions import Actor, visible
from accounts.selectors import visible_object_get
from models_registry.experimenting import Analysis, analyse
from models_registry.models import ABTest, ABVariant
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
