"""A project with two model versions and an A/B test between them (built through the
services)."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from models_registry import services
from models_registry.models import ABTest, ModelVersion
from projects.models import Project
from tests.models_registry.adapt_support import base_version


def two_versions(project: Project, manager: User) -> tuple[ModelVersion, ModelVersion]:
    v1 = base_version(project, manager)
    v2 = services.model_version_create(
        actor=manager, project=project, parent=v1, adaptation="prompting", name="v2 prompt"
    )
    return v1, v2


def variants(v1: ModelVersion, v2: ModelVersion, shares: tuple[int, int] = (50, 50)) -> list:
    return [
        {"name": "control", "is_control": True, "model_version": v1, "traffic_share": shares[0]},
        {"name": "treatment", "model_version": v2, "traffic_share": shares[1]},
    ]


def ab_test(project: Project, manager: User, kind: str = "rate", **fields: Any) -> ABTest:
    v1, v2 = two_versions(project, manager)
    return services.ab_test_create(
        actor=manager,
        project=project,
        name=fields.pop("name", "Resolution rate"),
        metric_name="resolved",
        metric_kind=kind,
        min_sample_per_variant=fields.pop("min_sample_per_variant", 100),
        variants=variants(v1, v2),
        **fields,
    )
