"""The signed-in user: their profile and their organisations, at /me/."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import OrganizationMembership, User
from accounts.selectors import organization_memberships_for_user
from accounts.services import user_update_profile
from accounts.types import signed_in_user
from core.api.schema import READ, problems
from core.api.serializers import StrictInputSerializer, TimeZoneField, validated
from core.api.viewsets import ApiViewSet

Role = OrganizationMembership.Role


# --- serializers ----------------------------------------------------------------------------


@extend_schema_serializer(component_name="MyOrganization")
class MyOrganizationOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    slug = serializers.SlugField()
    role = serializers.ChoiceField(choices=Role.choices, help_text="Your role in it.")


@extend_schema_serializer(component_name="Me")
class MeOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField()
    full_name = serializers.CharField()
    time_zone = serializers.CharField(help_text="IANA name; times are shown in it.")
    organizations = MyOrganizationOutputSerializer(many=True)


@extend_schema_serializer(component_name="MeUpdate")
class MeInputSerializer(StrictInputSerializer):
    full_name = serializers.CharField(max_length=150, allow_blank=True, required=False)
    time_zone = TimeZoneField(required=False)


# --- views ----------------------------------------------------------------------------------


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
        return Response(self._me(signed_in_user(request)))

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
        me = signed_in_user(request)
        user = user_update_profile(
            actor=me,
            full_name=data.get("full_name", me.full_name),
            time_zone=data.get("time_zone", me.time_zone),
        )
        return Response(self._me(user))
