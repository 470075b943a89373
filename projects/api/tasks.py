"""REST endpoints of tasks: a project's action items, one task, and "my work" (the open tasks
assigned to the signed-in user, across their projects)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import Perm, Rule
from accounts.rest import UserSummaryOutputSerializer
from accounts.types import signed_in_user
from core.api.schema import ID, READ, WRITE, problems
from core.api.serializers import StrictInputSerializer, validated
from projects.models import Project, Task
from projects.rest import PROJECT_ID, ProjectChildViewSet, ProjectsApiViewSet, person_in
from projects.selectors import task_get_for_user, task_list_for_user
from projects.services import task_create, task_update
from projects.services.tasks import ASSIGNEE_NOT_ON_PROJECT

# --- serializers ----------------------------------------------------------------------------


@extend_schema_serializer(component_name="TaskCreate")
class TaskCreateInputSerializer(StrictInputSerializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, allow_blank=True, required=False)
    assignee = serializers.UUIDField(
        allow_null=True, required=False, help_text="Someone who can see the project."
    )
    due_date = serializers.DateField(allow_null=True, required=False)


@extend_schema_serializer(component_name="TaskUpdate")
class TaskUpdateInputSerializer(StrictInputSerializer):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(max_length=5000, allow_blank=True, required=False)
    assignee = serializers.UUIDField(allow_null=True, required=False)
    due_date = serializers.DateField(allow_null=True, required=False)
    status = serializers.ChoiceField(choices=Task.Status.choices, required=False)


class ProjectSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="Task")
class TaskOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    project = ProjectSummarySerializer()
    title = serializers.CharField()
    description = serializers.CharField()
    assignee = UserSummaryOutputSerializer(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=Task.Status.choices)
    is_open = serializers.BooleanField(help_text="Open or in progress.")
    # A published field named like a DRF Field attribute; the metaclass takes declared
    # fields off the class, so the attribute is untouched at run time.
    source = serializers.ChoiceField(choices=Task.Source.choices)  # type: ignore[assignment]
    source_type = serializers.CharField(help_text='What it came from, e.g. "projects.risk".')
    source_id = serializers.CharField()
    created_by = serializers.UUIDField(
        source="created_by_id", allow_null=True, help_text="Null when the system created it."
    )
    completed_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class TaskListQuerySerializer(serializers.Serializer):
    include_closed = serializers.BooleanField(
        required=False, help_text="true: done and cancelled tasks too (open ones only otherwise)."
    )


TASK_EXAMPLE = OpenApiExample(
    "Task",
    response_only=True,
    value={
        "id": "6d7e8f9a-0b1c-4d2e-9f3a-4b5c6d7e8f9a",
        "project": {"id": "3f2a1b0c-9d8e-4f7a-b6c5-d4e3f2a1b0c9", "name": "Claims assistant"},
        "title": "Draft the DPIA",
        "description": "",
        "assignee": {
            "id": "0b6f3f6e-7f2a-4d43-9b8e-2f1f0c9d1a11",
            "email": "ada@acme.example",
            "full_name": "Ada Lovelace",
        },
        "due_date": "2027-01-15",
        "status": "open",
        "is_open": True,
        "source": "manual",
        "source_type": "",
        "source_id": "",
        "created_by": "0b6f3f6e-7f2a-4d43-9b8e-2f1f0c9d1a11",
        "completed_at": None,
        "created_at": "2026-11-28T09:00:00Z",
        "updated_at": "2026-11-28T09:00:00Z",
    },
)
ORDER = "By due date (undated last), then creation."


def _assignee(user: Any, project: Project, data: dict[str, Any]) -> None:
    """Swap the assignee's id in `data` for the user (a 400 if they are not in the org)."""
    if "assignee" in data:
        data["assignee"] = person_in(
            user=user,
            organization=project.organization,
            person_id=data["assignee"],
            field="assignee",
            message=ASSIGNEE_NOT_ON_PROJECT,
        )


# --- views ----------------------------------------------------------------------------------


@extend_schema(parameters=[PROJECT_ID])
class ProjectTaskViewSet(ProjectChildViewSet):
    """A project's tasks: everyone on it reads them; contributors and reviewers add them."""

    # Checked on the project before the body is read: a viewer's empty POST is a 403, not a
    # 400 about the missing title.
    policy_perms = {"list": Perm.PROJECT_VIEW, "create": Rule.TASK_CREATE}

    @extend_schema(
        summary="List the project's tasks",
        description="Open tasks unless `include_closed=true`. " + ORDER,
        parameters=[TaskListQuerySerializer],
        responses={200: TaskOutputSerializer, **problems(400, 401, 404, 429)},
    )
    def list(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        query = validated(TaskListQuerySerializer, request.query_params)
        tasks = task_list_for_user(
            user=signed_in_user(request), project=project, open_only=not query.get("include_closed")
        )
        page = self.paginate_queryset(tasks)
        return self.get_paginated_response(TaskOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Add a task",
        description="Contributors and reviewers; the assignee must be able to see the project.",
        request=TaskCreateInputSerializer,
        responses={201: TaskOutputSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample(
                "New task",
                request_only=True,
                value={
                    "title": "Draft the DPIA",
                    "assignee": "0b6f3f6e-7f2a-4d43-9b8e-2f1f0c9d1a11",
                    "due_date": "2027-01-15",
                },
            ),
            TASK_EXAMPLE,
        ],
    )
    def create(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        data = validated(TaskCreateInputSerializer, request.data)
        _assignee(signed_in_user(request), project, data)
        task = task_create(actor=signed_in_user(request), project=project, **data)
        return Response(TaskOutputSerializer(task).data, status=status.HTTP_201_CREATED)


class TaskViewSet(ProjectsApiViewSet):
    """One task: contributors edit it; its assignee moves it along (status only)."""

    def get_object(self) -> Task:
        return self.check_row(
            task_get_for_user(user=signed_in_user(self.request), id=self.kwargs["pk"])
        )

    @extend_schema(
        summary="Get a task",
        parameters=[ID],
        responses={200: TaskOutputSerializer, **problems(*READ)},
        examples=[TASK_EXAMPLE],
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(TaskOutputSerializer(self.get_object()).data)

    @extend_schema(
        summary="Update a task",
        description=(
            "Contributors change any field; the assignee may change `status` alone (403 for "
            "anything else). Done sets `completed_at`."
        ),
        parameters=[ID],
        request=TaskUpdateInputSerializer,
        responses={200: TaskOutputSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample("Done", request_only=True, value={"status": "done"}),
            TASK_EXAMPLE,
        ],
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        task = self.get_object()
        data = validated(TaskUpdateInputSerializer, request.data)
        _assignee(signed_in_user(request), task.project, data)
        task = task_update(actor=signed_in_user(request), task=task, **data)
        return Response(TaskOutputSerializer(task).data)


class MyTaskViewSet(ProjectsApiViewSet):
    """My work: the open tasks assigned to me, in every project I can see."""

    @extend_schema(
        summary="My open tasks",
        description="Open and in-progress tasks assigned to you. " + ORDER,
        responses={200: TaskOutputSerializer, **problems(*READ)},
        examples=[TASK_EXAMPLE],
    )
    def list(self, request: Request) -> Response:
        tasks = task_list_for_user(user=signed_in_user(request), mine=True)
        page = self.paginate_queryset(tasks)
        return self.get_paginated_response(TaskOutputSerializer(page, many=True).data)
