"""Feedback from the deployed product: the intake endpoint that applications post end users'
ratings to with a project intake key, the keys themselves, and the feedback received."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_serializer
from rest_framework import authentication, exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from accounts.permissions import Perm
from accounts.rest import UserSummaryOutputSerializer
from accounts.types import signed_in_user
from core.api.pagination import CreatedCursorPagination
from core.api.schema import ID, READ, WRITE, problems
from core.api.serializers import StrictInputSerializer, validated
from core.clientip import client_address
from core.ratelimit import BAD_CREDENTIALS_WINDOW_SECONDS, bad_credentials_allowed
from core.throttling import SimpleRateThrottle
from projects.rest import PROJECT_ID, ProjectChildViewSet, ProjectsApiViewSet
from stakeholders.api.common import EXAMPLE_IDS, EXAMPLE_USER, TallyOutputSerializer
from stakeholders.models import IntakeKey
from stakeholders.selectors import (
    intake_key_get_for_user,
    intake_key_list,
    product_feedback_list,
    product_feedback_summary,
)
from stakeholders.services import (
    intake_key_create,
    intake_key_for,
    intake_key_revoke,
    product_feedback_receive,
)

INTAKE_HEADER = "X-Charter-Intake-Key"
INVALID_KEY = "Invalid or revoked intake key."
# Used when the settings name no "intake" rate (config/settings.py reads
# CHARTER_THROTTLE_INTAKE into REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]).
DEFAULT_INTAKE_RATE = "60/min"


# --- authentication and throttling of the intake ---------------------------------------------


class IntakeKeyAuthentication(authentication.BaseAuthentication):
    """`X-Charter-Intake-Key: chi_<prefix>_<secret>`: the request speaks for one project.

    No user and no session: a deployed application holds the key, so there is no CSRF to
    check. A missing header answers 401 (through HasIntakeKey); a malformed, unknown or
    revoked key answers 401 here, and 429 once the address has sent too many bad keys.
    """

    def authenticate(self, request: Request) -> tuple[Any, IntakeKey] | None:
        plain = request.META.get("HTTP_X_CHARTER_INTAKE_KEY")
        if plain is None:
            return None
        key = intake_key_for(plain.strip())
        if key is None:
            if not bad_credentials_allowed("intake", client_address(request)):
                raise exceptions.Throttled(wait=BAD_CREDENTIALS_WINDOW_SECONDS)
            raise exceptions.AuthenticationFailed(INVALID_KEY)
        return AnonymousUser(), key

    def authenticate_header(self, request: Request) -> str:
        # Makes DRF answer 401 (not 403) and tells the client which header to send.
        return f'IntakeKey header="{INTAKE_HEADER}"'


class IntakeKeyScheme(OpenApiAuthenticationExtension):
    target_class = "stakeholders.api.intake.IntakeKeyAuthentication"
    name = "intakeKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "header", "name": INTAKE_HEADER}


class HasIntakeKey(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.auth, IntakeKey)


class IntakeKeyRateThrottle(SimpleRateThrottle):
    """So many posts per key (by its prefix), whichever address they come from."""

    scope = "intake"

    def get_rate(self) -> str:
        # Read at request time, not at import, so a changed setting applies at once.
        # DRF's rates are strings ("60/min"); the stubs type them as numbers.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope) or DEFAULT_INTAKE_RATE  # type: ignore[return-value]

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not isinstance(request.auth, IntakeKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.prefix}


# --- serializers ----------------------------------------------------------------------------


@extend_schema_serializer(component_name="ProductFeedbackCreate")
class ProductFeedbackInputSerializer(StrictInputSerializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=4000, allow_blank=True, required=False)
    model_ref = serializers.CharField(
        max_length=120, allow_blank=True, required=False, help_text="Model or version."
    )
    output_ref = serializers.CharField(
        max_length=120,
        allow_blank=True,
        required=False,
        help_text="The output or conversation rated, in your application's terms.",
    )


@extend_schema_serializer(component_name="ProductFeedbackReceived")
class ReceivedOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    received_at = serializers.DateTimeField(source="created_at")


@extend_schema_serializer(component_name="IntakeKeyRef")
class KeyRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    prefix = serializers.CharField()


@extend_schema_serializer(component_name="ProductFeedback")
class ProductFeedbackOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    rating = serializers.IntegerField()
    comment = serializers.CharField()
    model_ref = serializers.CharField()
    output_ref = serializers.CharField()
    key = KeyRefSerializer(help_text="The intake key it came with.")
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="ProductFeedbackSummary")
class SummaryOutputSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    average = serializers.FloatField(allow_null=True)
    distribution = TallyOutputSerializer(many=True, help_text="Ratings 1 to 5.")


@extend_schema_serializer(component_name="IntakeKey")
class IntakeKeyOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    project = serializers.UUIDField(source="project_id")
    name = serializers.CharField()
    prefix = serializers.CharField(help_text="Identifies the key in lists and logs.")
    created_by = UserSummaryOutputSerializer()
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)
    is_active = serializers.BooleanField()


@extend_schema_serializer(component_name="IntakeKeyCreated")
class IntakeKeyCreatedOutputSerializer(IntakeKeyOutputSerializer):
    key = serializers.CharField(
        help_text="The key itself, `chi_<prefix>_<secret>`: shown this once, store it now."
    )


@extend_schema_serializer(component_name="IntakeKeyCreate")
class IntakeKeyInputSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=100, help_text="Which application holds it.")


KEY_VALUE = {
    "id": "e5f6a7b8-c9d0-4e1f-8a2b-3c4d5e6f7a8b",
    "project": EXAMPLE_IDS["project"],
    "name": "Claims assistant (production)",
    "prefix": "4e5f6a7b",
    "created_by": EXAMPLE_USER,
    "created_at": "2026-11-28T09:00:00Z",
    "last_used_at": None,
    "revoked_at": None,
    "is_active": True,
}


# --- views ----------------------------------------------------------------------------------


class IntakeFeedbackView(APIView):
    """Where a deployed application posts an end user's rating of one output."""

    authentication_classes = [IntakeKeyAuthentication]
    permission_classes = [HasIntakeKey]
    # Per key, instead of the per-address and per-user defaults: one application server
    # posts for all its users.
    throttle_classes = [IntakeKeyRateThrottle]
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        summary="Send product feedback",
        description=(
            f"Authenticated by a project intake key in the `{INTAKE_HEADER}` header only (no "
            "user, no session, no CSRF). Stores one rating (1 to 5) with an optional comment "
            "and references to the model and the output rated. Limited per key "
            "(`CHARTER_THROTTLE_INTAKE`, default 60/min): beyond it, 429 with Retry-After."
        ),
        operation_id="intake_feedback",
        tags=["intake"],
        request=ProductFeedbackInputSerializer,
        responses={201: ReceivedOutputSerializer, **problems(400, 401, 415, 429)},
        examples=[
            OpenApiExample(
                "Thumbs up",
                request_only=True,
                value={
                    "rating": 5,
                    "comment": "Spot on.",
                    "model_ref": "claims-assistant-v3",
                    "output_ref": "conv-8812/msg-4",
                },
            ),
            OpenApiExample(
                "Received",
                response_only=True,
                status_codes=["201"],
                value={
                    "id": "f6a7b8c9-d0e1-4f2a-9b3c-4d5e6f7a8b9c",
                    "received_at": "2027-03-01T10:15:00Z",
                },
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        data = validated(ProductFeedbackInputSerializer, request.data)
        key = request.auth
        if not isinstance(key, IntakeKey):  # HasIntakeKey lets nothing else through
            raise exceptions.NotAuthenticated
        feedback = product_feedback_receive(key=key, **data)
        return Response(ReceivedOutputSerializer(feedback).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[PROJECT_ID])
class ProjectIntakeKeyViewSet(ProjectChildViewSet):
    """The project's intake keys: managers only (they are credentials)."""

    policy_perms = {"list": Perm.PROJECT_MANAGE, "create": Perm.PROJECT_MANAGE}

    @extend_schema(
        summary="List intake keys",
        description="Managers; newest first, without their secrets.",
        responses={200: IntakeKeyOutputSerializer, **problems(401, 403, 404, 429)},
    )
    def list(self, request: Request, project_id: str) -> Response:
        keys = intake_key_list(user=signed_in_user(request), project=self.get_project())
        page = self.paginate_queryset(keys.order_by("-created_at", "pk"))
        return self.get_paginated_response(IntakeKeyOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Create an intake key",
        description="Managers. The response carries the key itself, this once only.",
        request=IntakeKeyInputSerializer,
        responses={201: IntakeKeyCreatedOutputSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample(
                "New key", request_only=True, value={"name": "Claims assistant (production)"}
            ),
            OpenApiExample(
                "Created",
                response_only=True,
                status_codes=["201"],
                value=KEY_VALUE | {"key": "chi_4e5f6a7b_<secret shown once>"},
            ),
        ],
    )
    def create(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        data = validated(IntakeKeyInputSerializer, request.data)
        key, plain = intake_key_create(
            actor=signed_in_user(request), project=project, name=data["name"]
        )
        # The secret, shown this once: it is never stored, so the model has no field for it.
        key.key = plain  # type: ignore[attr-defined]
        return Response(IntakeKeyCreatedOutputSerializer(key).data, status=status.HTTP_201_CREATED)


class IntakeKeyViewSet(ProjectsApiViewSet):
    """One intake key: managers of its project."""

    policy_perms = {"retrieve": Perm.PROJECT_MANAGE, "revoke": Perm.PROJECT_MANAGE}

    def get_object(self) -> IntakeKey:
        return self.check_row(
            intake_key_get_for_user(user=signed_in_user(self.request), id=self.kwargs["pk"])
        )

    @extend_schema(
        summary="Get an intake key",
        parameters=[ID],
        responses={200: IntakeKeyOutputSerializer, **problems(401, 403, 404, 429)},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(IntakeKeyOutputSerializer(self.get_object()).data)

    @extend_schema(
        summary="Revoke an intake key",
        description="Managers. Posts with it answer 401 from now on; revoking twice is harmless.",
        operation_id="intake_keys_revoke",
        parameters=[ID],
        request=None,
        responses={200: IntakeKeyOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str) -> Response:
        key = self.get_object()
        revoked = intake_key_revoke(actor=signed_in_user(request), key=key)
        revoked.created_by = key.created_by  # already fetched; spares a query
        return Response(IntakeKeyOutputSerializer(revoked).data)


@extend_schema(parameters=[PROJECT_ID])
class ProductFeedbackViewSet(ProjectChildViewSet):
    """What end users of the deployed product said: everyone on the project reads it."""

    policy_perms = {"list": Perm.PROJECT_VIEW, "summary": Perm.PROJECT_VIEW}
    # Machines append feedback all the time: a cursor keeps pages from shifting under a reader.
    pagination_class = CreatedCursorPagination

    @extend_schema(
        summary="List product feedback",
        description="Newest first, cursor-paginated (follow `next`).",
        responses={200: ProductFeedbackOutputSerializer, **problems(*READ)},
    )
    def list(self, request: Request, project_id: str) -> Response:
        rows = product_feedback_list(user=signed_in_user(request), project=self.get_project())
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ProductFeedbackOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Summary of product feedback",
        description="How many ratings, their average and their distribution.",
        operation_id="projects_product_feedback_summary",
        responses={200: SummaryOutputSerializer, **problems(*READ)},
        examples=[
            OpenApiExample(
                "Summary",
                response_only=True,
                value={
                    "count": 40,
                    "average": 4.1,
                    "distribution": [
                        {"value": "1", "count": 1},
                        {"value": "2", "count": 2},
                        {"value": "3", "count": 5},
                        {"value": "4", "count": 12},
                        {"value": "5", "count": 20},
                    ],
                },
            )
        ],
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def summary(self, request: Request, project_id: str) -> Response:
        summary = product_feedback_summary(user=signed_in_user(request), project=self.get_project())
        average = summary["average"]
        body = {
            "count": summary["count"],
            "average": round(float(average), 2) if average is not None else None,
            "distribution": [{"value": v, "count": n} for v, n in summary["distribution"]],
        }
        return Response(SummaryOutputSerializer(body).data)
