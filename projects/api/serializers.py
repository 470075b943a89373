"""Input and output shapes of the projects API. Inputs are validated here; services decide."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from accounts.api.common import StrictInputSerializer, UserSummaryOutputSerializer
from accounts.models import ProjectMembership
from projects.models import Project

ProjectRole = ProjectMembership.Role

# Limits mirror the model fields, so an over-long value is a 400 naming the field before the
# service runs (the service's full_clean would refuse it too).
TEXT_LIMITS = {
    "description": 5000,
    "problem_statement": 5000,
    "end_users": 2000,
    "user_expectations": 5000,
    "business_goals": 5000,
    "intended_purpose": 5000,
}
USE_CASE_FIELDS = (
    "problem_statement",
    "end_users",
    "user_expectations",
    "business_goals",
    "intended_purpose",
)


def _text(name: str, **kwargs: object) -> serializers.CharField:
    return serializers.CharField(max_length=TEXT_LIMITS[name], allow_blank=True, **kwargs)


@extend_schema_serializer(component_name="Project")
class ProjectOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    organization = serializers.UUIDField(source="organization_id")
    name = serializers.CharField()
    description = serializers.CharField()
    phase = serializers.ChoiceField(choices=Project.Phase.choices)
    next_phase = serializers.ChoiceField(
        choices=Project.Phase.choices,
        allow_null=True,
        help_text="Where the next gate leads; null from operate and retired.",
    )
    status = serializers.ChoiceField(choices=Project.Status.choices)
    risk_tier = serializers.ChoiceField(
        choices=Project.RiskTier.choices, help_text="EU AI Act tier, assessed in compliance."
    )
    owner = UserSummaryOutputSerializer()
    problem_statement = serializers.CharField()
    end_users = serializers.CharField()
    user_expectations = serializers.CharField()
    business_goals = serializers.CharField()
    intended_purpose = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="ProjectCreate")
class ProjectCreateInputSerializer(StrictInputSerializer):
    organization = serializers.UUIDField(help_text="One of your organisations.")
    name = serializers.CharField(max_length=160, help_text="Unique in the organisation.")
    description = _text("description", default="")
    problem_statement = _text("problem_statement", required=False)
    end_users = _text("end_users", required=False)
    user_expectations = _text("user_expectations", required=False)
    business_goals = _text("business_goals", required=False)
    intended_purpose = _text("intended_purpose", required=False)


@extend_schema_serializer(component_name="ProjectUpdate")
class ProjectUpdateInputSerializer(StrictInputSerializer):
    """PUT replaces every editable field (all required); PATCH changes the ones given.

    The phase moves through gates, never by an edit; the owner and organisation are fixed.
    """

    name = serializers.CharField(max_length=160)
    description = _text("description")
    status = serializers.ChoiceField(choices=Project.Status.choices)
    problem_statement = _text("problem_statement")
    end_users = _text("end_users")
    user_expectations = _text("user_expectations")
    business_goals = _text("business_goals")
    intended_purpose = _text("intended_purpose")


@extend_schema_serializer(component_name="ProjectMember")
class ProjectMemberOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    user = UserSummaryOutputSerializer()
    role = serializers.ChoiceField(choices=ProjectRole.choices)
    created_at = serializers.DateTimeField(help_text="When they joined the project.")


@extend_schema_serializer(component_name="ProjectMemberCreate")
class ProjectMemberCreateInputSerializer(StrictInputSerializer):
    user = serializers.UUIDField(help_text="A member of the project's organisation.")
    role = serializers.ChoiceField(choices=ProjectRole.choices)


@extend_schema_serializer(component_name="ProjectMemberUpdate")
class ProjectMemberUpdateInputSerializer(StrictInputSerializer):
    role = serializers.ChoiceField(choices=ProjectRole.choices)
