"""Projects and the people on them, at /projects/…: their input and output shapes, the list
filters and the viewsets.

Each method validates the input, calls a selector or a service, and serializes the result.
"""

from __future__ import annotations

from typing import Any, TypedDict, Unpack

from django.http import Http404
from django_filters import rest_framework as filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.filters import SearchFilter
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Organization, ProjectMembership
from accounts.permissions import Perm
from accounts.rest import UserSummaryOutputSerializer
from accounts.selectors import membership_list, organization_get_for_user
from accounts.types import signed_in_user
from core.api.filters import StableOrderingFilter
from core.api.schema import DELETE, ID, READ, WRITE, problems
from core.api.serializers import StrictInputSerializer, validated
from core.api.viewsets import ApiViewSet
from projects.models import Project
from projects.rest import PROJECT_ID
from projects.selectors import project_get_for_user, project_list_for_user, project_member_list
from projects.services import (
    project_create,
    project_member_add,
    project_member_change_role,
    project_member_remove,
    project_update,
)
from projects.services.projects import NOT_AN_ORG_MEMBER

# --- serializers ----------------------------------------------------------------------------


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


class _TextOptions(TypedDict, total=False):
    default: str
    required: bool


def _text(name: str, **kwargs: Unpack[_TextOptions]) -> serializers.CharField:
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
        help_text="Where the next gate leads; null once retired.",
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


# --- filters --------------------------------------------------------------------------------


# Query-string filters (django-filter): validated, documented, applied to the policy-scoped
# queryset.
class ProjectFilter(filters.FilterSet):
    organization = filters.UUIDFilter(field_name="organization_id", help_text="Organisation id.")
    phase = filters.ChoiceFilter(choices=Project.Phase.choices)
    status = filters.ChoiceFilter(choices=Project.Status.choices)
    owner = filters.UUIDFilter(field_name="owner_id", help_text="Owner's user id.")
    risk_tier = filters.ChoiceFilter(choices=Project.RiskTier.choices, help_text="EU AI Act tier.")

    class Meta:
        model = Project
        fields = ("organization", "phase", "status", "owner", "risk_tier")


# --- views ----------------------------------------------------------------------------------


UNKNOWN_ORGANIZATION = "Unknown organisation."

PROJECT_EXAMPLE = OpenApiExample(
    "Project",
    response_only=True,
    value={
        "id": "3f2a1b0c-9d8e-4f7a-b6c5-d4e3f2a1b0c9",
        "organization": "5d0c7a1e-3b7f-4a55-8f0e-6b8a7c1d2e33",
        "name": "Claims assistant",
        "description": "Drafts answers to routine claims questions.",
        "phase": "scope",
        "next_phase": "select",
        "status": "active",
        "risk_tier": "unassessed",
        "owner": {
            "id": "0b6f3f6e-7f2a-4d43-9b8e-2f1f0c9d1a11",
            "email": "ada@acme.example",
            "full_name": "Ada Lovelace",
        },
        "problem_statement": "Claim handlers spend hours on routine questions.",
        "end_users": "Claim handlers",
        "user_expectations": "",
        "business_goals": "",
        "intended_purpose": "",
        "created_at": "2026-11-28T09:00:00Z",
        "updated_at": "2026-11-28T09:00:00Z",
    },
)
NO_DELETE = (
    " Projects are never deleted (DELETE answers 405): archive one with "
    '`{"status": "archived"}`; its records and audit trail stay.'
)


class ProjectViewSet(ApiViewSet):
    """The projects the user may see."""

    policy_perms = {
        "retrieve": Perm.PROJECT_VIEW,
        "update": Perm.PROJECT_MANAGE,
        "partial_update": Perm.PROJECT_MANAGE,
    }
    filter_backends = [DjangoFilterBackend, SearchFilter, StableOrderingFilter]
    filterset_class = ProjectFilter
    search_fields = ["name", "description"]
    # Not `phase`: its values would sort alphabetically, not in lifecycle order.
    ordering_fields = ["name", "created_at", "updated_at", "status"]
    ordering = ["name"]

    def get_queryset(self) -> Any:
        if self.is_schema_generation:
            return Project.objects.none()
        return project_list_for_user(user=signed_in_user(self.request))

    @extend_schema(
        summary="List projects",
        description=(
            "The projects you may see, by name. Filter with `organization`, `phase`, `status`, "
            "`owner`; `search` looks in name and description; `ordering` takes name, "
            "created_at, updated_at or status, comma-separated (prefix `-` to reverse)."
        ),
        responses={200: ProjectOutputSerializer, **problems(400, 401, 404, 429)},
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ProjectOutputSerializer(page, many=True).data)

    def _organization_for_create(self, organization_id: Any) -> Organization:
        # A body field, not the URL: an organisation the caller is not in (or that does not
        # exist; the two look the same) is an invalid field, not a missing resource.
        try:
            return organization_get_for_user(
                user=signed_in_user(self.request), id=organization_id, perm=Perm.PROJECT_CREATE
            )
        except Http404 as exc:
            raise ValidationError({"organization": [UNKNOWN_ORGANIZATION]}) from exc

    @extend_schema(
        summary="Create a project",
        description="Create a project in Scope; you own it and become its manager.",
        request=ProjectCreateInputSerializer,
        responses={201: ProjectOutputSerializer, **problems(400, 401, 403, 409, 415, 429)},
        examples=[
            OpenApiExample(
                "New project",
                request_only=True,
                value={
                    "organization": "5d0c7a1e-3b7f-4a55-8f0e-6b8a7c1d2e33",
                    "name": "Claims assistant",
                    "description": "Drafts answers to routine claims questions.",
                    "problem_statement": "Claim handlers spend hours on routine questions.",
                    "end_users": "Claim handlers",
                },
            ),
            PROJECT_EXAMPLE,
        ],
    )
    def create(self, request: Request) -> Response:
        data = validated(ProjectCreateInputSerializer, request.data)
        organization = self._organization_for_create(data["organization"])
        project = project_create(
            actor=signed_in_user(request),
            organization=organization,
            name=data["name"],
            description=data["description"],
            use_case={name: data[name] for name in USE_CASE_FIELDS if name in data},
        )
        return Response(ProjectOutputSerializer(project).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Get a project",
        description="One project." + NO_DELETE,
        parameters=[ID],
        responses={200: ProjectOutputSerializer, **problems(*READ)},
        examples=[PROJECT_EXAMPLE],
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(ProjectOutputSerializer(self.get_object()).data)

    def _update(self, request: Request, *, partial: bool) -> Response:
        project = self.get_object()
        data = validated(ProjectUpdateInputSerializer, request.data, partial=partial)
        project = project_update(actor=signed_in_user(request), project=project, **data)
        return Response(ProjectOutputSerializer(project).data)

    @extend_schema(
        summary="Replace a project's editable fields",
        description=(
            "Managers and organisation administrators. Every editable field is required; "
            "the phase moves through gates, not here." + NO_DELETE
        ),
        parameters=[ID],
        request=ProjectUpdateInputSerializer,
        responses={200: ProjectOutputSerializer, **problems(*WRITE)},
    )
    def update(self, request: Request, pk: str) -> Response:
        return self._update(request, partial=False)

    @extend_schema(
        summary="Update a project",
        description=(
            "Managers and organisation administrators; only the fields given change. "
            "The phase moves through gates, not here." + NO_DELETE
        ),
        parameters=[ID],
        request=ProjectUpdateInputSerializer,
        responses={200: ProjectOutputSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample("Put on hold", request_only=True, value={"status": "on_hold"}),
            PROJECT_EXAMPLE,
        ],
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        return self._update(request, partial=True)


@extend_schema(parameters=[PROJECT_ID])
class ProjectMemberViewSet(ApiViewSet):
    """The people on a project: everyone on it sees them, managers manage them."""

    policy_perms = {
        "list": Perm.PROJECT_VIEW,
        "retrieve": Perm.PROJECT_VIEW,
        "create": Perm.PROJECT_MANAGE,
        "partial_update": Perm.PROJECT_MANAGE,
        "destroy": Perm.PROJECT_MANAGE,
    }
    _project: Project | None = None

    def get_project(self) -> Project:
        """The project in the URL: 404 if invisible, 403 without the collection action's perm."""
        if self._project is None:
            self._project = project_get_for_user(
                user=signed_in_user(self.request),
                id=self.kwargs["project_id"],
                perm=self.collection_perm(Perm.PROJECT_VIEW),
            )
        return self._project

    def get_queryset(self) -> Any:
        if self.is_schema_generation:
            return ProjectMembership.objects.none()
        return project_member_list(user=signed_in_user(self.request), project=self.get_project())

    @extend_schema(
        summary="List the project's members",
        responses={200: ProjectMemberOutputSerializer, **problems(*READ)},
    )
    def list(self, request: Request, project_id: str) -> Response:
        """The people on the project with their roles, by email."""
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ProjectMemberOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Add someone to the project",
        request=ProjectMemberCreateInputSerializer,
        responses={201: ProjectMemberOutputSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample(
                "Add a reviewer",
                request_only=True,
                value={"user": "0b6f3f6e-7f2a-4d43-9b8e-2f1f0c9d1a11", "role": "reviewer"},
            )
        ],
    )
    def create(self, request: Request, project_id: str) -> Response:
        """Give a member of the project's organisation a role on it (managers)."""
        project = self.get_project()
        data = validated(ProjectMemberCreateInputSerializer, request.data)
        # The person is looked up among the organisation's members only, so an id from
        # elsewhere (or none at all) gets the same answer and reveals nothing.
        org_membership = (
            membership_list(user=signed_in_user(request), organization=project.organization)
            .filter(user_id=data["user"])
            .first()
        )
        if org_membership is None:
            raise ValidationError({"user": [NOT_AN_ORG_MEMBER]})
        membership = project_member_add(
            actor=signed_in_user(request),
            project=project,
            user=org_membership.user,
            role=data["role"],
        )
        return Response(
            ProjectMemberOutputSerializer(membership).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Get a project member",
        parameters=[ID],
        responses={200: ProjectMemberOutputSerializer, **problems(*READ)},
    )
    def retrieve(self, request: Request, project_id: str, pk: str) -> Response:
        """One membership of the project."""
        return Response(ProjectMemberOutputSerializer(self.get_object()).data)

    @extend_schema(
        summary="Change someone's project role",
        parameters=[ID],
        request=ProjectMemberUpdateInputSerializer,
        responses={200: ProjectMemberOutputSerializer, **problems(*WRITE)},
    )
    def partial_update(self, request: Request, project_id: str, pk: str) -> Response:
        """Change a role (managers; the last manager stays one). An empty body changes nothing."""
        membership = self.get_object()
        data = validated(ProjectMemberUpdateInputSerializer, request.data, partial=True)
        if "role" in data:
            membership = project_member_change_role(
                actor=signed_in_user(request), membership=membership, role=data["role"]
            )
        return Response(ProjectMemberOutputSerializer(membership).data)

    @extend_schema(
        summary="Take someone off the project",
        parameters=[ID],
        responses={204: None, **problems(*DELETE)},
    )
    def destroy(self, request: Request, project_id: str, pk: str) -> Response:
        """Remove the membership (managers; the last manager cannot be removed)."""
        project_member_remove(actor=signed_in_user(request), membership=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
