"""Reads of the framework catalogue (global: every signed-in person may read it) and of the
frameworks an organisation follows."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value
from django.http import Http404

from accounts.models import Organization
from compliance.models import (
    Crosswalk,
    Framework,
    FrameworkDate,
    OrganizationFramework,
    Requirement,
)


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def framework_list(*, organization: Organization | None) -> QuerySet[Framework]:
    """Every framework with its counts (current, unverified, retired) and whether the
    organisation follows it; one query."""
    followed = OrganizationFramework.objects.filter(
        framework=OuterRef("pk"), organization=organization
    )
    return Framework.objects.annotate(
        requirement_count=Count("requirements", filter=Q(requirements__retired_in="")),
        unverified_count=Count(
            "requirements", filter=Q(requirements__retired_in="", requirements__verified=False)
        ),
        retired_count=Count("requirements", filter=~Q(requirements__retired_in="")),
        is_followed=Exists(followed) if organization is not None else Value(False),
    ).order_by("name")


def framework_get(*, id: Any, organization: Organization | None = None) -> Framework:
    """One framework by id (with its counts), else 404."""
    if not _is_uuid(id):
        raise Http404
    try:
        return framework_list(organization=organization).get(pk=id)
    except Framework.DoesNotExist:
        raise Http404 from None


def framework_get_by_key(*, key: str) -> Framework | None:
    return Framework.objects.filter(key=key).first()


def requirement_list(
    *, framework: Framework | None = None, filters: dict[str, Any] | None = None
) -> QuerySet[Requirement]:
    """Requirements in catalogue order, filtered by framework (key or object), kind, group,
    text (in ref, title or guidance) and whether retired rows are included."""
    filters = filters or {}
    rows = Requirement.objects.select_related("framework").order_by("framework__name", "order")
    if framework is not None:
        rows = rows.filter(framework=framework)
    if filters.get("framework"):
        rows = rows.filter(framework__key=filters["framework"])
    if filters.get("kind"):
        rows = rows.filter(kind=filters["kind"])
    if filters.get("group"):
        rows = rows.filter(group=filters["group"])
    if filters.get("text"):
        text = filters["text"]
        rows = rows.filter(
            Q(ref__icontains=text) | Q(title__icontains=text) | Q(guidance__icontains=text)
        )
    if filters.get("unverified"):
        rows = rows.filter(verified=False)
    if not filters.get("include_retired", True):
        rows = rows.filter(retired_in="")
    return rows


def requirement_groups(*, framework: Framework) -> list[str]:
    """The groups of a framework, in catalogue order (for the filter)."""
    seen: dict[str, None] = {}
    for group in (
        Requirement.objects.filter(framework=framework)
        .order_by("order")
        .values_list("group", flat=True)
    ):
        seen.setdefault(group, None)
    return [g for g in seen if g]


def requirement_get(*, id: Any) -> Requirement:
    """One requirement with its framework, else 404."""
    if not _is_uuid(id):
        raise Http404
    try:
        return Requirement.objects.select_related("framework").get(pk=id)
    except Requirement.DoesNotExist:
        raise Http404 from None


def requirement_mappings(*, requirement: Requirement) -> list[dict[str, Any]]:
    """The crosswalk of a requirement, both ways: the other requirement, the rationale and
    whether the mapping is retired; two queries."""
    outgoing = Crosswalk.objects.filter(source=requirement).select_related("target__framework")
    incoming = Crosswalk.objects.filter(target=requirement).select_related("source__framework")
    found: list[tuple[Requirement, Crosswalk]] = [(m.target, m) for m in outgoing]
    found += [(m.source, m) for m in incoming]
    found.sort(key=lambda pair: (pair[0].framework.name, pair[0].order))
    return [{"requirement": other, "mapping": mapping} for other, mapping in found]


def framework_dates(*, framework: Framework) -> QuerySet[FrameworkDate]:
    return FrameworkDate.objects.filter(framework=framework).order_by("date", "milestone")


def followed_framework_list(*, organization: Organization) -> QuerySet[OrganizationFramework]:
    """The frameworks the organisation follows, by name."""
    return (
        OrganizationFramework.objects.filter(organization=organization)
        .select_related("framework")
        .order_by("framework__name")
    )
