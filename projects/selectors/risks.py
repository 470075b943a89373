"""The risk register and its heat map."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, QuerySet
from django.utils import timezone

from accounts.permissions import Actor, Perm, can, visible
from accounts.selectors import visible_object_get
from projects.models import (
    Project,
    Risk,
)
from projects.models.risks import score_expression

RISK_SORTS = {
    "score": ("-score_value", "reference"),
    "-score": ("score_value", "reference"),
    "reference": ("reference",),
    "review_date": ("review_date", "reference"),
    "residual": ("-residual_value", "reference"),
}


def risk_list(
    *, user: Actor, project: Project, filters: dict[str, Any] | None = None
) -> QuerySet[Risk]:
    """The project's risk register, filtered (category, status, heat-map cell, overdue) and
    sorted; scores are computed in SQL so sorting needs no Python."""
    if not can(user, Perm.PROJECT_VIEW, project):
        return Risk.objects.none()
    filters = filters or {}
    risks = (
        Risk.objects.filter(project=project)
        .select_related("owner")
        .annotate(
            score_value=score_expression(),
            residual_value=F("residual_likelihood") * F("residual_impact"),
        )
    )
    for name in ("category", "status", "likelihood", "impact"):
        if filters.get(name):
            risks = risks.filter(**{name: filters[name]})
    if filters.get("overdue"):
        risks = risks.filter(review_date__lt=timezone.localdate()).exclude(
            status=Risk.Status.CLOSED
        )
    order = RISK_SORTS.get(filters.get("sort") or "score", RISK_SORTS["score"])
    return risks.order_by(*(_nulls_last(o) for o in order))


def _nulls_last(field: str) -> Any:
    if field.startswith("-"):
        return F(field[1:]).desc(nulls_last=True)
    return F(field).asc(nulls_last=True)


def risk_heat_map(*, user: Actor, project: Project) -> list[list[dict[str, int]]]:
    """5×5 counts of open risks by impact (rows, 5 at the top) and likelihood (columns).

    One query, whatever the number of risks.
    """
    if not can(user, Perm.PROJECT_VIEW, project):
        return heat_map_of(Risk.objects.none())
    return heat_map_of(Risk.objects.filter(project=project))


def heat_map_of(risks: QuerySet[Risk]) -> list[list[dict[str, int]]]:
    """The heat-map grid of the open, scored risks among `risks` (one query): rows by impact,
    5 at the top, columns by likelihood. The register and the dashboard share it."""
    rows = (
        risks.filter(likelihood__isnull=False, impact__isnull=False)
        .exclude(status=Risk.Status.CLOSED)
        .values("likelihood", "impact")
        .annotate(count=Count("id"))
        .order_by()
    )
    counts = {
        (row["likelihood"], row["impact"]): row["count"]
        for row in rows
        # Never None here (the filter above): the test narrows the type, nothing more.
        if row["likelihood"] is not None and row["impact"] is not None
    }
    return [
        [
            {
                "likelihood": likelihood,
                "impact": impact,
                "count": counts.get((likelihood, impact), 0),
                "score": likelihood * impact,
            }
            for likelihood in range(1, 6)
        ]
        for impact in range(5, 0, -1)
    ]


def risk_get_for_user(*, user: Actor, id: Any, perm: Perm = Perm.PROJECT_VIEW) -> Risk:
    return visible_object_get(
        user=user,
        model=Risk,
        id=id,
        perm=perm,
        queryset=visible(user, Risk).select_related("project__organization", "owner"),
    )
