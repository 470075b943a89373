"""REST endpoint of the project's data inventory: the privacy view of its datasets (edited
through the Adapt phase's dataset endpoints), with where each was used and its gaps."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import Perm
from compliance.privacy_inventory import inventory_gaps, processor_list, usage
from compliance.selectors.privacy import inventory_list
from core.api.schema import problems
from core.api.serializers import validated
from models_registry.models import Dataset
from projects.rest import PROJECT_ID, ProjectChildViewSet


class InventoryRunSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    status = serializers.CharField()


class InventoryEvaluationSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    benchmark = serializers.CharField()
    model_version = serializers.CharField(source="model_version.name")
    evaluated_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="InventoryEntry")
class InventoryEntryOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    purpose = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]
    personal_data = serializers.BooleanField()
    personal_data_categories = serializers.ListField(child=serializers.CharField())
    special_categories = serializers.ListField(child=serializers.CharField())
    special_category_condition = serializers.CharField()
    data_subjects = serializers.ListField(child=serializers.CharField())
    lawful_basis = serializers.CharField()
    retention = serializers.CharField()
    transfers_outside_eea = serializers.BooleanField()
    transfer_countries = serializers.CharField()
    transfer_safeguard = serializers.CharField()
    processors = serializers.SerializerMethodField()
    fine_tune_runs = serializers.SerializerMethodField()
    evaluations = serializers.SerializerMethodField()
    gaps = serializers.SerializerMethodField()

    def get_processors(self, dataset: Dataset) -> list[str]:
        return processor_list(dataset)

    @extend_schema_field(InventoryRunSerializer(many=True))
    def get_fine_tune_runs(self, dataset: Dataset) -> list[dict[str, Any]]:
        return InventoryRunSerializer(usage(dataset)["fine_tune_runs"], many=True).data  # type: ignore[return-value]

    @extend_schema_field(InventoryEvaluationSerializer(many=True))
    def get_evaluations(self, dataset: Dataset) -> list[dict[str, Any]]:
        return InventoryEvaluationSerializer(usage(dataset)["evaluations"], many=True).data  # type: ignore[return-value]

    def get_gaps(self, dataset: Dataset) -> list[str]:
        return inventory_gaps(dataset)


class InventoryListQuerySerializer(serializers.Serializer):
    personal_data = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Only datasets with (or without) personal data.",
    )


@extend_schema(parameters=[PROJECT_ID])
class PrivacyInventoryViewSet(ProjectChildViewSet):
    """The project's data inventory (GDPR Art. 30): its datasets' governance records."""

    policy_perms = {"list": Perm.PROJECT_VIEW}

    @extend_schema(
        summary="List the project's data inventory",
        description=(
            "Every dataset of the project with its inventory record, the fine-tuning runs and "
            "evaluations that used it, and its gaps (personal data without categories, special "
            "categories without an Art. 9(2) condition, a transfer without a safeguard…). The "
            "records are written through /adapt/datasets/."
        ),
        parameters=[InventoryListQuerySerializer],
        responses={200: InventoryEntryOutputSerializer, **problems(400, 401, 404, 429)},
    )
    def list(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        filters = validated(InventoryListQuerySerializer, request.query_params)
        page = self.paginate_queryset(inventory_list(project=project, filters=filters))
        return self.get_paginated_response(InventoryEntryOutputSerializer(page, many=True).data)
