"""REST endpoints of the stakeholder registry: the organisation's people, and which of them
take part in a project (with the influence/interest grid)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Organization
from accounts.permissions import Perm
from accounts.rest import ORGANIZATION_ID, OrganizationChildViewSet
from accounts.types import signed_in_user
from core.api.schema import DELETE, ID, READ, WRITE, problems
from core.api.serializers import StrictInputSerializer, validated
from projects.rest import PROJECT_ID, ProjectChildViewSet, ProjectsApiViewSet, person_in
from stakeholders.api.common import EXAMPLE_IDS
from stakeholders.models import ProjectStakeholder, Stakeholder
from stakeholders.selectors import (
    QUADRANTS,
    influence_interest_grid,
    project_stakeholder_get_for_user,
    project_stakeholder_list,
    stakeholder_get_for_user,
    stakeholder_list,
)
from stakeholders.services import (
    stakeholder_create,
    stakeholder_link,
    stakeholder_unlink,
    stakeholder_update,
)

USER_NOT_IN_ORG = "Pick a member of the stakeholder's organisation."
UNKNOWN_STAKEHOLDER = "Unknown stakeholder."
QUADRANT_HELP = (
    "From influence and interest (3 and above is high): manage_closely, keep_satisfied, "
    "keep_informed or monitor."
)


def _one_to_five(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=5, **kwargs)


# --- serializers ----------------------------------------------------------------------------


@extend_schema_serializer(component_name="Stakeholder")
class StakeholderOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    organization = serializers.UUIDField(source="organization_id")
    name = serializers.CharField()
    email = serializers.EmailField()
    unit = serializers.CharField(help_text="Organisation or unit.")
    kind = serializers.ChoiceField(choices=Stakeholder.Kind.choices)
    influence = serializers.IntegerField(help_text="1 to 5.")
    interest = serializers.IntegerField(help_text="1 to 5.")
    quadrant = serializers.ChoiceField(choices=QUADRANTS, help_text=QUADRANT_HELP)
    preferred_contact = serializers.ChoiceField(choices=Stakeholder.Contact.choices)
    notes = serializers.CharField()
    user = serializers.UUIDField(
        source="user_id", allow_null=True, help_text="Their Charter account, if they have one."
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class StakeholderFieldsInputSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=150)
    email = serializers.EmailField(max_length=254, help_text="Unique in the organisation.")
    unit = serializers.CharField(max_length=150, allow_blank=True, required=False)
    kind = serializers.ChoiceField(choices=Stakeholder.Kind.choices, required=False)
    influence = _one_to_five(required=False, help_text="1 to 5; default 3.")
    interest = _one_to_five(required=False, help_text="1 to 5; default 3.")
    preferred_contact = serializers.ChoiceField(choices=Stakeholder.Contact.choices, required=False)
    notes = serializers.CharField(max_length=5000, allow_blank=True, required=False)
    user = serializers.UUIDField(
        allow_null=True, required=False, help_text="A member of the organisation, or null."
    )


@extend_schema_serializer(component_name="StakeholderCreate")
class StakeholderCreateInputSerializer(StakeholderFieldsInputSerializer):
    pass


@extend_schema_serializer(component_name="StakeholderUpdate")
class StakeholderUpdateInputSerializer(StakeholderFieldsInputSerializer):
    """Only the fields given change."""


@extend_schema_serializer(component_name="ProjectStakeholder")
class ProjectStakeholderOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="The link's id (DELETE it to unlink).")
    stakeholder = StakeholderOutputSerializer()
    role = serializers.CharField(help_text="Their role in the project.")
    quadrant = serializers.ChoiceField(
        source="stakeholder.quadrant", choices=QUADRANTS, help_text=QUADRANT_HELP
    )
    created_at = serializers.DateTimeField(help_text="When they were linked.")


@extend_schema_serializer(component_name="ProjectStakeholderCreate")
class ProjectStakeholderCreateInputSerializer(StrictInputSerializer):
    stakeholder = serializers.UUIDField(help_text="A stakeholder of the project's organisation.")
    role = serializers.CharField(max_length=150, allow_blank=True, required=False)


@extend_schema_serializer(component_name="GridStakeholder")
class GridPersonSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    unit = serializers.CharField()
    kind = serializers.ChoiceField(choices=Stakeholder.Kind.choices)
    influence = serializers.IntegerField()
    interest = serializers.IntegerField()


@extend_schema_serializer(component_name="InfluenceInterestGrid")
class GridOutputSerializer(serializers.Serializer):
    manage_closely = GridPersonSerializer(many=True, help_text="High influence, high interest.")
    keep_satisfied = GridPersonSerializer(many=True, help_text="High influence, low interest.")
    keep_informed = GridPersonSerializer(many=True, help_text="Low influence, high interest.")
    monitor = GridPersonSerializer(many=True, help_text="Low influence, low interest.")


class StakeholderListQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text="In name, email and unit."
    )
    kind = serializers.ChoiceField(choices=Stakeholder.Kind.choices, required=False)


STAKEHOLDER_VALUE = {
    "id": EXAMPLE_IDS["stakeholder"],
    "organization": EXAMPLE_IDS["organization"],
    "name": "Dana Reyes",
    "email": "dana.reyes@acme.example",
    "unit": "Claims operations",
    "kind": "business",
    "influence": 4,
    "interest": 5,
    "quadrant": "manage_closely",
    "preferred_contact": "meeting",
    "notes": "",
    "user": None,
    "created_at": "2026-11-28T09:00:00Z",
    "updated_at": "2026-11-28T09:00:00Z",
}
STAKEHOLDER_EXAMPLE = OpenApiExample("Stakeholder", response_only=True, value=STAKEHOLDER_VALUE)


# --- the registry ---------------------------------------------------------------------------


@extend_schema(parameters=[ORGANIZATION_ID])
class OrganizationStakeholderViewSet(OrganizationChildViewSet):
    """The organisation's stakeholder registry: every member reads it and adds to it."""

    policy_perms = {"list": Perm.ORG_VIEW, "create": Perm.ORG_VIEW}

    @extend_schema(
        summary="List stakeholders",
        description="By name. `q` searches name, email and unit; `kind` filters.",
        parameters=[StakeholderListQuerySerializer],
        responses={200: StakeholderOutputSerializer, **problems(400, 401, 404, 429)},
    )
    def list(self, request: Request, organization_id: str) -> Response:
        organization = self.get_organization()
        query = validated(StakeholderListQuerySerializer, request.query_params)
        people = stakeholder_list(
            user=signed_in_user(request), organization=organization, q=query.get("q", "")
        )
        if "kind" in query:
            people = people.filter(kind=query["kind"])
        # The id breaks ties between namesakes, so no one is skipped or repeated across pages.
        page = self.paginate_queryset(people.order_by("name", "pk"))
        return self.get_paginated_response(StakeholderOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Add a stakeholder",
        description=(
            "Any member. The email is stored lower-case and is unique in the organisation. "
            "The audit trail records which personal fields were set, never their values."
        ),
        request=StakeholderCreateInputSerializer,
        responses={201: StakeholderOutputSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample(
                "New stakeholder",
                request_only=True,
                value={
                    "name": "Dana Reyes",
                    "email": "dana.reyes@acme.example",
                    "unit": "Claims operations",
                    "kind": "business",
                    "influence": 4,
                    "interest": 5,
                    "preferred_contact": "meeting",
                },
            ),
            STAKEHOLDER_EXAMPLE,
        ],
    )
    def create(self, request: Request, organization_id: str) -> Response:
        organization = self.get_organization()
        data = validated(StakeholderCreateInputSerializer, request.data)
        _resolve_user(request, organization, data)
        person = stakeholder_create(
            actor=signed_in_user(request), organization=organization, **data
        )
        return Response(StakeholderOutputSerializer(person).data, status=status.HTTP_201_CREATED)


def _resolve_user(request: Request, organization: Organization, data: dict[str, Any]) -> None:
    """Replace the `user` id in `data` by the organisation member it names (else 400)."""
    if "user" in data:
        data["user"] = person_in(
            user=signed_in_user(request),
            organization=organization,
            person_id=data["user"],
            field="user",
            message=USER_NOT_IN_ORG,
        )


class StakeholderViewSet(ProjectsApiViewSet):
    """One stakeholder of the registry: members of their organisation only."""

    def get_object(self) -> Stakeholder:
        return self.check_row(
            stakeholder_get_for_user(user=signed_in_user(self.request), id=self.kwargs["pk"])
        )

    @extend_schema(
        summary="Get a stakeholder",
        parameters=[ID],
        responses={200: StakeholderOutputSerializer, **problems(*READ)},
        examples=[STAKEHOLDER_EXAMPLE],
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(StakeholderOutputSerializer(self.get_object()).data)

    @extend_schema(
        summary="Update a stakeholder",
        description="Any member of the organisation; only the fields given change.",
        parameters=[ID],
        request=StakeholderUpdateInputSerializer,
        responses={200: StakeholderOutputSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample("Raise influence", request_only=True, value={"influence": 5}),
            STAKEHOLDER_EXAMPLE,
        ],
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        person = self.get_object()
        data = validated(StakeholderUpdateInputSerializer, request.data, partial=True)
        _resolve_user(request, person.organization, data)
        person = stakeholder_update(actor=signed_in_user(request), stakeholder=person, **data)
        return Response(StakeholderOutputSerializer(person).data)


# --- stakeholders of a project --------------------------------------------------------------


@extend_schema(parameters=[PROJECT_ID])
class ProjectStakeholderViewSet(ProjectChildViewSet):
    """Who takes part in the project: everyone on it reads, contributors link and unlink."""

    policy_perms = {
        "list": Perm.PROJECT_VIEW,
        "grid": Perm.PROJECT_VIEW,
        "retrieve": Perm.PROJECT_VIEW,
        "create": Perm.PROJECT_CONTRIBUTE,
        "destroy": Perm.PROJECT_CONTRIBUTE,
    }

    def fetch_row(self, pk: str) -> ProjectStakeholder:
        return project_stakeholder_get_for_user(user=signed_in_user(self.request), id=pk)

    @extend_schema(
        summary="List the project's stakeholders",
        description="Linked stakeholders by name, each with their role and quadrant.",
        responses={200: ProjectStakeholderOutputSerializer, **problems(*READ)},
    )
    def list(self, request: Request, project_id: str) -> Response:
        links = project_stakeholder_list(user=signed_in_user(request), project=self.get_project())
        page = self.paginate_queryset(links)
        return self.get_paginated_response(ProjectStakeholderOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Link a stakeholder to the project",
        description=(
            "Contributors. The stakeholder must be in the project's organisation; one of "
            "another organisation answers 400 like an id that does not exist."
        ),
        request=ProjectStakeholderCreateInputSerializer,
        responses={201: ProjectStakeholderOutputSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample(
                "Link",
                request_only=True,
                value={"stakeholder": EXAMPLE_IDS["stakeholder"], "role": "Process owner"},
            )
        ],
    )
    def create(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        data = validated(ProjectStakeholderCreateInputSerializer, request.data)
        try:
            person = stakeholder_get_for_user(user=signed_in_user(request), id=data["stakeholder"])
        except Http404:
            person = None
        # A body field: someone of another organisation looks like no one at all.
        if person is None or person.organization_id != project.organization_id:
            raise serializers.ValidationError({"stakeholder": [UNKNOWN_STAKEHOLDER]})
        link = stakeholder_link(
            actor=signed_in_user(request),
            project=project,
            stakeholder=person,
            role=data.get("role", ""),
        )
        return Response(
            ProjectStakeholderOutputSerializer(link).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Get a stakeholder link",
        parameters=[ID],
        responses={200: ProjectStakeholderOutputSerializer, **problems(*READ)},
    )
    def retrieve(self, request: Request, project_id: str, pk: str) -> Response:
        return Response(ProjectStakeholderOutputSerializer(self.get_object()).data)

    @extend_schema(
        summary="Unlink a stakeholder from the project",
        description="Contributors. The stakeholder stays in the organisation's registry.",
        parameters=[ID],
        responses={204: None, **problems(*DELETE)},
    )
    def destroy(self, request: Request, project_id: str, pk: str) -> Response:
        stakeholder_unlink(actor=signed_in_user(request), link=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Influence/interest grid",
        description="The project's stakeholders in the four quadrants of the 2×2 grid, by name.",
        operation_id="projects_stakeholders_grid",
        responses={200: GridOutputSerializer, **problems(*READ)},
        examples=[
            OpenApiExample(
                "Grid",
                response_only=True,
                value={
                    "manage_closely": [
                        {
                            "id": EXAMPLE_IDS["stakeholder"],
                            "name": "Dana Reyes",
                            "unit": "Claims operations",
                            "kind": "business",
                            "influence": 4,
                            "interest": 5,
                        }
                    ],
                    "keep_satisfied": [],
                    "keep_informed": [],
                    "monitor": [],
                },
            )
        ],
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def grid(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        people = stakeholder_list(
            user=signed_in_user(request), organization=project.organization, project=project
        )
        return Response(GridOutputSerializer(influence_interest_grid(list(people))).data)
