"""REST endpoints of optimisation records: what a quantization, pruning, distillation or
compilation of a version bought in latency, memory and cost, and what it cost in quality."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import Perm
from accounts.types import signed_in_user
from core.api.schema import READ, WRITE, problems
from core.api.serializers import StrictInputSerializer, validated
from models_registry.api.adapt import VersionSummarySerializer
from models_registry.api.lookups import in_project, version_named
from models_registry.models import OptimisationRecord
from models_registry.selectors import evaluation_in_project, optimisation_list
from models_registry.services import optimisation_record
from projects.rest import PROJECT_ID, ProjectChildViewSet


def _measure() -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, min_value=0
    )


def _cost() -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=12, decimal_places=4, required=False, allow_null=True, min_value=0
    )


@extend_schema_serializer(component_name="OptimisationRecord")
class OptimisationOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="record.pk")
    technique = serializers.ChoiceField(
        source="record.technique", choices=OptimisationRecord.Technique.choices
    )
    bits = serializers.IntegerField(source="record.bits", allow_null=True)
    method = serializers.CharField(source="record.method")
    pruned_percent = serializers.DecimalField(
        source="record.pruned_percent", max_digits=5, decimal_places=2, allow_null=True
    )
    hardware = serializers.CharField(source="record.hardware")
    before = VersionSummarySerializer(source="record.before")
    after = VersionSummarySerializer(source="record.after")
    quality_metric = serializers.CharField(source="record.quality_metric")
    quality_before = serializers.DecimalField(max_digits=24, decimal_places=8, allow_null=True)
    quality_after = serializers.DecimalField(max_digits=24, decimal_places=8, allow_null=True)
    latency_p50_before = serializers.DecimalField(
        source="record.latency_p50_before", max_digits=12, decimal_places=2, allow_null=True
    )
    latency_p50_after = serializers.DecimalField(
        source="record.latency_p50_after", max_digits=12, decimal_places=2, allow_null=True
    )
    latency_p95_before = serializers.DecimalField(
        source="record.latency_p95_before", max_digits=12, decimal_places=2, allow_null=True
    )
    latency_p95_after = serializers.DecimalField(
        source="record.latency_p95_after", max_digits=12, decimal_places=2, allow_null=True
    )
    memory_mb_before = serializers.DecimalField(
        source="record.memory_mb_before", max_digits=12, decimal_places=2, allow_null=True
    )
    memory_mb_after = serializers.DecimalField(
        source="record.memory_mb_after", max_digits=12, decimal_places=2, allow_null=True
    )
    cost_per_1k_before = serializers.DecimalField(
        source="record.cost_per_1k_before", max_digits=12, decimal_places=4, allow_null=True
    )
    cost_per_1k_after = serializers.DecimalField(
        source="record.cost_per_1k_after", max_digits=12, decimal_places=4, allow_null=True
    )
    notes = serializers.CharField(source="record.notes")
    created_at = serializers.DateTimeField(source="record.created_at")


@extend_schema_serializer(component_name="OptimisationRecordWrite")
class OptimisationInputSerializer(StrictInputSerializer):
    technique = serializers.ChoiceField(choices=OptimisationRecord.Technique.choices)
    bits = serializers.IntegerField(min_value=1, max_value=32, required=False, allow_null=True)
    method = serializers.CharField(max_length=120, required=False, allow_blank=True)
    pruned_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False, allow_null=True
    )
    hardware = serializers.CharField(max_length=120, required=False, allow_blank=True)
    before = serializers.UUIDField(help_text="The version optimised.")
    after = serializers.UUIDField(help_text="The version it became.")
    before_evaluation = serializers.UUIDField(required=False, allow_null=True)
    after_evaluation = serializers.UUIDField(required=False, allow_null=True)
    quality_metric = serializers.CharField(max_length=120, required=False, allow_blank=True)
    latency_p50_before = _measure()
    latency_p50_after = _measure()
    latency_p95_before = _measure()
    latency_p95_after = _measure()
    memory_mb_before = _measure()
    memory_mb_after = _measure()
    cost_per_1k_before = _cost()
    cost_per_1k_after = _cost()
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)


@extend_schema(parameters=[PROJECT_ID])
class OptimisationViewSet(ProjectChildViewSet):
    """The trade-offs of the project's optimisations."""

    policy_perms = {"list": Perm.PROJECT_VIEW, "create": Perm.PROJECT_CONTRIBUTE}

    @extend_schema(
        summary="List the optimisation records with their quality on each side",
        responses={200: OptimisationOutputSerializer, **problems(*READ)},
    )
    def list(self, request: Request, project_id: str) -> Response:
        rows = optimisation_list(project=self.get_project())
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(OptimisationOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Record an optimisation",
        request=OptimisationInputSerializer,
        responses={201: OptimisationOutputSerializer, **problems(*WRITE)},
    )
    def create(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        data: dict[str, Any] = validated(OptimisationInputSerializer, request.data)
        for field in ("before", "after"):
            data[field] = version_named(project, data[field], field)
        for field in ("before_evaluation", "after_evaluation"):
            if data.get(field) is not None:
                data[field] = in_project(
                    evaluation_in_project(project=project, id=data[field]),
                    field,
                    "Not an evaluation of this project.",
                )
        record = optimisation_record(actor=signed_in_user(request), project=project, **data)
        [row] = [r for r in optimisation_list(project=project) if r.record.pk == record.pk]
        return Response(OptimisationOutputSerializer(row).data, status=status.HTTP_201_CREATED)
