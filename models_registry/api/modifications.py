"""REST endpoints of possible substantial modifications: the changes flagged on a project in
Integrate or Operate, and a compliance officer's assessment of each."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import Perm
from accounts.rest import UserSummaryOutputSerializer
from accounts.types import signed_in_user
from core.api.schema import ID, READ, WRITE, problems
from core.api.serializers import StrictInputSerializer, validated
from models_registry.api.adapt import VersionSummarySerializer
from models_registry.models import ModificationFlag
from models_registry.selectors import modification_flag_get_for_user, modification_flag_list
from models_registry.services import modification_assess
from projects.rest import PROJECT_ID, ProjectChildViewSet


@extend_schema_serializer(component_name="ModificationFlag")
class ModificationFlagOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=ModificationFlag.Kind.choices)
    phase = serializers.CharField(help_text="The project's phase when the change was recorded.")
    source_type = serializers.CharField(
        help_text="What raised it: modelversion, optimisationrecord."
    )
    source_id = serializers.UUIDField()
    model_version = VersionSummarySerializer(allow_null=True)
    summary = serializers.CharField()
    status = serializers.ChoiceField(choices=ModificationFlag.Status.choices)
    assessment = serializers.CharField()
    assessed_by = UserSummaryOutputSerializer(allow_null=True)
    assessed_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="ModificationAssessment")
class AssessInputSerializer(StrictInputSerializer):
    verdict = serializers.ChoiceField(
        choices=[
            (ModificationFlag.Status.SUBSTANTIAL, "Substantial modification"),
            (ModificationFlag.Status.NOT_SUBSTANTIAL, "Not a substantial modification"),
        ]
    )
    assessment = serializers.CharField(max_length=5000, help_text="Why: required.")


@extend_schema(parameters=[PROJECT_ID])
class ModificationFlagViewSet(ProjectChildViewSet):
    """Possible substantial modifications (EU AI Act Art. 3(23), Art. 43(4))."""

    policy_perms = {
        "list": Perm.PROJECT_VIEW,
        "retrieve": Perm.PROJECT_VIEW,
        "assess": Perm.PROJECT_APPROVE_COMPLIANCE,
    }

    def fetch_row(self, pk: str) -> ModificationFlag:
        return modification_flag_get_for_user(user=signed_in_user(self.request), id=pk)

    @extend_schema(
        summary="List the possible substantial modifications",
        responses={200: ModificationFlagOutputSerializer, **problems(*READ)},
    )
    def list(self, request: Request, project_id: str) -> Response:
        page = self.paginate_queryset(modification_flag_list(project=self.get_project()))
        return self.get_paginated_response(ModificationFlagOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Get a possible substantial modification",
        parameters=[ID],
        responses={200: ModificationFlagOutputSerializer, **problems(*READ)},
    )
    def retrieve(self, request: Request, project_id: str, pk: str) -> Response:
        return Response(ModificationFlagOutputSerializer(self.get_object()).data)

    @extend_schema(
        summary="Assess whether the change is a substantial modification",
        parameters=[ID],
        request=AssessInputSerializer,
        responses={200: ModificationFlagOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def assess(self, request: Request, project_id: str, pk: str) -> Response:
        flag = self.get_object()  # policy_perms: compliance officers only, before the body
        data: dict[str, Any] = validated(AssessInputSerializer, request.data)
        assessed = modification_assess(actor=signed_in_user(request), flag=flag, **data)
        return Response(ModificationFlagOutputSerializer(self.fetch_row(str(assessed.pk))).data)
