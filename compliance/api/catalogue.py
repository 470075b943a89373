"""REST endpoints of the framework catalogue (global reference data every signed-in person
may read) and of the frameworks an organisation follows (compliance officers and
administrators choose them)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import Perm
from accounts.rest import ORGANIZATION_ID, OrganizationChildViewSet
from accounts.types import signed_in_user
from compliance.models import OrganizationFramework, Requirement
from compliance.selectors.catalogue import (
    followed_framework_list,
    framework_dates,
    framework_get,
    framework_get_by_key,
    framework_list,
    requirement_get,
    requirement_list,
    requirement_mappings,
)
from compliance.services.catalogue import framework_follow, framework_unfollow
from core.api.schema import DELETE, ID, READ, WRITE, problems
from core.api.serializers import StrictInputSerializer, validated
from core.api.viewsets import ApiViewSet

UNKNOWN_FRAMEWORK = "No framework of the catalogue has this key."


@extend_schema_serializer(component_name="FrameworkDate")
class FrameworkDateOutputSerializer(serializers.Serializer):
    milestone = serializers.CharField()
    date = serializers.DateField()
    articles_affected = serializers.CharField()
    reference = serializers.CharField(source="source", help_text="Where the date comes from.")
    status = serializers.CharField()
    as_of = serializers.DateField(help_text="When the source was read.")


@extend_schema_serializer(component_name="Framework")
class FrameworkOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    key = serializers.SlugField()
    name = serializers.CharField()
    edition = serializers.CharField()
    publisher = serializers.CharField()
    source_url = serializers.URLField()
    licence_note = serializers.CharField()
    data_version = serializers.CharField()
    requirement_count = serializers.IntegerField(help_text="Current (not retired) requirements.")
    unverified_count = serializers.IntegerField()
    retired_count = serializers.IntegerField()


@extend_schema_serializer(component_name="FrameworkDetail")
class FrameworkDetailOutputSerializer(FrameworkOutputSerializer):
    dates = FrameworkDateOutputSerializer(many=True)


class RequirementSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    framework = serializers.SlugField(source="framework.key")
    ref = serializers.CharField()
    title = serializers.CharField()
    retired_in = serializers.CharField()


@extend_schema_serializer(component_name="Requirement")
class RequirementOutputSerializer(RequirementSummarySerializer):
    kind = serializers.ChoiceField(choices=Requirement.Kind.choices)
    group = serializers.CharField()
    guidance = serializers.CharField()
    verified = serializers.BooleanField()
    applies_when = serializers.JSONField()
    phase = serializers.CharField()
    blocking = serializers.BooleanField()
    applies_to_projects = serializers.BooleanField()
    added_in = serializers.CharField()


@extend_schema_serializer(component_name="CrosswalkMapping")
class MappingOutputSerializer(serializers.Serializer):
    requirement = RequirementSummarySerializer()
    rationale = serializers.CharField(source="mapping.rationale")
    retired_in = serializers.CharField(source="mapping.retired_in")


@extend_schema_serializer(component_name="RequirementDetail")
class RequirementDetailOutputSerializer(RequirementOutputSerializer):
    mappings = MappingOutputSerializer(many=True)


class RequirementListQuerySerializer(serializers.Serializer):
    framework = serializers.SlugField(required=False, help_text="A framework key.")
    kind = serializers.ChoiceField(choices=Requirement.Kind.choices, required=False)
    text = serializers.CharField(
        required=False, max_length=200, help_text="In ref, title or guidance."
    )


class FrameworkViewSet(ApiViewSet):
    """The frameworks of the catalogue."""

    permission_classes = [IsAuthenticated]

    def get_queryset(self) -> Any:
        return framework_list(organization=None)

    @extend_schema(
        summary="List the frameworks",
        responses={200: FrameworkOutputSerializer, **problems(401, 429)},
    )
    def list(self, request: Request) -> Response:
        """Every framework of the catalogue with its counts and data version."""
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(FrameworkOutputSerializer(page, many=True).data)

    @extend_schema(
        parameters=[ID],
        summary="Get a framework",
        responses={200: FrameworkDetailOutputSerializer, **problems(*READ)},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        """One framework with its key dates (each with its source and as-of date)."""
        framework = framework_get(id=pk)
        data = FrameworkOutputSerializer(framework).data | {
            "dates": FrameworkDateOutputSerializer(
                framework_dates(framework=framework), many=True
            ).data
        }
        return Response(data)


class RequirementViewSet(ApiViewSet):
    """The requirements of the catalogue: articles, subcategories, controls, risks…"""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="List requirements",
        parameters=[RequirementListQuerySerializer],
        responses={200: RequirementOutputSerializer, **problems(400, 401, 429)},
    )
    def list(self, request: Request) -> Response:
        """Requirements in catalogue order, retired ones included (see `retired_in`)."""
        filters = validated(RequirementListQuerySerializer, request.query_params)
        page = self.paginate_queryset(requirement_list(filters=filters))
        return self.get_paginated_response(RequirementOutputSerializer(page, many=True).data)

    @extend_schema(
        parameters=[ID],
        summary="Get a requirement",
        responses={200: RequirementDetailOutputSerializer, **problems(*READ)},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        """One requirement with its crosswalk mappings, both ways."""
        requirement = requirement_get(id=pk)
        data = RequirementOutputSerializer(requirement).data | {
            "mappings": MappingOutputSerializer(
                requirement_mappings(requirement=requirement), many=True
            ).data
        }
        return Response(data)


class FrameworkSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    key = serializers.SlugField()
    name = serializers.CharField()
    edition = serializers.CharField()


@extend_schema_serializer(component_name="FollowedFramework")
class FollowedFrameworkOutputSerializer(serializers.Serializer):
    framework = FrameworkSummarySerializer()
    since = serializers.DateTimeField(source="created_at")


@extend_schema_serializer(component_name="FollowFramework")
class FollowInputSerializer(StrictInputSerializer):
    framework = serializers.SlugField(help_text="The key of a framework of the catalogue.")


@extend_schema(parameters=[ORGANIZATION_ID])
class FollowedFrameworkViewSet(OrganizationChildViewSet):
    """The frameworks an organisation follows: every member sees them; compliance officers
    and administrators follow and stop following. Each change re-syncs the projects' checks."""

    policy_perms = {
        "list": Perm.ORG_VIEW,
        "create": Perm.COMPLIANCE_MANAGE,
        "destroy": Perm.COMPLIANCE_MANAGE,
    }

    def get_queryset(self) -> Any:
        if self.is_schema_generation:
            return OrganizationFramework.objects.none()
        return followed_framework_list(organization=self.get_organization())

    @extend_schema(
        summary="List the frameworks the organisation follows",
        responses={200: FollowedFrameworkOutputSerializer, **problems(*READ)},
    )
    def list(self, request: Request, organization_id: str) -> Response:
        """The followed frameworks, by name."""
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(FollowedFrameworkOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Follow a framework",
        request=FollowInputSerializer,
        responses={201: FollowedFrameworkOutputSerializer, **problems(*WRITE)},
        examples=[OpenApiExample("Follow GDPR", request_only=True, value={"framework": "gdpr"})],
    )
    def create(self, request: Request, organization_id: str) -> Response:
        """Follow a framework: the organisation's projects get checks for what applies."""
        organization = self.get_organization()
        data = validated(FollowInputSerializer, request.data)
        framework = framework_get_by_key(key=data["framework"])
        if framework is None:
            raise serializers.ValidationError({"framework": [UNKNOWN_FRAMEWORK]})
        followed = framework_follow(
            actor=signed_in_user(request), organization=organization, framework=framework
        )
        return Response(
            FollowedFrameworkOutputSerializer(followed).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        parameters=[ID],
        summary="Stop following a framework",
        description="`id` is the framework's id.",
        responses={204: None, **problems(*DELETE)},
    )
    def destroy(self, request: Request, organization_id: str, pk: str) -> Response:
        """Stop following: open checks for its requirements become not applicable."""
        organization = self.get_organization()
        framework = framework_get(id=pk)  # 404 for an id that is no framework
        found = self.get_queryset().filter(framework=framework).first()
        if found is None:
            raise NotFound
        self.check_object_permissions(request, found)
        framework_unfollow(
            actor=signed_in_user(request), organization=organization, framework=found.framework
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
