"""The fixture data every figure stands on, built through the real services: an
organisation, a project with a base model version, a deployment of it, and the personal API
token its production system posts with."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from accounts.services import api_token_create, organization_create, user_register
from models_registry.models import Deployment
from models_registry.services import (
    catalogue_model_create,
    deployment_plan,
    model_version_create,
)
from projects.services import project_create


@dataclass(frozen=True)
class World:
    actor: User  # the organisation's administrator, manager of the project
    deployment: Deployment
    token: str  # the actor's personal API token, in plain


def world_build() -> World:
    """A fresh organisation with one project and one deployment; every run gets its own, so
    runs never see each other's rows (names carry a random suffix)."""
    suffix = uuid.uuid4().hex[:12]
    actor = user_register(
        email=f"bench-{suffix}@bench.invalid",
        password=secrets.token_urlsafe(24),
        full_name="Benchmark operator",
    )
    organization = organization_create(actor=actor, name=f"Benchmark {suffix}")
    project = project_create(actor=actor, organization=organization, name="Claims assistant")
    base = catalogue_model_create(
        actor=actor,
        organization=organization,
        provider="Acme AI",
        name="Falcon Large",
        source="closed_api",
        hosting="vendor_api",
        input_price_per_million=Decimal("2.50"),
        output_price_per_million=Decimal("10.00"),
        currency="EUR",
        price_as_of=timezone.localdate(),
    )
    version = model_version_create(
        actor=actor, project=project, base_model=base, description="The chosen model."
    )
    deployment = deployment_plan(
        actor=actor,
        project=project,
        name="Production",
        environment="production",
        model_version=version,
        stages=[
            {
                "traffic_percent": 100,
                "starts_on": timezone.localdate() - timedelta(days=1),
                "exit_criteria": "No open high-severity incident",
            }
        ],
    )
    _, token = api_token_create(actor=actor, name="benchmark", expires_in_days=1)
    return World(actor=actor, deployment=deployment, token=token)
