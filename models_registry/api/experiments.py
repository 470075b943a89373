"""REST endpoints of the Integrate & operate phase's A/B tests: create a test with its
variants, start it, post each variant's running totals (as the serving side does), and finish
it. Every answer carries the analysis against the control."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import Perm
from accounts.types import signed_in_user
from core.api.schema import ID, READ, WRITE, problems
from core.api.serializers import StrictInputSerializer, validated
from models_registry.api.adapt import VersionSummarySerializer
from models_registry.api.lookups import in_project, version_named
from models_registry.experimenting import Analysis
from models_registry.models import ABTest
from models_registry.selectors import (
    ABTestDetail,
    ab_test_detail,
    ab_test_get_for_user,
    ab_test_list,
    ab_variant_in_test,
    prompt_version_in_project,
)
from models_registry.services import (
    ab_test_create,
    ab_test_finish,
    ab_test_results_post,
    ab_test_start,
)
from projects.rest import PROJECT_ID, ProjectChildViewSet

NOT_A_PROMPT_VERSION = "Not a prompt version of this project."
NOT_A_VARIANT = "Not a variant of this test."


@extend_schema_serializer(component_name="ABVariantCreate")
class VariantInputSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=120)
    is_control = serializers.BooleanField(required=False, default=False)
    model_version = serializers.UUIDField(required=False, allow_null=True)
    prompt_version = serializers.UUIDField(required=False, allow_null=True)
    traffic_share = serializers.IntegerField(
        min_value=1, max_value=99, help_text="Percent; the shares of a test add up to 100."
    )


@extend_schema_serializer(component_name="ABTestCreate")
class ABTestInputSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=200)
    hypothesis = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    metric_name = serializers.CharField(max_length=120)
    metric_kind = serializers.ChoiceField(choices=ABTest.MetricKind.choices)
    higher_is_better = serializers.BooleanField(required=False, default=True)
    min_sample_per_variant = serializers.IntegerField(min_value=2, required=False)
    alpha = serializers.DecimalField(
        max_digits=4,
        decimal_places=3,
        min_value=Decimal("0.001"),
        max_value=Decimal("0.5"),
        required=False,
    )
    variants = VariantInputSerializer(many=True, allow_empty=False)


@extend_schema_serializer(component_name="ABTestResults")
class ResultsInputSerializer(StrictInputSerializer):
    variant = serializers.UUIDField()
    sample_size = serializers.IntegerField(help_text="Trials (rates) or observations (means).")
    successes = serializers.IntegerField(required=False, allow_null=True, help_text="Rates.")
    mean = serializers.DecimalField(
        max_digits=20, decimal_places=6, required=False, allow_null=True, help_text="Means."
    )
    std_dev = serializers.DecimalField(
        max_digits=20, decimal_places=6, required=False, allow_null=True, help_text="Means."
    )
    batch_id = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="The client's id of this posting: posting it again changes nothing.",
    )


@extend_schema_serializer(component_name="ABTestFinish")
class FinishInputSerializer(StrictInputSerializer):
    conclusion = serializers.CharField(max_length=5000, required=False, allow_blank=True)


@extend_schema_serializer(component_name="ABVariant")
class VariantOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    is_control = serializers.BooleanField()
    model_version = VersionSummarySerializer(allow_null=True)
    prompt_version = serializers.UUIDField(source="prompt_version_id", allow_null=True)
    traffic_share = serializers.IntegerField()
    sample_size = serializers.IntegerField(allow_null=True)
    successes = serializers.IntegerField(allow_null=True)
    mean = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    std_dev = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    results_at = serializers.DateTimeField(allow_null=True)


@extend_schema_serializer(component_name="ABComparison")
class ComparisonSerializer(serializers.Serializer):
    variant = serializers.UUIDField(source="variant.pk")
    difference = serializers.FloatField(source="comparison.difference", allow_null=True)
    ci_low = serializers.FloatField(source="comparison.ci_low", allow_null=True)
    ci_high = serializers.FloatField(source="comparison.ci_high", allow_null=True)
    p_value = serializers.FloatField(source="comparison.p_value", allow_null=True)
    significant = serializers.BooleanField(source="comparison.significant", allow_null=True)
    better = serializers.BooleanField()
    worse = serializers.BooleanField()
    more_needed = serializers.IntegerField(
        allow_null=True, help_text="Not significant yet: about this many more per variant."
    )
    below_minimum = serializers.BooleanField()


@extend_schema_serializer(component_name="ABAnalysis")
class AnalysisSerializer(serializers.Serializer):
    verdict = serializers.CharField()
    winner = serializers.UUIDField(source="winner.pk", allow_null=True)
    comparisons = ComparisonSerializer(many=True, source="variants")


@extend_schema_serializer(component_name="ABTest")
class ABTestOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="test.pk")
    name = serializers.CharField(source="test.name")
    hypothesis = serializers.CharField(source="test.hypothesis")
    metric_name = serializers.CharField(source="test.metric_name")
    metric_kind = serializers.ChoiceField(
        source="test.metric_kind", choices=ABTest.MetricKind.choices
    )
    higher_is_better = serializers.BooleanField(source="test.higher_is_better")
    min_sample_per_variant = serializers.IntegerField(source="test.min_sample_per_variant")
    alpha = serializers.DecimalField(source="test.alpha", max_digits=4, decimal_places=3)
    status = serializers.ChoiceField(source="test.status", choices=ABTest.Status.choices)
    started_at = serializers.DateTimeField(source="test.started_at", allow_null=True)
    finished_at = serializers.DateTimeField(source="test.finished_at", allow_null=True)
    outcome = serializers.CharField(source="test.outcome")
    winner = serializers.UUIDField(source="test.winner_id", allow_null=True)
    conclusion = serializers.CharField(source="test.conclusion")
    variants = VariantOutputSerializer(many=True)
    analysis = AnalysisSerializer()


@extend_schema_serializer(component_name="ABTestSummary")
class ABTestSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    metric_name = serializers.CharField()
    metric_kind = serializers.ChoiceField(choices=ABTest.MetricKind.choices)
    status = serializers.ChoiceField(choices=ABTest.Status.choices)
    outcome = serializers.CharField()
    winner = serializers.UUIDField(source="winner_id", allow_null=True)
    created_at = serializers.DateTimeField()


def _out(test: ABTest) -> dict[str, Any]:
    detail: ABTestDetail = ab_test_detail(test=test)
    analysis: Analysis = detail.analysis
    data: dict[str, Any] = ABTestOutputSerializer(
        {"test": detail.test, "variants": detail.variants, "analysis": analysis}
    ).data
    return data


@extend_schema(parameters=[PROJECT_ID])
class ABTestViewSet(ProjectChildViewSet):
    """A/B tests of the project's model and prompt versions."""

    policy_perms = {
        "list": Perm.PROJECT_VIEW,
        "retrieve": Perm.PROJECT_VIEW,
        "create": Perm.PROJECT_CONTRIBUTE,
        "start": Perm.PROJECT_CONTRIBUTE,
        "results": Perm.PROJECT_CONTRIBUTE,
        "finish": Perm.PROJECT_CONTRIBUTE,
    }

    def fetch_row(self, pk: str) -> ABTest:
        return ab_test_get_for_user(user=signed_in_user(self.request), id=pk)

    @extend_schema(
        summary="List the A/B tests",
        responses={200: ABTestSummarySerializer, **problems(*READ)},
    )
    def list(self, request: Request, project_id: str) -> Response:
        page = self.paginate_queryset(ab_test_list(project=self.get_project()))
        return self.get_paginated_response(ABTestSummarySerializer(page, many=True).data)

    @extend_schema(
        summary="Create an A/B test with its variants",
        description="At least two variants, one the control, shares adding up to 100.",
        request=ABTestInputSerializer,
        responses={201: ABTestOutputSerializer, **problems(*WRITE)},
    )
    def create(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        data: dict[str, Any] = validated(ABTestInputSerializer, request.data)
        for i, row in enumerate(data["variants"]):
            row["model_version"] = version_named(
                project, row.get("model_version"), f"variants.{i}.model_version"
            )
            if row.get("prompt_version") is not None:
                row["prompt_version"] = in_project(
                    prompt_version_in_project(project=project, id=row["prompt_version"]),
                    f"variants.{i}.prompt_version",
                    NOT_A_PROMPT_VERSION,
                )
        test = ab_test_create(actor=signed_in_user(request), project=project, **data)
        return Response(_out(test), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Get an A/B test with its analysis",
        parameters=[ID],
        responses={200: ABTestOutputSerializer, **problems(*READ)},
    )
    def retrieve(self, request: Request, project_id: str, pk: str) -> Response:
        return Response(_out(self.get_object()))

    @extend_schema(
        summary="Start an A/B test",
        parameters=[ID],
        request=None,
        responses={200: ABTestOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def start(self, request: Request, project_id: str, pk: str) -> Response:
        test = ab_test_start(actor=signed_in_user(request), test=self.get_object())
        return Response(_out(test))

    @extend_schema(
        summary="Post a variant's running totals",
        description=(
            "Replaces the variant's totals. Rates: `sample_size` trials and `successes`; "
            "means: `sample_size`, `mean` and `std_dev`."
        ),
        parameters=[ID],
        request=ResultsInputSerializer,
        responses={200: ABTestOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def results(self, request: Request, project_id: str, pk: str) -> Response:
        test = self.get_object()
        data: dict[str, Any] = validated(ResultsInputSerializer, request.data)
        variant = in_project(
            ab_variant_in_test(test=test, id=data.pop("variant")), "variant", NOT_A_VARIANT
        )
        totals = {key: value for key, value in data.items() if value is not None}
        ab_test_results_post(actor=signed_in_user(request), variant=variant, **totals)
        return Response(_out(test))

    @extend_schema(
        summary="Finish an A/B test",
        description="Records the outcome the statistics support now: a winner or none.",
        parameters=[ID],
        request=FinishInputSerializer,
        responses={200: ABTestOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def finish(self, request: Request, project_id: str, pk: str) -> Response:
        data: dict[str, Any] = validated(FinishInputSerializer, request.data)
        test = ab_test_finish(actor=signed_in_user(request), test=self.get_object(), **data)
        return Response(_out(test))
