"""Reads of a project's DPIA versions."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from accounts.permissions import Actor, visible
from accounts.selectors import visible_object_get
from compliance.models import DpiaApproval, DpiaVersion
from models_registry.models import Dataset
from projects.models import Project, Risk

RELATED = ("project", "created_by", "submitted_by", "dpo_by")


def _with_related(rows: QuerySet[DpiaVersion]) -> QuerySet[DpiaVersion]:
    return rows.select_related(*RELATED).prefetch_related(
        Prefetch("approvals", queryset=DpiaApproval.objects.select_related("approver")),
        Prefetch("datasets", queryset=Dataset.objects.order_by("name")),
        Prefetch("risks", queryset=Risk.objects.order_by("reference")),
    )


def dpia_version_list(*, project: Project, status: str | None = None) -> QuerySet[DpiaVersion]:
    """The project's DPIA versions, newest first, with what each page and row shows."""
    rows = DpiaVersion.objects.filter(project=project)
    if status:
        rows = rows.filter(status=status)
    return _with_related(rows.order_by("-number"))


def dpia_version_current(*, project: Project) -> DpiaVersion | None:
    """The newest version (the open one, if any), or None before the first."""
    return dpia_version_list(project=project).first()


def dpia_version_get_for_user(*, user: Actor, id: Any) -> DpiaVersion:
    return visible_object_get(
        user=user,
        model=DpiaVersion,
        id=id,
        queryset=_with_related(visible(user, DpiaVersion)).select_related("project__organization"),
    )


def project_datasets_by_id(*, project: Project, ids: list[Any]) -> dict[str, Dataset]:
    """The project's datasets among `ids` (another project's are simply not found)."""
    return {str(d.pk): d for d in Dataset.objects.filter(project=project, pk__in=ids)}


def project_risks_by_id(*, project: Project, ids: list[Any]) -> dict[str, Risk]:
    """The project's risks among `ids` (another project's are simply not found)."""
    return {str(r.pk): r for r in Risk.objects.filter(project=project, pk__in=ids)}
