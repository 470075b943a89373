"""REST endpoints of the organisation's model catalogue (list, filters, CRUD with a version
check, import and export as JSON or CSV, the starter catalogue) and of its exchange rates."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Organization
from accounts.permissions import Perm
from accounts.rest import ORGANIZATION_ID, OrganizationChildViewSet
from accounts.types import signed_in_user
from core.api.renderers import CsvRenderer
from core.api.schema import DELETE, ID, READ, WRITE, problems
from core.api.serializers import StrictInputSerializer, validated
from models_registry import catalogue_io
from models_registry.models import MODALITIES, CatalogueModel, ExchangeRate, Vendor
from models_registry.selectors import (
    catalogue_export,
    catalogue_model_list,
    exchange_rate_list,
    vendor_get_for_user,
)
from models_registry.selectors.catalogue import LICENCE_FILTERS
from models_registry.services import (
    catalogue_import,
    catalogue_import_starter,
    catalogue_model_create,
    catalogue_model_delete,
    catalogue_model_update,
    exchange_rate_set,
)
from models_registry.services.catalogue import ImportResult

UNKNOWN_VENDOR = "Unknown vendor: give the id of a vendor of this organisation."
CONTENT_TYPES = {"application/json": "json", "text/csv": "csv"}
EXAMPLE_ORG = "2f0c8a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b"


def _price(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=12, decimal_places=4, allow_null=True, required=False, **kwargs
    )


# --- serializers ----------------------------------------------------------------------------


@extend_schema_serializer(component_name="VendorRef")
class VendorRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="CatalogueModel")
class CatalogueModelOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    organization = serializers.UUIDField(source="organization_id")
    provider = serializers.CharField()
    name = serializers.CharField()
    version = serializers.CharField(help_text="The model's own version, e.g. 2024-08-06.")
    label = serializers.CharField(help_text="Provider, name and version.")  # type: ignore[assignment]
    # A published field named like a DRF Field attribute; the metaclass takes declared
    # fields off the class, so the attribute is untouched at run time.
    source = serializers.ChoiceField(choices=CatalogueModel.Source.choices)  # type: ignore[assignment]
    hosting = serializers.ChoiceField(choices=CatalogueModel.Hosting.choices)
    vendor = VendorRefSerializer(allow_null=True)
    licence = serializers.CharField(
        help_text="An SPDX expression in its canonical spelling, or any other licence as written."
    )
    licence_is_spdx = serializers.BooleanField(
        help_text="false flags the licence for review: it is not a valid SPDX expression."
    )
    commercial_terms = serializers.CharField()
    parameter_count = serializers.IntegerField(allow_null=True)
    context_window = serializers.IntegerField(allow_null=True, help_text="In tokens.")
    modalities = serializers.ListField(child=serializers.ChoiceField(choices=list(MODALITIES)))
    data_residency = serializers.CharField()
    input_price_per_million = _price(help_text="Per million input tokens, in `currency`.")
    output_price_per_million = _price(help_text="Per million output tokens, in `currency`.")
    currency = serializers.CharField(help_text="ISO 4217; blank when the model has no price.")
    price_as_of = serializers.DateField(allow_null=True, help_text="When the price was published.")
    limitations = serializers.CharField()
    model_card_url = serializers.CharField()
    version_counter = serializers.IntegerField(help_text="Send it back with an edit.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class CatalogueModelFieldsInputSerializer(StrictInputSerializer):
    provider = serializers.CharField(max_length=120, required=False)
    name = serializers.CharField(max_length=120, required=False)
    version = serializers.CharField(max_length=60, allow_blank=True, required=False)
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=CatalogueModel.Source.choices, required=False
    )
    hosting = serializers.ChoiceField(choices=CatalogueModel.Hosting.choices, required=False)
    vendor = serializers.UUIDField(
        allow_null=True, required=False, help_text="A vendor of this organisation, or null."
    )
    licence = serializers.CharField(
        max_length=200,
        allow_blank=True,
        required=False,
        help_text="SPDX where one exists; any other text is kept and flagged.",
    )
    commercial_terms = serializers.CharField(max_length=5000, allow_blank=True, required=False)
    parameter_count = serializers.IntegerField(min_value=1, allow_null=True, required=False)
    context_window = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, allow_null=True, required=False
    )
    modalities = serializers.ListField(
        child=serializers.ChoiceField(choices=list(MODALITIES)), required=False
    )
    data_residency = serializers.CharField(max_length=120, allow_blank=True, required=False)
    input_price_per_million = _price(help_text="≥ 0; needs `currency` and `price_as_of`.")
    output_price_per_million = _price(help_text="≥ 0; needs `currency` and `price_as_of`.")
    currency = serializers.CharField(
        max_length=3, allow_blank=True, required=False, help_text="ISO 4217, e.g. USD."
    )
    price_as_of = serializers.DateField(allow_null=True, required=False)
    limitations = serializers.CharField(max_length=5000, allow_blank=True, required=False)
    model_card_url = serializers.URLField(max_length=500, allow_blank=True, required=False)


@extend_schema_serializer(component_name="CatalogueModelCreate")
class CatalogueModelCreateInputSerializer(CatalogueModelFieldsInputSerializer):
    provider = serializers.CharField(max_length=120)
    name = serializers.CharField(max_length=120)
    source = serializers.ChoiceField(choices=CatalogueModel.Source.choices)
    hosting = serializers.ChoiceField(choices=CatalogueModel.Hosting.choices)


@extend_schema_serializer(component_name="CatalogueModelUpdate")
class CatalogueModelUpdateInputSerializer(CatalogueModelFieldsInputSerializer):
    required_in_patch = ("version_counter",)

    version_counter = serializers.IntegerField(
        min_value=1, help_text="The `version_counter` you read; a stale one answers 409."
    )


class CatalogueListQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="In provider, name, version and licence.",
    )
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=CatalogueModel.Source.choices, required=False
    )
    hosting = serializers.ChoiceField(choices=CatalogueModel.Hosting.choices, required=False)
    provider = serializers.CharField(max_length=120, required=False, help_text="Exact, any case.")
    vendor = serializers.UUIDField(required=False)
    licence = serializers.ChoiceField(
        choices=list(LICENCE_FILTERS),
        required=False,
        help_text="spdx: valid SPDX expressions; flagged: any other licence, or none.",
    )
    modality = serializers.ChoiceField(choices=list(MODALITIES), required=False)


@extend_schema_serializer(component_name="CatalogueImportResult")
class ImportResultOutputSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="Models in the file.")
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    vendors_created = serializers.IntegerField(help_text="Vendors named in the file, added.")


class ExportQuerySerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=list(catalogue_io.FORMATS), required=False)


@extend_schema_serializer(component_name="ExchangeRate")
class ExchangeRateOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    currency = serializers.CharField(help_text="ISO 4217.")
    into = serializers.CharField(
        source="organization.currency", help_text="The organisation's currency."
    )
    rate = serializers.DecimalField(
        max_digits=18, decimal_places=8, help_text="What 1 `currency` is worth in `into`."
    )
    as_of = serializers.DateField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="ExchangeRateSet")
class ExchangeRateInputSerializer(StrictInputSerializer):
    currency = serializers.CharField(
        max_length=3, help_text="ISO 4217; not the organisation's own."
    )
    rate = serializers.DecimalField(max_digits=18, decimal_places=8, help_text="Greater than 0.")
    as_of = serializers.DateField(help_text="The same currency and day again replaces the rate.")


MODEL_EXAMPLE = OpenApiExample(
    "Catalogue model",
    response_only=True,
    value={
        "id": "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
        "organization": EXAMPLE_ORG,
        "provider": "OpenAI",
        "name": "GPT-4o",
        "version": "2024-08-06",
        "label": "OpenAI GPT-4o 2024-08-06",
        "source": "closed_api",
        "hosting": "vendor_api",
        "vendor": {"id": "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f", "name": "OpenAI"},
        "licence": "Proprietary",
        "licence_is_spdx": False,
        "commercial_terms": "",
        "parameter_count": None,
        "context_window": 128000,
        "modalities": ["text", "image"],
        "data_residency": "",
        "input_price_per_million": "2.5000",
        "output_price_per_million": "10.0000",
        "currency": "USD",
        "price_as_of": "2024-11-01",
        "limitations": "",
        "model_card_url": "https://platform.openai.com/docs/models/gpt-4o",
        "version_counter": 1,
        "created_at": "2026-11-28T09:00:00Z",
        "updated_at": "2026-11-28T09:00:00Z",
    },
)


def _result(result: ImportResult) -> dict[str, Any]:
    return ImportResultOutputSerializer(
        {
            "total": result.total,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "vendors_created": result.vendors_created,
        }
    ).data


def _resolve_vendor(request: Request, organization: Organization, data: dict[str, Any]) -> None:
    """Replace the `vendor` id in `data` by the organisation's vendor it names (else 400)."""
    if "vendor" not in data or data["vendor"] is None:
        return
    try:
        vendor: Vendor | None = vendor_get_for_user(user=signed_in_user(request), id=data["vendor"])
    except Http404:
        vendor = None
    if vendor is None or vendor.organization_id != organization.pk:
        raise serializers.ValidationError({"vendor": [UNKNOWN_VENDOR]})
    data["vendor"] = vendor


# --- the catalogue ----------------------------------------------------------------------------


@extend_schema(parameters=[ORGANIZATION_ID])
class CatalogueModelViewSet(OrganizationChildViewSet):
    """The organisation's catalogue: every member reads it, administrators write it."""

    policy_perms = {
        "list": Perm.ORG_VIEW,
        "retrieve": Perm.ORG_VIEW,
        "export": Perm.ORG_VIEW,
        "create": Perm.CATALOGUE_MANAGE,
        "partial_update": Perm.CATALOGUE_MANAGE,
        "destroy": Perm.CATALOGUE_MANAGE,
        "import_file": Perm.CATALOGUE_MANAGE,
        "import_starter": Perm.CATALOGUE_MANAGE,
    }

    def get_queryset(self) -> Any:
        if self.is_schema_generation:
            return CatalogueModel.objects.none()
        return catalogue_model_list(
            user=signed_in_user(self.request), organization=self.get_organization()
        )

    @extend_schema(
        summary="List the catalogue",
        description="By provider, name and version; filters combine.",
        parameters=[CatalogueListQuerySerializer],
        responses={200: CatalogueModelOutputSerializer, **problems(400, 401, 404, 429)},
        examples=[MODEL_EXAMPLE],
    )
    def list(self, request: Request, organization_id: str) -> Response:
        organization = self.get_organization()
        filters = validated(CatalogueListQuerySerializer, request.query_params)
        models = catalogue_model_list(
            user=signed_in_user(request), organization=organization, filters=filters
        )
        page = self.paginate_queryset(models)
        return self.get_paginated_response(CatalogueModelOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Add a model",
        description=(
            "Administrators. The licence is stored normalised; one that is not an SPDX "
            "expression is kept and flagged (`licence_is_spdx: false`). A price needs its "
            "currency and `price_as_of`."
        ),
        request=CatalogueModelCreateInputSerializer,
        responses={201: CatalogueModelOutputSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample(
                "Open-weight model",
                request_only=True,
                value={
                    "provider": "Mistral AI",
                    "name": "Mistral 7B Instruct",
                    "version": "v0.3",
                    "source": "open_weights",
                    "hosting": "self_hosted",
                    "licence": "apache-2.0",
                    "modalities": ["text"],
                },
            ),
            MODEL_EXAMPLE,
        ],
    )
    def create(self, request: Request, organization_id: str) -> Response:
        organization = self.get_organization()
        data = validated(CatalogueModelCreateInputSerializer, request.data)
        _resolve_vendor(request, organization, data)
        model = catalogue_model_create(
            actor=signed_in_user(request), organization=organization, **data
        )
        return Response(CatalogueModelOutputSerializer(model).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Get a catalogue model",
        parameters=[ID],
        responses={200: CatalogueModelOutputSerializer, **problems(*READ)},
        examples=[MODEL_EXAMPLE],
    )
    def retrieve(self, request: Request, organization_id: str, pk: str) -> Response:
        return Response(CatalogueModelOutputSerializer(self.get_object()).data)

    @extend_schema(
        summary="Edit a catalogue model",
        description=(
            "Administrators; only the fields given change. `version_counter` is required: "
            "the one you read. If someone saved since, the answer is 409 with code "
            "`stale_version` and `errors.current_version`, and nothing changes."
        ),
        parameters=[ID],
        request=CatalogueModelUpdateInputSerializer,
        responses={200: CatalogueModelOutputSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample(
                "New price",
                request_only=True,
                value={
                    "version_counter": 1,
                    "input_price_per_million": "2.0000",
                    "price_as_of": "2027-01-04",
                },
            ),
            MODEL_EXAMPLE,
        ],
    )
    def partial_update(self, request: Request, organization_id: str, pk: str) -> Response:
        model = self.get_object()
        data = validated(CatalogueModelUpdateInputSerializer, request.data)
        _resolve_vendor(request, model.organization, data)
        expected = data.pop("version_counter")
        model = catalogue_model_update(
            actor=signed_in_user(request), model=model, expected_version=expected, **data
        )
        return Response(CatalogueModelOutputSerializer(model).data)

    @extend_schema(
        summary="Delete a catalogue model",
        description=(
            "Administrators. Refused with 409 (code `in_use`) while a project's selection "
            "has the model as a candidate."
        ),
        parameters=[ID],
        responses={204: None, **problems(*DELETE)},
    )
    def destroy(self, request: Request, organization_id: str, pk: str) -> Response:
        catalogue_model_delete(actor=signed_in_user(request), model=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Import a catalogue file",
        description=(
            "Administrators. The body is the file itself: `Content-Type: application/json` "
            "for a JSON export, `text/csv` for a CSV one (UTF-8, a header line naming the "
            f"columns, at most {catalogue_io.MAX_FILE_BYTES // 1024} KiB and "
            f"{catalogue_io.MAX_ROWS} models). Models matching provider, name and version "
            "are updated, the others added; a vendor named but not on file is added. The "
            "whole file is checked first: any problem answers 400 with every problem under "
            "`errors.file` (its CSV line or JSON index, and the field), and nothing is "
            "imported."
        ),
        operation_id="organizations_catalogue_models_import",
        request={
            "application/json": OpenApiTypes.OBJECT,
            "text/csv": OpenApiTypes.STR,
        },
        responses={200: ImportResultOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=False, methods=["post"], url_path="import", url_name="import")
    def import_file(self, request: Request, organization_id: str) -> Response:
        organization = self.get_organization()
        media_type = (request.content_type or "").split(";")[0].strip().lower()
        if media_type not in CONTENT_TYPES:
            raise exceptions.UnsupportedMediaType(media_type or "none")
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > catalogue_io.MAX_FILE_BYTES:
            raise serializers.ValidationError({"file": [catalogue_io.TOO_BIG]})
        result = catalogue_import(
            actor=signed_in_user(request),
            organization=organization,
            content=request.body,
            file_format=CONTENT_TYPES[media_type],
        )
        return Response(_result(result))

    @extend_schema(
        summary="Import the starter catalogue",
        description=(
            "Administrators. The catalogue shipped with Charter (well-known open and closed "
            "models with their published prices, in USD and dated), imported like a file."
        ),
        operation_id="organizations_catalogue_models_import_starter",
        request=None,
        responses={200: ImportResultOutputSerializer, **problems(400, 401, 403, 404, 409, 429)},
    )
    @action(detail=False, methods=["post"], url_path="import-starter", url_name="import-starter")
    def import_starter(self, request: Request, organization_id: str) -> Response:
        result = catalogue_import_starter(
            actor=signed_in_user(request), organization=self.get_organization()
        )
        return Response(_result(result))

    @extend_schema(
        summary="Export the catalogue",
        description=(
            "Every model, as a file that imports back as the same rows: `format=json` (the "
            "default) or `csv` (modalities `;`-separated; cells a spreadsheet would run as a "
            "formula are prefixed with `'`)."
        ),
        operation_id="organizations_catalogue_models_export",
        parameters=[
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                enum=[*catalogue_io.FORMATS],
                description="json (default) or csv.",
            )
        ],
        responses={
            (200, "application/json"): OpenApiResponse(
                response=OpenApiTypes.OBJECT, description="The catalogue file."
            ),
            (200, "text/csv"): OpenApiResponse(
                response=OpenApiTypes.STR, description="UTF-8 CSV with a header row."
            ),
            **problems(*READ),
        },
    )
    @action(
        detail=False,
        methods=["get"],
        pagination_class=None,
        renderer_classes=[JSONRenderer, CsvRenderer],
    )
    def export(self, request: Request, organization_id: str) -> HttpResponse:
        organization = self.get_organization()
        query = validated(ExportQuerySerializer, request.query_params)
        file_format = query.get("format", "json")
        body = catalogue_export(
            user=signed_in_user(request), organization=organization, file_format=file_format
        )
        content_type = "text/csv" if file_format == "csv" else "application/json"
        response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = (
            f'attachment; filename="catalogue-{organization.slug}-{stamp}.{file_format}"'
        )
        return response


# --- exchange rates ----------------------------------------------------------------------------


@extend_schema(parameters=[ORGANIZATION_ID])
class ExchangeRateViewSet(OrganizationChildViewSet):
    """The organisation's exchange rates: every member reads them, administrators set them."""

    policy_perms = {"list": Perm.ORG_VIEW, "create": Perm.CATALOGUE_MANAGE}

    @extend_schema(
        summary="List exchange rates",
        description="By currency, latest first; each converts into the organisation's currency.",
        responses={200: ExchangeRateOutputSerializer, **problems(*READ)},
    )
    def list(self, request: Request, organization_id: str) -> Response:
        organization = self.get_organization()
        rates = exchange_rate_list(user=signed_in_user(request), organization=organization)
        page = self.paginate_queryset(rates.select_related("organization"))
        return self.get_paginated_response(ExchangeRateOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Set an exchange rate",
        description=(
            "Administrators. What one unit of `currency` is worth in the organisation's "
            "currency on `as_of`; the same currency and day again replaces the rate. The "
            "organisation's own currency is refused (400)."
        ),
        request=ExchangeRateInputSerializer,
        responses={201: ExchangeRateOutputSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample(
                "USD into EUR",
                request_only=True,
                value={"currency": "USD", "rate": "0.92", "as_of": "2027-01-04"},
            )
        ],
    )
    def create(self, request: Request, organization_id: str) -> Response:
        organization = self.get_organization()
        data = validated(ExchangeRateInputSerializer, request.data)
        rate: ExchangeRate = exchange_rate_set(
            actor=signed_in_user(request), organization=organization, **data
        )
        return Response(ExchangeRateOutputSerializer(rate).data, status=status.HTTP_201_CREATED)
