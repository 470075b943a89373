"""Organisations, their members and their invitations, at /organizations/…."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Invitation, OrganizationMembership, TokenScope
from accounts.permissions import Perm, org_roles
from accounts.rest import (
    ORGANIZATION_ID,
    OrganizationChildViewSet,
    UserSummaryOutputSerializer,
)
from accounts.selectors import invitation_list, membership_list, organization_list_for_user
from accounts.services import (
    invitation_create,
    invitation_revoke,
    membership_change_role,
    membership_remove,
    organization_create,
    organization_rename,
    organization_set_gate_requester_signoff,
    organization_set_require_two_factor,
)
from accounts.types import signed_in_user
from core.api.schema import DELETE, ID, READ, WRITE, problems
from core.api.serializers import StrictInputSerializer, validated
from core.api.viewsets import ApiViewSet

Role = OrganizationMembership.Role


# --- serializers ----------------------------------------------------------------------------


@extend_schema_serializer(component_name="Organization")
class OrganizationOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    slug = serializers.SlugField()
    role = serializers.SerializerMethodField(help_text="Your role in the organisation.")
    allow_gate_requester_signoff = serializers.BooleanField(
        help_text="Whether the person who requested a gate may also give its manager sign-off."
    )
    require_two_factor_for_privileged = serializers.BooleanField(
        help_text="Whether administrators and compliance officers must use two-factor sign-in."
    )
    created_at = serializers.DateTimeField()

    @extend_schema_field(serializers.ChoiceField(choices=Role.choices))
    def get_role(self, organization: Any) -> str | None:
        # {organization_id: role}, read once per request by the policy (see the view).
        return self.context["roles"].get(organization.pk)


@extend_schema_serializer(component_name="OrganizationName")
class OrganizationInputSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=120)


@extend_schema_serializer(component_name="OrganizationUpdate")
class OrganizationUpdateInputSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=120, required=False)
    allow_gate_requester_signoff = serializers.BooleanField(
        required=False,
        help_text=(
            "Let the person who requested a gate also give its manager sign-off (off by "
            "default: another manager signs)."
        ),
    )
    require_two_factor_for_privileged = serializers.BooleanField(
        required=False,
        help_text=(
            "Require two-factor sign-in of administrators and compliance officers: one "
            "without a device is sent to set it up at their next sign-in."
        ),
    )


@extend_schema_serializer(component_name="OrganizationMember")
class MembershipOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    user = UserSummaryOutputSerializer()
    role = serializers.ChoiceField(choices=Role.choices)
    created_at = serializers.DateTimeField(help_text="When they joined.")


@extend_schema_serializer(component_name="OrganizationMemberUpdate")
class MembershipInputSerializer(StrictInputSerializer):
    role = serializers.ChoiceField(choices=Role.choices)


@extend_schema_serializer(component_name="Invitation")
class InvitationOutputSerializer(serializers.Serializer):
    """An invitation; its link secret is mailed to the invitee and never returned."""

    id = serializers.UUIDField()
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Role.choices)
    status = serializers.ChoiceField(choices=Invitation.Status.choices)
    invited_by = UserSummaryOutputSerializer(allow_null=True)
    expires_at = serializers.DateTimeField()
    sent_at = serializers.DateTimeField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="InvitationCreate")
class InvitationInputSerializer(StrictInputSerializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Role.choices, default=Role.MEMBER)


# --- views ----------------------------------------------------------------------------------


class OrganizationViewSet(ApiViewSet):
    """The organisations the user belongs to."""

    policy_perms = {"retrieve": Perm.ORG_VIEW, "partial_update": Perm.ORG_MANAGE}
    # Administration: a token needs `admin` to change it (reading needs `read` only).
    token_scopes = dict.fromkeys(("create", "partial_update"), TokenScope.ADMIN.value)

    def get_queryset(self) -> Any:
        return organization_list_for_user(user=signed_in_user(self.request))

    def _serialize(self, data: Any, *, many: bool = False) -> Any:
        context = {"roles": org_roles(signed_in_user(self.request))}
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
        organization = organization_create(actor=signed_in_user(request), name=data["name"])
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
        summary="Change an organisation's name or settings",
        request=OrganizationUpdateInputSerializer,
        responses={200: OrganizationOutputSerializer, **problems(*WRITE)},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        """Rename the organisation or change its settings (administrators). An empty body
        changes nothing."""
        organization = self.get_object()
        data = validated(OrganizationUpdateInputSerializer, request.data, partial=True)
        if "name" in data:
            organization = organization_rename(
                actor=signed_in_user(request), organization=organization, name=data["name"]
            )
        if "allow_gate_requester_signoff" in data:
            organization = organization_set_gate_requester_signoff(
                actor=signed_in_user(request),
                organization=organization,
                allowed=data["allow_gate_requester_signoff"],
            )
        if "require_two_factor_for_privileged" in data:
            organization = organization_set_require_two_factor(
                actor=signed_in_user(request),
                organization=organization,
                required=data["require_two_factor_for_privileged"],
            )
        return Response(self._serialize(organization))


@extend_schema(parameters=[ORGANIZATION_ID])
class OrganizationMemberViewSet(OrganizationChildViewSet):
    """The members of an organisation: every member sees them, administrators manage them."""

    policy_perms = {
        "list": Perm.ORG_VIEW,
        "retrieve": Perm.ORG_VIEW,
        "partial_update": Perm.ORG_MANAGE,
        "destroy": Perm.ORG_MANAGE,
    }
    # Administration: a token needs `admin` to change it (reading needs `read` only).
    token_scopes = dict.fromkeys(("partial_update", "destroy"), TokenScope.ADMIN.value)

    def get_queryset(self) -> Any:
        if self.is_schema_generation:
            return OrganizationMembership.objects.none()
        return membership_list(
            user=signed_in_user(self.request), organization=self.get_organization()
        )

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
                actor=signed_in_user(request), membership=membership, role=data["role"]
            )
        return Response(MembershipOutputSerializer(membership).data)

    @extend_schema(
        parameters=[ID], summary="Remove a member", responses={204: None, **problems(*DELETE)}
    )
    def destroy(self, request: Request, organization_id: str, pk: str) -> Response:
        """Remove someone from the organisation with their project roles in it (administrators)."""
        membership_remove(actor=signed_in_user(request), membership=self.get_object())
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
    # Administration: a token needs `admin` to change it (reading needs `read` only).
    token_scopes = dict.fromkeys(("create", "revoke"), TokenScope.ADMIN.value)

    def parent_perm(self) -> Perm:
        # Members may see the organisation but not its invitations: 403 on every route,
        # rather than 403 on the list and 404 on a detail.
        return Perm.ORG_MANAGE

    def get_queryset(self) -> Any:
        if self.is_schema_generation:
            return Invitation.objects.none()
        return invitation_list(
            user=signed_in_user(self.request), organization=self.get_organization()
        )

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
        invitation = invitation_create(
            actor=signed_in_user(request),
            organization=organization,
            email=data["email"],
            role=data["role"],
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
        invitation = invitation_revoke(actor=signed_in_user(request), invitation=self.get_object())
        return Response(InvitationOutputSerializer(invitation).data)
