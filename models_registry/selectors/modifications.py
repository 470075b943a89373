"""Reading the possible substantial modifications of a project."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accounts.permissions import Actor, visible
from accounts.selectors import visible_object_get
from models_registry.models import ModificationFlag
from projects.models import Project


def modification_flag_list(*, project: Project) -> QuerySet[ModificationFlag]:
    """Newest first, those awaiting assessment before the assessed."""
    return (
        ModificationFlag.objects.filter(project=project)
        .select_related("model_version", "assessed_by")
        .order_by("-status", "-created_at")
    )


def modification_flag_get_for_user(*, user: Actor, id: Any) -> ModificationFlag:
    return visible_object_get(
        user=user,
        model=ModificationFlag,
        id=id,
        queryset=visible(user, ModificationFlag).select_related(
            "project__organization", "model_version", "assessed_by"
        ),
    )
