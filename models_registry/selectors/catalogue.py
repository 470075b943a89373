"""Reads of the organisation's catalogue, vendors and exchange rates, scoped by the policy.

Lists take an organisation the caller fetched through the policy and answer nothing to
someone who may not read it; their query counts do not grow with the number of rows.
"""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.utils import timezone

from accounts.models import Organization
from accounts.permissions import Actor, Perm, can, visible
from accounts.selectors import visible_object_get
from models_registry import catalogue_io
from models_registry.models import (
    Candidate,
    CatalogueModel,
    ExchangeRate,
    Vendor,
    VendorAssessment,
)

LICENCE_FILTERS = ("spdx", "flagged")


def catalogue_model_list(
    *, user: Actor, organization: Organization, filters: dict[str, Any] | None = None
) -> QuerySet[CatalogueModel]:
    """The organisation's catalogue by provider, name and version, filtered: `source`,
    `hosting`, `provider`, `vendor` (an id), `licence` (spdx or flagged: not a valid SPDX
    expression, blank included), `modality` and `q` (provider, name, version, licence)."""
    if not can(user, Perm.ORG_VIEW, organization):
        return CatalogueModel.objects.none()
    filters = filters or {}
    models = CatalogueModel.objects.filter(organization=organization).select_related("vendor")
    for name in ("source", "hosting"):
        if filters.get(name):
            models = models.filter(**{name: filters[name]})
    if filters.get("provider"):
        models = models.filter(provider__iexact=filters["provider"])
    if filters.get("vendor"):
        models = models.filter(vendor_id=filters["vendor"])
    if filters.get("licence") == "spdx":
        models = models.filter(licence_is_spdx=True)
    elif filters.get("licence") == "flagged":
        models = models.filter(licence_is_spdx=False)
    if filters.get("modality"):
        # Codes are plain words: their quoted form in the JSON text matches exactly, and the
        # lookup works on SQLite (the quickstart) as on PostgreSQL.
        models = models.filter(modalities__icontains=f'"{filters["modality"]}"')
    q = (filters.get("q") or "").strip()
    if q:
        models = models.filter(
            Q(provider__icontains=q)
            | Q(name__icontains=q)
            | Q(version__icontains=q)
            | Q(licence__icontains=q)
        )
    return models.order_by("provider", "name", "version", "pk")


def catalogue_providers(*, user: Actor, organization: Organization) -> list[str]:
    """The providers of the organisation's catalogue, for the filter's choices."""
    if not can(user, Perm.ORG_VIEW, organization):
        return []
    return list(
        CatalogueModel.objects.filter(organization=organization)
        .order_by("provider")
        .values_list("provider", flat=True)
        .distinct()
    )


def catalogue_model_get_for_user(
    *, user: Actor, id: Any, perm: Perm = Perm.ORG_VIEW
) -> CatalogueModel:
    return visible_object_get(
        user=user,
        model=CatalogueModel,
        id=id,
        perm=perm,
        queryset=visible(user, CatalogueModel).select_related("organization", "vendor"),
    )


def catalogue_model_candidates(*, user: Actor, model: CatalogueModel) -> QuerySet[Candidate]:
    """Where the model is a candidate, in the projects the user can see."""
    return (
        visible(user, Candidate)
        .filter(catalogue_model=model)
        .select_related("project")
        .order_by("project__name", "pk")
    )


def catalogue_export(*, user: Actor, organization: Organization, file_format: str) -> str:
    """The whole catalogue as a file (json or csv) that imports back as the same rows."""
    models = catalogue_model_list(user=user, organization=organization)
    if file_format == "csv":
        return catalogue_io.to_csv(models)
    return catalogue_io.to_json(models, exported_at=timezone.now().isoformat())


# --- vendors ------------------------------------------------------------------------------------


def with_review_due(vendors: QuerySet[Vendor]) -> QuerySet[Vendor]:
    """`review_due`: the vendor's next review date has passed (a vendor never scheduled for
    review is not due: it has no date to miss)."""
    return vendors.annotate(
        review_due=ExpressionWrapper(
            # IS NOT NULL first: a NULL date compared gives NULL, this gives false.
            Q(next_review_on__isnull=False, next_review_on__lt=timezone.localdate()),
            output_field=BooleanField(),
        )
    )


def vendor_list(
    *, user: Actor, organization: Organization, filters: dict[str, Any] | None = None
) -> QuerySet[Vendor]:
    """The organisation's vendors by name, with how many catalogue models each has; `q`
    searches the name, `review_due` keeps those whose next review date has passed."""
    if not can(user, Perm.ORG_VIEW, organization):
        return Vendor.objects.none()
    filters = filters or {}
    vendors = with_review_due(Vendor.objects.filter(organization=organization)).annotate(
        model_count=Count("models")
    )
    q = (filters.get("q") or "").strip()
    if q:
        vendors = vendors.filter(name__icontains=q)
    if filters.get("review_due"):
        vendors = vendors.filter(next_review_on__lt=timezone.localdate())
    return vendors.order_by("name", "pk")


def vendor_get_for_user(*, user: Actor, id: Any, perm: Perm = Perm.ORG_VIEW) -> Vendor:
    return visible_object_get(
        user=user,
        model=Vendor,
        id=id,
        perm=perm,
        queryset=with_review_due(visible(user, Vendor)).select_related("organization"),
    )


def vendor_assessment_list(*, vendor: Vendor) -> QuerySet[VendorAssessment]:
    """A vendor's assessments, latest first, with their assessors."""
    return (
        VendorAssessment.objects.filter(vendor=vendor)
        .select_related("assessor")
        .order_by("-assessed_on", "-created_at", "pk")
    )


def vendor_choices(*, user: Actor, organization: Organization) -> list[tuple[str, str]]:
    """(id, name) of the organisation's vendors, for a model's vendor field."""
    return [
        (str(pk), name)
        for pk, name in vendor_list(user=user, organization=organization).values_list("pk", "name")
    ]


# --- exchange rates ---------------------------------------------------------------------------


def exchange_rate_list(*, user: Actor, organization: Organization) -> QuerySet[ExchangeRate]:
    """The organisation's exchange rates by currency, latest first."""
    if not can(user, Perm.ORG_VIEW, organization):
        return ExchangeRate.objects.none()
    return ExchangeRate.objects.filter(organization=organization).order_by(
        "currency", "-as_of", "pk"
    )
