"""REST endpoints of human feedback on the model (entered, triaged, addressed by a version)
and of user-testing sessions."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import Perm
from accounts.rest import UserSummaryOutputSerializer
from accounts.types import signed_in_user
from core.api.schema import ID, READ, WRITE, problems
from core.api.serializers import StrictInputSerializer, validated
from models_registry.api.adapt import VersionSummarySerializer
from models_registry.api.lookups import NOT_A_VERSION, in_project, version_named
from models_registry.models import HumanFeedback, UserTestSession
from models_registry.selectors import (
    feedback_get_for_user,
    feedback_list,
    model_version_in_project,
    prompt_version_in_project,
    user_test_get_for_user,
    user_test_list,
)
from models_registry.services import (
    feedback_addressed,
    feedback_record,
    feedback_triage,
    user_test_record,
)
from projects.rest import PROJECT_ID, ProjectChildViewSet


@extend_schema_serializer(component_name="HumanFeedback")
class FeedbackOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    source = serializers.ChoiceField(choices=HumanFeedback.Source.choices)  # type: ignore[assignment]
    text = serializers.CharField()
    rating = serializers.IntegerField(allow_null=True)
    model_version = VersionSummarySerializer(allow_null=True)
    status = serializers.ChoiceField(choices=HumanFeedback.Status.choices)
    triage_note = serializers.CharField()
    triaged_by = UserSummaryOutputSerializer(allow_null=True)
    triaged_at = serializers.DateTimeField(allow_null=True)
    addressed_in = VersionSummarySerializer(allow_null=True)
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="HumanFeedbackCreate")
class FeedbackInputSerializer(StrictInputSerializer):
    text = serializers.CharField(max_length=4000)
    model_version = serializers.UUIDField(required=False, allow_null=True)


@extend_schema_serializer(component_name="HumanFeedbackTriage")
class TriageInputSerializer(StrictInputSerializer):
    status = serializers.ChoiceField(choices=["accepted", "needs_change", "rejected"])
    note = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, help_text="Required to reject."
    )


@extend_schema_serializer(component_name="HumanFeedbackAddressed")
class AddressedInputSerializer(StrictInputSerializer):
    version = serializers.UUIDField(help_text="The model version that addressed it.")
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class FeedbackListQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=HumanFeedback.Status.choices, required=False)


@extend_schema(parameters=[PROJECT_ID])
class HumanFeedbackViewSet(ProjectChildViewSet):
    """Human feedback on the model: the model's "you said, we did"."""

    policy_perms = {
        "list": Perm.PROJECT_VIEW,
        "retrieve": Perm.PROJECT_VIEW,
        "create": Perm.PROJECT_CONTRIBUTE,
        "triage": Perm.PROJECT_CONTRIBUTE,
        "addressed": Perm.PROJECT_CONTRIBUTE,
    }

    def fetch_row(self, pk: str) -> HumanFeedback:
        return feedback_get_for_user(user=signed_in_user(self.request), id=pk)

    def _out(self, item: HumanFeedback) -> Any:
        fresh = feedback_get_for_user(user=signed_in_user(self.request), id=item.pk)
        return FeedbackOutputSerializer(fresh).data

    @extend_schema(
        summary="List the human feedback",
        parameters=[FeedbackListQuerySerializer],
        responses={200: FeedbackOutputSerializer, **problems(*READ)},
    )
    def list(self, request: Request, project_id: str) -> Response:
        query = validated(FeedbackListQuerySerializer, request.query_params)
        rows = feedback_list(project=self.get_project(), status=query.get("status", ""))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(FeedbackOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Record a piece of feedback",
        request=FeedbackInputSerializer,
        responses={201: FeedbackOutputSerializer, **problems(*WRITE)},
    )
    def create(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        data: dict[str, Any] = validated(FeedbackInputSerializer, request.data)
        data["model_version"] = version_named(project, data.get("model_version"), "model_version")
        item = feedback_record(actor=signed_in_user(request), project=project, **data)
        return Response(self._out(item), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Get a piece of feedback",
        parameters=[ID],
        responses={200: FeedbackOutputSerializer, **problems(*READ)},
    )
    def retrieve(self, request: Request, project_id: str, pk: str) -> Response:
        return Response(FeedbackOutputSerializer(self.get_object()).data)

    @extend_schema(
        summary="Triage the feedback",
        parameters=[ID],
        request=TriageInputSerializer,
        responses={200: FeedbackOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def triage(self, request: Request, project_id: str, pk: str) -> Response:
        item = self.get_object()
        data: dict[str, Any] = validated(TriageInputSerializer, request.data)
        return Response(
            self._out(feedback_triage(actor=signed_in_user(request), item=item, **data))
        )

    @extend_schema(
        summary="Say which version addressed it",
        parameters=[ID],
        request=AddressedInputSerializer,
        responses={200: FeedbackOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def addressed(self, request: Request, project_id: str, pk: str) -> Response:
        item = self.get_object()
        data: dict[str, Any] = validated(AddressedInputSerializer, request.data)
        version = in_project(
            model_version_in_project(project=item.project, id=data["version"]),
            "version",
            NOT_A_VERSION,
        )
        done = feedback_addressed(
            actor=signed_in_user(request), item=item, version=version, note=data.get("note", "")
        )
        return Response(self._out(done))


@extend_schema_serializer(component_name="UserTestSession")
class UserTestOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    model_version = VersionSummarySerializer()
    prompt_version = serializers.UUIDField(source="prompt_version_id", allow_null=True)
    held_on = serializers.DateField()
    participants = serializers.IntegerField()
    tasks = serializers.ListField(child=serializers.CharField())
    attempts = serializers.IntegerField()
    successes = serializers.IntegerField()
    success_rate = serializers.FloatField()
    satisfaction = serializers.DecimalField(max_digits=3, decimal_places=2, allow_null=True)
    findings = serializers.CharField()
    created_by = UserSummaryOutputSerializer()
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="UserTestSessionCreate")
class UserTestInputSerializer(StrictInputSerializer):
    model_version = serializers.UUIDField()
    prompt_version = serializers.UUIDField(required=False, allow_null=True)
    held_on = serializers.DateField()
    participants = serializers.IntegerField(min_value=1, help_text="A count: no names.")
    tasks = serializers.ListField(
        child=serializers.CharField(max_length=300), max_length=50, required=False
    )
    attempts = serializers.IntegerField(min_value=1)
    successes = serializers.IntegerField(min_value=0)
    satisfaction = serializers.DecimalField(
        max_digits=3, decimal_places=2, min_value=1, max_value=5, required=False, allow_null=True
    )
    findings = serializers.CharField(max_length=10000, required=False, allow_blank=True)


@extend_schema(parameters=[PROJECT_ID])
class UserTestViewSet(ProjectChildViewSet):
    """User-testing sessions of the project's versions."""

    policy_perms = {
        "list": Perm.PROJECT_VIEW,
        "retrieve": Perm.PROJECT_VIEW,
        "create": Perm.PROJECT_CONTRIBUTE,
    }

    def fetch_row(self, pk: str) -> UserTestSession:
        return user_test_get_for_user(user=signed_in_user(self.request), id=pk)

    @extend_schema(
        summary="List the user-testing sessions",
        responses={200: UserTestOutputSerializer, **problems(*READ)},
    )
    def list(self, request: Request, project_id: str) -> Response:
        page = self.paginate_queryset(user_test_list(project=self.get_project()))
        return self.get_paginated_response(UserTestOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Record a user-testing session",
        request=UserTestInputSerializer,
        responses={201: UserTestOutputSerializer, **problems(*WRITE)},
    )
    def create(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        data: dict[str, Any] = validated(UserTestInputSerializer, request.data)
        data["model_version"] = version_named(project, data["model_version"], "model_version")
        if data.get("prompt_version") is not None:
            data["prompt_version"] = in_project(
                prompt_version_in_project(project=project, id=data["prompt_version"]),
                "prompt_version",
                "Not a prompt version of this project.",
            )
        session = user_test_record(actor=signed_in_user(request), project=project, **data)
        session = user_test_get_for_user(user=signed_in_user(request), id=session.pk)
        return Response(UserTestOutputSerializer(session).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Get a user-testing session",
        parameters=[ID],
        responses={200: UserTestOutputSerializer, **problems(*READ)},
    )
    def retrieve(self, request: Request, project_id: str, pk: str) -> Response:
        return Response(UserTestOutputSerializer(self.get_object()).data)
