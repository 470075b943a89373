"""Input and output shapes of the accounts API. Inputs are validated here; services decide."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from accounts.api.common import (
    StrictInputSerializer,
    TimeZoneField,
    UserSummaryOutputSerializer,
)
from accounts.models import Invitation, OrganizationMembership

Role = OrganizationMembership.Role


# --- the signed-in user -----------------------------------------------------------------------


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


# --- organisations ----------------------------------------------------------------------------


@extend_schema_serializer(component_name="Organization")
class OrganizationOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    slug = serializers.SlugField()
    role = serializers.SerializerMethodField(help_text="Your role in the organisation.")
    allow_gate_requester_signoff = serializers.BooleanField(
        help_text="Whether the person who requested a gate may also give its manager sign-off."
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


# --- API tokens ---------------------------------------------------------------------------------


@extend_schema_serializer(component_name="APIToken")
class APITokenOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    prefix = serializers.CharField(help_text="Identifies the token in lists and logs.")
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True, help_text="To the minute.")
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
