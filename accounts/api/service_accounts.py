"""An organisation's service accounts and their tokens, at
/organizations/{organization_id}/service-accounts/…: administrators only."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.tokens import APITokenCreatedOutputSerializer, APITokenOutputSerializer
from accounts.models import APIToken, TokenScope, User
from accounts.permissions import Perm
from accounts.rest import ORGANIZATION_ID, OrganizationChildViewSet
from accounts.selectors import visible_object_get
from accounts.service_accounts import (
    SERVICE_ACCOUNT_ROLES,
    service_account_create,
    service_account_deactivate,
    service_account_list,
    service_account_role,
    service_account_token_create,
    service_account_token_revoke,
)
from accounts.types import signed_in_user
from core.api.schema import ID, WRITE, problems
from core.api.serializers import StrictInputSerializer, validated

ADMIN_ONLY = (401, 403, 404, 429)
SERVICE_ACCOUNT_ID = OpenApiParameter(
    "service_account_id", str, OpenApiParameter.PATH, description="The service account's id."
)

# --- serializers ----------------------------------------------------------------------------


@extend_schema_serializer(component_name="ServiceAccount")
class ServiceAccountOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField(source="full_name")
    role = serializers.SerializerMethodField(help_text="Its role in the organisation.")
    is_active = serializers.BooleanField(help_text="False once deactivated: it holds no tokens.")
    created_at = serializers.DateTimeField()

    def get_role(self, account: User) -> str:
        return service_account_role(account)


@extend_schema_serializer(component_name="ServiceAccountCreate")
class ServiceAccountInputSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(
        choices=[(role.value, role.label) for role in SERVICE_ACCOUNT_ROLES],
        default=SERVICE_ACCOUNT_ROLES[0].value,
        help_text="member or compliance_officer: administration stays with people.",
    )


@extend_schema_serializer(component_name="ServiceAccountTokenCreate")
class ServiceAccountTokenInputSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=100)
    expires_in_days = serializers.IntegerField(
        min_value=1, max_value=settings.API_TOKEN_MAX_TTL_DAYS, required=False
    )
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=TokenScope.choices),
        required=False,
        max_length=len(TokenScope.values),
        help_text="Default: every scope the caller may grant; `read` is always included.",
    )


# --- views ----------------------------------------------------------------------------------


class _AdministeredViewSet(OrganizationChildViewSet):
    # The rule is the organisation's: administrators manage its service accounts, so the
    # organisation in the URL is checked (404 if not yours, 403 without ORG_MANAGE) and the
    # rows come from it. A service account or token is no governed row of its own.
    permission_classes = [IsAuthenticated]
    token_scopes = dict.fromkeys(("create", "deactivate", "destroy"), TokenScope.ADMIN.value)

    def parent_perm(self) -> Perm:
        return Perm.ORG_MANAGE

    def service_accounts(self) -> Any:
        return service_account_list(organization=self.get_organization())


@extend_schema(parameters=[ORGANIZATION_ID])
class ServiceAccountViewSet(_AdministeredViewSet):
    """Service accounts: API identities owned by the organisation (docs/api.md)."""

    def get_queryset(self) -> Any:
        if self.is_schema_generation:
            return User.objects.none()
        return self.service_accounts()

    @extend_schema(
        summary="List service accounts",
        responses={200: ServiceAccountOutputSerializer, **problems(*ADMIN_ONLY)},
    )
    def list(self, request: Request, organization_id: str) -> Response:
        """The organisation's service accounts, active ones first."""
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ServiceAccountOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Create a service account",
        request=ServiceAccountInputSerializer,
        responses={201: ServiceAccountOutputSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample(
                "A CI pipeline", request_only=True, value={"name": "CI pipeline", "role": "member"}
            )
        ],
    )
    def create(self, request: Request, organization_id: str) -> Response:
        """Create a service account; give it tokens with …/tokens/ and add it to projects."""
        organization = self.get_organization()  # 404/403 before any word on the body
        data = validated(ServiceAccountInputSerializer, request.data)
        account = service_account_create(
            actor=signed_in_user(request),
            organization=organization,
            name=data["name"],
            role=data["role"],
        )
        account = self.service_accounts().get(pk=account.pk)
        return Response(
            ServiceAccountOutputSerializer(account).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        parameters=[ID],
        summary="Get a service account",
        responses={200: ServiceAccountOutputSerializer, **problems(*ADMIN_ONLY)},
    )
    def retrieve(self, request: Request, organization_id: str, pk: str) -> Response:
        """One service account of the organisation."""
        return Response(ServiceAccountOutputSerializer(self.get_object()).data)

    @extend_schema(
        parameters=[ID],
        summary="Deactivate a service account",
        operation_id="organizations_service_accounts_deactivate",
        request=None,
        responses={200: ServiceAccountOutputSerializer, **problems(*ADMIN_ONLY)},
    )
    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, organization_id: str, pk: str) -> Response:
        """Revoke every token of it and deactivate it (again: no change)."""
        account = service_account_deactivate(
            actor=signed_in_user(request), account=self.get_object()
        )
        return Response(
            ServiceAccountOutputSerializer(self.service_accounts().get(pk=account.pk)).data
        )


@extend_schema(parameters=[ORGANIZATION_ID, SERVICE_ACCOUNT_ID])
class ServiceAccountTokenViewSet(_AdministeredViewSet):
    """A service account's tokens (their secrets are shown once, at creation)."""

    _account: User | None = None

    def account(self) -> User:
        """The service account in the URL: 404 unless one of this organisation's."""
        if self._account is None:
            self._account = visible_object_get(
                user=signed_in_user(self.request),
                model=User,
                id=self.kwargs["service_account_id"],
                queryset=self.service_accounts(),
            )
        return self._account

    def get_queryset(self) -> Any:
        if self.is_schema_generation:
            return APIToken.objects.none()
        return APIToken.objects.filter(user=self.account()).order_by("-created_at")

    @extend_schema(
        summary="List a service account's tokens",
        responses={200: APITokenOutputSerializer, **problems(*ADMIN_ONLY)},
    )
    def list(self, request: Request, organization_id: str, service_account_id: str) -> Response:
        """Its tokens, newest first, without their secrets."""
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(APITokenOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Give a service account a token",
        request=ServiceAccountTokenInputSerializer,
        responses={201: APITokenCreatedOutputSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample(
                "CI token",
                request_only=True,
                value={"name": "GitHub Actions", "expires_in_days": 90, "scopes": ["write"]},
            )
        ],
    )
    def create(self, request: Request, organization_id: str, service_account_id: str) -> Response:
        """Create a token for the service account; the response carries it this once."""
        account = self.account()  # 404/403 before any word on the body
        data = validated(ServiceAccountTokenInputSerializer, request.data)
        token, plain = service_account_token_create(
            actor=signed_in_user(request),
            account=account,
            name=data["name"],
            expires_in_days=data.get("expires_in_days"),
            scopes=data.get("scopes"),
            created_with=request.auth if isinstance(request.auth, APIToken) else None,
        )
        token.token = plain  # type: ignore[attr-defined]
        return Response(APITokenCreatedOutputSerializer(token).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[ID],
        summary="Revoke a service account's token",
        responses={204: None, **problems(*ADMIN_ONLY)},
    )
    def destroy(
        self, request: Request, organization_id: str, service_account_id: str, pk: str
    ) -> Response:
        """Revoke the token (it stays listed, revoked)."""
        service_account_token_revoke(
            actor=signed_in_user(request), account=self.account(), token=self.get_object()
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
