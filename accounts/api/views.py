"""REST endpoints of accounts: the signed-in user, organisations, members, invitations, tokens.

Each method validates the input, calls a selector or a service, and serializes the result.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
)
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.common import DELETE, ID, READ, WRITE, ApiViewSet, problems, validated
from accounts.api.serializers import (
    APITokenCreatedOutputSerializer,
    APITokenInputSerializer,
    APITokenOutputSerializer,
    InvitationInputSerializer,
    InvitationOutputSerializer,
    MeInputSerializer,
    MembershipInputSerializer,
    MembershipOutputSerializer,
    MeOutputSerializer,
    OrganizationInputSerializer,
    OrganizationOutputSerializer,
)
from accounts.models import APIToken, Invitation, Organization, OrganizationMembership, User
from accounts.permissions import Perm, org_roles
from accounts.selectors import (
    api_token_list,
    invitation_list,
    membership_list,
    organization_get_for_user,
    organization_list_for_user,
    organization_memberships_for_user,
)
from accounts.services import (
    api_token_create,
    api_token_revoke,
    invitation_create,
    invitation_revoke,
    membership_change_role,
    membership_remove,
    organization_create,
    organization_rename,
    user_update_profile,
)

ORGANIZATION_ID = OpenApiParameter(
    "organization_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The organisation."
)

ME_EXAMPLE = OpenApiExample(
    "Signed-in user",
    response_only=True,
    value={
        "id": "0b6f3f6e-7f2a-4d43-9b8e-2f1f0c9d1a11",
        "email": "ada@acme.example",
        "full_name": "Ada Lovelace",
        "time_zone": "Europe/London",
        "organizations": [
            {
                "id": "5d0c7a1e-3b7f-4a55-8f0e-6b8a7c1d2e33",
                "name": "Acme Insurance",
                "slug": "acme-insurance",
                "role": "admin",
            }
        ],
    },
)


# --- the signed-in user -----------------------------------------------------------------------


class MeViewSet(ApiViewSet):
    """The signed-in user: their profile and their organisations."""

    # The user is the object and needs no policy: anyone signed in may read and edit themselves.
    permission_classes = [IsAuthenticated]

    def _me(self, user: User) -> dict[str, Any]:
        organizations = [
            {
                "id": membership.organization_id,
                "name": membership.organization.name,
                "slug": membership.organization.slug,
                "role": membership.role,
            }
            for membership in organization_memberships_for_user(user=user)
        ]
        me = {
            "id": user.pk,
            "email": user.email,
            "full_name": user.full_name,
            "time_zone": user.time_zone,
            "organizations": organizations,
        }
        return MeOutputSerializer(me).data

    @extend_schema(
        summary="Who am I",
        responses={200: MeOutputSerializer, **problems(*READ)},
        examples=[ME_EXAMPLE],
    )
    def retrieve(self, request: Request) -> Response:
        """The signed-in user with their organisations and roles."""
        return Response(self._me(request.user))

    @extend_schema(
        summary="Update my profile",
        request=MeInputSerializer,
        responses={200: MeOutputSerializer, **problems(400, 401, 415, 429)},
        examples=[
            OpenApiExample(
                "Change time zone",
                request_only=True,
                value={"full_name": "Ada Lovelace", "time_zone": "Europe/Paris"},
            ),
            ME_EXAMPLE,
        ],
    )
    def partial_update(self, request: Request) -> Response:
        """Change one's full name and/or time zone (an IANA name)."""
        data = validated(MeInputSerializer, request.data)
        user = user_update_profile(
            actor=request.user,
            full_name=data.get("full_name", request.user.full_name),
            time_zone=data.get("time_zone", request.user.time_zone),
        )
        return Response(self._me(user))


# --- organisations ----------------------------------------------------------------------------


class OrganizationViewSet(ApiViewSet):
    """The organisations the user belongs to."""

    policy_perms = {"retrieve": Perm.ORG_VIEW, "partial_update": Perm.ORG_MANAGE}

    def get_queryset(self) -> Any:
        return organization_list_for_user(user=self.request.user)

    def _serialize(self, data: Any, *, many: bool = False) -> Any:
        context = {"roles": org_roles(self.request.user)}
        return OrganizationOutputSerializer(data, many=many, context=context).data

    @extend_schema(
        summary="List my organisations",
        responses={200: OrganizationOutputSerializer, **problems(*READ)},
    )
    def list(self, request: Request) -> Response:
        """Every organisation the user is a member of, with their role, by name."""
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self._serialize(page, many=True))

    @extend_schema(
        summary="Create an organisation",
        request=OrganizationInputSerializer,
        responses={201: OrganizationOutputSerializer, **problems(400, 401, 409, 415, 429)},
        examples=[OpenApiExample("New organisation", request_only=True, value={"name": "Acme"})],
    )
    def create(self, request: Request) -> Response:
        """Create an organisation; the caller becomes its first administrator."""
        data = validated(OrganizationInputSerializer, request.data)
        organization = organization_create(actor=request.user, name=data["name"])
        return Response(self._serialize(organization), status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[ID],
        summary="Get an organisation",
        responses={200: OrganizationOutputSerializer, **problems(*READ)},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        """One of the user's organisations."""
        return Response(self._serialize(self.get_object()))

    @extend_schema(
        parameters=[ID],
        summary="Rename an organisation",
        request=OrganizationInputSerializer,
        responses={200: OrganizationOutputSerializer, **problems(*WRITE)},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        """Rename the organisation (administrators). An empty body changes nothing."""
        organization = self.get_object()
        data = validated(OrganizationInputSerializer, request.data, partial=True)
        if "name" in data:
            organization = organization_rename(
                actor=request.user, organization=organization, name=data["name"]
            )
        return Response(self._serialize(organization))


class OrganizationChildViewSet(ApiViewSet):
    """Rows of one organisation, at /organizations/{organization_id}/…."""

    _organization: Organization | None = None

    def parent_perm(self) -> Perm:
        return self.collection_perm(Perm.ORG_VIEW)

    def get_organization(self) -> Organization:
        """The organisation in the URL: 404 if not the user's, 403 without the action's perm."""
        if self._organization is None:
            self._organization = organization_get_for_user(
                user=self.request.user, id=self.kwargs["organization_id"], perm=self.parent_perm()
            )
        return self._organization


@extend_schema(parameters=[ORGANIZATION_ID])
class OrganizationMemberViewSet(OrganizationChildViewSet):
    """The members of an organisation: every member sees them, administrators manage them."""

    policy_perms = {
        "list": Perm.ORG_VIEW,
        "retrieve": Perm.ORG_VIEW,
        "partial_update": Perm.ORG_MANAGE,
        "destroy": Perm.ORG_MANAGE,
    }

    def get_queryset(self) -> Any:
        if self.is_schema_generation:
            return OrganizationMembership.objects.none()
        return membership_list(user=self.request.user, organization=self.get_organization())

    @extend_schema(
        summary="List the members", responses={200: MembershipOutputSerializer, **problems(*READ)}
    )
    def list(self, request: Request, organization_id: str) -> Response:
        """The organisation's members with their roles, by email."""
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(MembershipOutputSerializer(page, many=True).data)

    @extend_schema(
        parameters=[ID],
        summary="Get a member",
        responses={200: MembershipOutputSerializer, **problems(*READ)},
    )
    def retrieve(self, request: Request, organization_id: str, pk: str) -> Response:
        """One membership of the organisation."""
        return Response(MembershipOutputSerializer(self.get_object()).data)

    @extend_schema(
        parameters=[ID],
        summary="Change a member's role",
        request=MembershipInputSerializer,
        responses={200: MembershipOutputSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample(
                "Make compliance officer", request_only=True, value={"role": "compliance_officer"}
            )
        ],
    )
    def partial_update(self, request: Request, organization_id: str, pk: str) -> Response:
        """Give the member another role (administrators; the last administrator stays one).

        An empty body changes nothing."""
        membership = self.get_object()
        data = validated(MembershipInputSerializer, request.data, partial=True)
        if "role" in data:
            membership = membership_change_role(
                actor=request.user, membership=membership, role=data["role"]
            )
        return Response(MembershipOutputSerializer(membership).data)

    @extend_schema(
        parameters=[ID], summary="Remove a member", responses={204: None, **problems(*DELETE)}
    )
    def destroy(self, request: Request, organization_id: str, pk: str) -> Response:
        """Remove someone from the organisation with their project roles in it (administrators)."""
        membership_remove(actor=request.user, membership=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(parameters=[ORGANIZATION_ID])
class OrganizationInvitationViewSet(OrganizationChildViewSet):
    """Invitations to an organisation: administrators only."""

    policy_perms = {
        "list": Perm.ORG_MANAGE,
        "retrieve": Perm.ORG_MANAGE,
        "create": Perm.ORG_MANAGE,
        "revoke": Perm.ORG_MANAGE,
    }

    def parent_perm(self) -> Perm:
        # Members may see the organisation but not its invitations: 403 on every route,
        # rather than 403 on the list and 404 on a detail.
        return Perm.ORG_MANAGE

    def get_queryset(self) -> Any:
        if self.is_schema_generation:
            return Invitation.objects.none()
        return invitation_list(user=self.request.user, organization=self.get_organization())

    @extend_schema(
        summary="List invitations",
        responses={200: InvitationOutputSerializer, **problems(401, 403, 404, 429)},
    )
    def list(self, request: Request, organization_id: str) -> Response:
        """The organisation's invitations, newest first (administrators)."""
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(InvitationOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Invite someone",
        request=InvitationInputSerializer,
        responses={201: InvitationOutputSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample(
                "Invite a compliance officer",
                request_only=True,
                value={"email": "grace@acme.example", "role": "compliance_officer"},
            )
        ],
    )
    def create(self, request: Request, organization_id: str) -> Response:
        """Invite an email address; the link is mailed to it and never returned here."""
        organization = self.get_organization()
        data = validated(InvitationInputSerializer, request.data)
        invitation, _link_secret = invitation_create(
            actor=request.user, organization=organization, email=data["email"], role=data["role"]
        )
        return Response(InvitationOutputSerializer(invitation).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[ID],
        summary="Get an invitation",
        responses={200: InvitationOutputSerializer, **problems(401, 403, 404, 429)},
    )
    def retrieve(self, request: Request, organization_id: str, pk: str) -> Response:
        """One invitation of the organisation (administrators)."""
        return Response(InvitationOutputSerializer(self.get_object()).data)

    @extend_schema(
        parameters=[ID],
        summary="Revoke an invitation",
        operation_id="organizations_invitations_revoke",
        request=None,
        responses={200: InvitationOutputSerializer, **problems(400, 401, 403, 404, 409, 429)},
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, organization_id: str, pk: str) -> Response:
        """Revoke a pending invitation: its link stops working at once."""
        invitation = invitation_revoke(actor=request.user, invitation=self.get_object())
        return Response(InvitationOutputSerializer(invitation).data)


# --- API tokens ---------------------------------------------------------------------------------


class APITokenViewSet(ApiViewSet):
    """The signed-in user's personal API tokens."""

    # A token belongs to a user, not an organisation: the rule is ownership, and the queryset
    # holds only the caller's tokens, so another user's token is a 404.
    permission_classes = [IsAuthenticated]

    def get_queryset(self) -> Any:
        if self.is_schema_generation:
            return APIToken.objects.none()
        return api_token_list(user=self.request.user)

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
                "CI token", request_only=True, value={"name": "CI pipeline", "expires_in_days": 30}
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
            actor=request.user,
            name=data["name"],
            expires_in_days=data.get("expires_in_days"),
            # Signed in with a token: the new one may not outlive it.
            created_with=request.auth if isinstance(request.auth, APIToken) else None,
        )
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
        api_token_revoke(actor=request.user, token=self.get_object())
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
        token = api_token_revoke(actor=request.user, token=self.get_object())
        return Response(APITokenOutputSerializer(token).data)
