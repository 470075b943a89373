"""Feasibility studies."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accounts.permissions import Actor, Perm, can, visible
from accounts.selectors import visible_object_get
from projects.models import (
    FeasibilityStudy,
    Project,
)


def feasibility_list(*, user: Actor, project: Project) -> QuerySet[FeasibilityStudy]:
    if not can(user, Perm.PROJECT_VIEW, project):
        return FeasibilityStudy.objects.none()
    return FeasibilityStudy.objects.filter(project=project).select_related(
        "signed_off_by", "created_by"
    )


def feasibility_get_for_user(*, user: Actor, id: Any) -> FeasibilityStudy:
    return visible_object_get(
        user=user,
        model=FeasibilityStudy,
        id=id,
        queryset=visible(user, FeasibilityStudy).select_related(
            "project__organization", "signed_off_by"
        ),
    )
