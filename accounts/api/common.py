"""Building blocks every app's REST API shares: the base viewset, strict input serializers,
the problem-details schema component and the user summary.

They live here because accounts is the lowest app with an API and every app above may import
it; core stays free of DRF serializers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema_serializer
from rest_framework import serializers
from rest_framework.filters import OrderingFilter
from rest_framework.metadata import SimpleMetadata
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.viewsets import GenericViewSet

from accounts.permissions import Perm, PolicyPermission
from core.api import PROBLEM_CONTENT_TYPE, Conflict
from core.timezones import UNKNOWN_TIME_ZONE, is_time_zone

UNKNOWN_FIELD = "This field cannot be set here."
CONCURRENT_CHANGE = "A concurrent change clashed with this request; read the resource and retry."


# --- serializers ----------------------------------------------------------------------------


class StrictInputSerializer(serializers.Serializer):
    """An input serializer that rejects fields it does not declare.

    DRF ignores unknown keys; here a misspelt or read-only field (say `phase` in a project
    PATCH) answers 400 naming the field, instead of a 200 that changed nothing.
    """

    def to_internal_value(self, data: Any) -> Any:
        errors: dict[str, Any] = {}
        value = None
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            detail = exc.detail
            errors = (
                dict(detail)
                if isinstance(detail, Mapping)
                else {api_settings.NON_FIELD_ERRORS_KEY: detail}
            )
        if isinstance(data, Mapping):
            for name in sorted(set(data) - set(self.fields)):
                errors[str(name)] = [UNKNOWN_FIELD]
        if errors:
            raise serializers.ValidationError(errors)
        return value


class StrictInputSchema(OpenApiSerializerExtension):
    """The schema says what StrictInputSerializer enforces: no undeclared properties
    (`additionalProperties: false`), and the fields a PATCH still requires
    (`required_in_patch`, e.g. the `version` of an optimistic edit)."""

    target_class = StrictInputSerializer
    match_subclasses = True

    def map_serializer(self, auto_schema: Any, direction: Any) -> Any:
        schema = auto_schema._map_basic_serializer(self.target, direction)
        schema["additionalProperties"] = False
        always = getattr(self.target, "required_in_patch", ())
        missing = [name for name in always if name not in schema.get("required", [])]
        if missing:
            schema["required"] = [*schema.get("required", []), *missing]
        return schema


@extend_schema_serializer(component_name="UserSummary")
class TimeZoneField(serializers.CharField):
    """An IANA time zone name, checked against the zone database."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("help_text", "An IANA time zone name, e.g. Europe/Paris.")
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if not is_time_zone(value):
            raise serializers.ValidationError(UNKNOWN_TIME_ZONE)
        return value


class UserSummaryOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField()
    full_name = serializers.CharField()


@extend_schema_serializer(component_name="ProblemDetails")
class ProblemDetailsSerializer(serializers.Serializer):
    """An RFC 9457 problem: every API error has this shape (content type
    application/problem+json)."""

    type = serializers.CharField(help_text='Always "about:blank": `status` says it all.')
    title = serializers.CharField(help_text="Short summary of the status, e.g. Not found.")
    status = serializers.IntegerField(help_text="The HTTP status code.")
    detail = serializers.CharField(help_text="What went wrong, for a human.")
    instance = serializers.CharField(help_text="The request path.")
    request_id = serializers.CharField(
        required=False, help_text="The X-Request-ID of the request, for support and the log."
    )
    errors = serializers.JSONField(
        required=False,
        help_text=(
            "400: messages keyed by field name (a list of strings per field; "
            '"non_field_errors" for the request as a whole). 409: what resolves the conflict, '
            'e.g. {"current_version": 3} for a stale edit, or the list of unmet gate criteria.'
        ),
    )
    code = serializers.CharField(required=False, help_text="409 only: a machine-readable code.")


PROBLEM_DESCRIPTIONS = {
    400: "Invalid request: malformed JSON or invalid fields (see `errors`).",
    401: "Missing, malformed, expired or revoked credentials.",
    403: "Signed in and allowed to see the resource, but not to do this.",
    404: "No such resource, or it belongs to an organisation you are not in.",
    409: "The request conflicts with the current state (e.g. a concurrent change).",
    415: "The body is not application/json.",
    429: "Too many requests: slow down (see the Retry-After header).",
}
# The id in a detail URL. Declared because the lookup pattern accepts any segment (so a
# malformed id reaches the view and is a problem+json 404), which hides the UUID type.
ID = OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH)
READ = (401, 404, 429)
WRITE = (400, 401, 403, 404, 409, 415, 429)
DELETE = (400, 401, 403, 404, 409, 429)


def problems(*codes: int) -> dict[Any, OpenApiResponse]:
    """`responses=` entries documenting the problem-details errors an operation may answer."""
    return {
        (code, PROBLEM_CONTENT_TYPE): OpenApiResponse(
            response=ProblemDetailsSerializer, description=PROBLEM_DESCRIPTIONS[code]
        )
        for code in codes
    }


# --- views ----------------------------------------------------------------------------------


class StableOrderingFilter(OrderingFilter):
    """`?ordering=` with the primary key as the last key: rows that tie (same phase, same
    name in two organisations) keep one order, so no row is skipped or repeated across pages."""

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        ordering = self.get_ordering(request, queryset, view)
        return queryset.order_by(*ordering, "pk") if ordering else queryset


class ApiMetadata(SimpleMetadata):
    """OPTIONS: the view's name, description and media types. DRF would also describe the
    create form from `serializer_class`, which these viewsets do not declare (their input and
    output serializers differ), and answered 500."""

    def determine_actions(self, request: Any, view: Any) -> dict[str, Any]:
        return {}


class ApiViewSet(GenericViewSet):
    """JSON in, JSON out, signed in, every object checked by the one policy.

    `policy_perms` maps an action to the `Perm` it needs; `PolicyPermission` applies it to the
    object that `get_object` fetched from a policy-scoped queryset (so another organisation's
    object is already a 404 and never reaches the check).
    """

    permission_classes = [IsAuthenticated, PolicyPermission]
    # JSON only: a form post or a text body answers 415 rather than being half-understood.
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]
    metadata_class = ApiMetadata
    # Anything up to the next slash reaches the view, so a malformed id is a problem+json 404
    # from the lookup rather than Django's HTML 404 for an unmatched URL.
    lookup_value_regex = "[^/]+"
    # No filtering unless a view declares it: the defaults would advertise `search` and
    # `ordering` parameters that these views never apply.
    filter_backends: list[Any] = []
    policy_perms: dict[str, Perm] = {}

    def handle_exception(self, exc: Exception) -> Response:
        # A unique constraint hit by a concurrent request (the services check first, the
        # database has the last word); the service's transaction has already rolled back.
        if isinstance(exc, IntegrityError):
            exc = Conflict(CONCURRENT_CHANGE)
        return super().handle_exception(exc)

    def collection_perm(self, default: Perm) -> Perm:
        """The permission a collection action (list, create) needs on the parent object."""
        if self.detail:
            # Detail actions need only see the parent; PolicyPermission checks the object.
            return default
        return self.policy_perms.get(self.action or "", default)

    @property
    def is_schema_generation(self) -> bool:
        return bool(getattr(self, "swagger_fake_view", False))


def validated(serializer_class: type[serializers.Serializer], data: Any, **kwargs: Any) -> Any:
    """The validated data of `data`, or a 400 with the field errors."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
