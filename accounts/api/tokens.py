"""The signed-in user's personal API tokens, at /tokens/."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import APIToken, TokenScope
from accounts.selectors import api_token_list
from accounts.services import api_token_create, api_token_revoke
from accounts.types import signed_in_user
from core.api.schema import ID, READ, problems
from core.api.serializers import StrictInputSerializer, validated
from core.api.viewsets import ApiViewSet

# --- serializers ----------------------------------------------------------------------------


@extend_schema_serializer(component_name="APIToken")
class APITokenOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    prefix = serializers.CharField(help_text="Identifies the token in lists and logs.")
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True, help_text="To the minute.")
    last_used_ip = serializers.IPAddressField(
        allow_null=True, help_text="The address of the client that last used it."
    )
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=TokenScope.choices),
        help_text="What the token may do, within its user's roles (docs/api.md).",
    )
    revoked_at = serializers.DateTimeField(allow_null=True)
    is_active = serializers.BooleanField()


@extend_schema_serializer(component_name="APITokenCreated")
class APITokenCreatedOutputSerializer(APITokenOutputSerializer):
    token = serializers.CharField(
        help_text="The token itself, `chr_<prefix>_<secret>`: shown this once, store it now."
    )


@extend_schema_serializer(component_name="APITokenCreate")
class APITokenInputSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=100)
    expires_in_days = serializers.IntegerField(
        min_value=1,
        max_value=settings.API_TOKEN_MAX_TTL_DAYS,
        required=False,
        help_text=f"Days until it expires; default {settings.API_TOKEN_DEFAULT_TTL_DAYS}.",
    )
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=TokenScope.choices),
        required=False,
        max_length=len(TokenScope.values),
        help_text="Default: every scope the caller may grant (a token: its own). `read` is "
        "always included. A token may not grant a scope it lacks.",
    )


# --- views ----------------------------------------------------------------------------------


class APITokenViewSet(ApiViewSet):
    """The signed-in user's personal API tokens."""

    # A token belongs to a user, not an organisation: the rule is ownership, and the queryset
    # holds only the caller's tokens, so another user's token is a 404.
    permission_classes = [IsAuthenticated]
    # Credentials are administration: a token without `admin` neither lists nor mints tokens.
    token_scope = TokenScope.ADMIN.value

    def get_queryset(self) -> Any:
        if self.is_schema_generation:
            return APIToken.objects.none()
        return api_token_list(user=signed_in_user(self.request))

    @extend_schema(
        summary="List my tokens", responses={200: APITokenOutputSerializer, **problems(*READ)}
    )
    def list(self, request: Request) -> Response:
        """The user's tokens, newest first, without their secrets."""
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(APITokenOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Create a token",
        request=APITokenInputSerializer,
        responses={201: APITokenCreatedOutputSerializer, **problems(400, 401, 409, 415, 429)},
        examples=[
            OpenApiExample(
                "CI token",
                request_only=True,
                value={"name": "CI pipeline", "expires_in_days": 30, "scopes": ["read", "write"]},
            ),
            OpenApiExample(
                "Created",
                response_only=True,
                status_codes=["201"],
                value={
                    "id": "9a3c2b1d-0e4f-4a5b-8c6d-7e8f9a0b1c2d",
                    "name": "CI pipeline",
                    "prefix": "1a2b3c4d",
                    "created_at": "2026-11-28T09:00:00Z",
                    "expires_at": "2026-12-28T09:00:00Z",
                    "last_used_at": None,
                    "last_used_ip": None,
                    "scopes": ["read", "write"],
                    "revoked_at": None,
                    "is_active": True,
                    "token": "chr_1a2b3c4d_<secret shown once>",
                },
            ),
        ],
    )
    def create(self, request: Request) -> Response:
        """Create a token; the response carries the token itself, this once only."""
        data = validated(APITokenInputSerializer, request.data)
        token, plain = api_token_create(
            actor=signed_in_user(request),
            name=data["name"],
            expires_in_days=data.get("expires_in_days"),
            scopes=data.get("scopes"),
            # Signed in with a token: the new one may neither outlive it nor exceed its scopes.
            created_with=request.auth if isinstance(request.auth, APIToken) else None,
        )
        # The secret, shown this once: it is never stored, so the model has no field for it.
        token.token = plain  # type: ignore[attr-defined]
        return Response(APITokenCreatedOutputSerializer(token).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[ID],
        summary="Get a token",
        responses={200: APITokenOutputSerializer, **problems(*READ)},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        """One of the user's tokens, without its secret."""
        return Response(APITokenOutputSerializer(self.get_object()).data)

    @extend_schema(
        parameters=[ID], summary="Revoke a token", responses={204: None, **problems(*READ)}
    )
    def destroy(self, request: Request, pk: str) -> Response:
        """Revoke the token (it stays listed, revoked); requests with it fail from now on."""
        api_token_revoke(actor=signed_in_user(request), token=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        parameters=[ID],
        summary="Revoke a token (POST form)",
        operation_id="tokens_revoke",
        request=None,
        responses={200: APITokenOutputSerializer, **problems(*READ)},
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str) -> Response:
        """Revoke the token and return it; revoking twice is harmless."""
        token = api_token_revoke(actor=signed_in_user(request), token=self.get_object())
        return Response(APITokenOutputSerializer(token).data)
