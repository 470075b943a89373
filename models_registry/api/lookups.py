"""What the models_registry API modules share: a record a request body names, found among
the project's own, or a 400 on its field (never a 404 that would tell it exists elsewhere)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from models_registry.models import ModelVersion
from models_registry.selectors import model_version_in_project
from projects.models import Project

NOT_A_VERSION = "Not a model version of this project."


def in_project[T](found: T | None, field: str, message: str) -> T:
    """The project's own record a body named, or a 400 on that field."""
    if found is None:
        raise serializers.ValidationError({field: [message]})
    return found


def version_named(project: Project, value: Any, field: str) -> ModelVersion | None:
    """The project's model version a body named by id (None when it named none)."""
    if value is None:
        return None
    return in_project(model_version_in_project(project=project, id=value), field, NOT_A_VERSION)
