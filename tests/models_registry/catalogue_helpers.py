"""Builders shared by the catalogue and vendor tests: rows made through the services."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.test import Client

from accounts.models import Organization, User
from models_registry import services
from models_registry.models import Candidate, CatalogueModel, Vendor
from projects.models import Project


def make_vendor(admin: User, org: Organization, name: str = "OpenAI", **fields: Any) -> Vendor:
    return services.vendor_create(actor=admin, organization=org, name=name, **fields)


def make_model(admin: User, org: Organization, **fields: Any) -> CatalogueModel:
    values: dict[str, Any] = {
        "provider": "OpenAI",
        "name": "GPT-4o",
        "version": "2024-08-06",
        "source": "closed_api",
        "hosting": "vendor_api",
        "licence": "Proprietary",
        "modalities": ["text", "image"],
        "input_price_per_million": Decimal("2.5"),
        "output_price_per_million": Decimal("10"),
        "currency": "USD",
        "price_as_of": date(2024, 11, 1),
    }
    return services.catalogue_model_create(actor=admin, organization=org, **(values | fields))


def make_candidate(project: Project, model: CatalogueModel, by: User) -> Candidate:
    """A project's candidate on the model (a row: the selection's own services need a
    project in the Select phase, which is not what these tests are about)."""
    return Candidate.objects.create(
        project=project,
        kind=Candidate.Kind.CATALOGUE,
        catalogue_model=model,
        name=model.label,
        rationale="Strong on claims text.",
        proposed_by=by,
        order=1,
    )


def rows_of(org: Organization) -> list[dict[str, Any]]:
    """The catalogue's rows as comparable values (vendor by name, no ids or times)."""
    fields = [
        f.name
        for f in CatalogueModel._meta.concrete_fields
        if f.name
        not in ("id", "organization", "vendor", "created_at", "updated_at", "version_counter")
    ]
    return [
        {name: getattr(m, name) for name in fields}
        | {"vendor": m.vendor.name if m.vendor else None}
        for m in CatalogueModel.objects.filter(organization=org).select_related("vendor")
    ]


def browser(user: User) -> Client:
    """A signed-in browser (form posts, not the API client's JSON)."""
    client = Client()
    client.force_login(user)
    return client
