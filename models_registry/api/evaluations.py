"""REST endpoints of evaluations, as a CI pipeline posts them: one request carries the run's
metrics and slices, accepted whole or refused whole, and a retried post with the same run id
creates nothing new (200 with the evaluation recorded the first time). And how the project's
versions stand against the approved scope's success criteria."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN
from typing import Any

from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import Perm, Rule
from accounts.rest import UserSummaryOutputSerializer
from accounts.types import signed_in_user
from core.api.schema import ID, READ, WRITE, problems
from core.api.serializers import AwareDateTimeField, StrictInputSerializer, validated
from models_registry.api.adapt import NOT_A_DATASET, VersionSummarySerializer
from models_registry.api.lookups import in_project, version_named
from models_registry.models import BiasCheck, Evaluation
from models_registry.selectors import (
    bias_check_get_for_user,
    bias_check_list,
    criteria_standing,
    dataset_in_project,
    evaluation_get_for_user,
    evaluation_in_project,
    evaluation_list,
    metric_passes,
    prompt_version_in_project,
)
from models_registry.services import bias_check_review, bias_check_run, evaluation_record
from projects.rest import PROJECT_ID, ProjectChildViewSet

NOT_A_PROMPT_VERSION = "Not a prompt version of this project."


class MetricInputSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=120)
    # Harnesses report more digits than anyone reads: eight decimals are kept, rounded half-even.
    value = serializers.DecimalField(
        max_digits=24,
        decimal_places=8,
        rounding=ROUND_HALF_EVEN,
        help_text="A finite number (NaN and infinities are refused).",
    )
    unit = serializers.CharField(max_length=40, required=False, allow_blank=True)
    higher_is_better = serializers.BooleanField(required=False, default=True)
    slice_key = serializers.CharField(
        max_length=80, required=False, allow_blank=True, help_text="e.g. language"
    )
    slice_value = serializers.CharField(
        max_length=120, required=False, allow_blank=True, help_text="e.g. de"
    )
    sample_size = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    criterion = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="A success criterion of the approved scope version (overall figures only).",
    )


@extend_schema_serializer(
    component_name="EvaluationCreate",
    examples=[
        OpenApiExample(
            "A CI run",
            request_only=True,
            value={
                "run_id": "github-actions-8812-1",
                "model_version": "3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b",
                "benchmark": "Claims routing hold-out 2026-11",
                "metrics": [
                    {
                        "name": "accuracy",
                        "value": 0.931,
                        "unit": "ratio",
                        "criterion": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
                    },
                    {
                        "name": "accuracy",
                        "value": 0.902,
                        "unit": "ratio",
                        "slice_key": "language",
                        "slice_value": "de",
                        "sample_size": 412,
                    },
                ],
            },
        )
    ],
)
class EvaluationInputSerializer(StrictInputSerializer):
    model_version = serializers.UUIDField()
    prompt_version = serializers.UUIDField(required=False, allow_null=True)
    benchmark = serializers.CharField(max_length=200, help_text="A dataset or benchmark name.")
    dataset = serializers.UUIDField(required=False, allow_null=True)
    run_id = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="The client's id of the run: posting it again returns the first record.",
    )
    evaluated_at = AwareDateTimeField(required=False)
    findings = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    metrics = MetricInputSerializer(many=True, allow_empty=False)


@extend_schema_serializer(component_name="EvaluationMetric")
class MetricOutputSerializer(serializers.Serializer):
    name = serializers.CharField()
    value = serializers.DecimalField(max_digits=24, decimal_places=8)
    unit = serializers.CharField()
    higher_is_better = serializers.BooleanField()
    slice_key = serializers.CharField()
    slice_value = serializers.CharField()
    sample_size = serializers.IntegerField(allow_null=True)
    criterion = serializers.UUIDField(source="criterion_id", allow_null=True)
    passed = serializers.SerializerMethodField(
        help_text="Against its criterion's target; null when bound to none."
    )

    def get_passed(self, metric: Any) -> bool | None:
        return metric_passes(metric)


@extend_schema_serializer(component_name="Evaluation")
class EvaluationOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    model_version = VersionSummarySerializer()
    prompt_version = serializers.UUIDField(source="prompt_version_id", allow_null=True)
    benchmark = serializers.CharField()
    dataset = serializers.UUIDField(source="dataset_id", allow_null=True)
    source = serializers.ChoiceField(choices=Evaluation.Source.choices)  # type: ignore[assignment]
    run_id = serializers.CharField()
    evaluated_at = serializers.DateTimeField()
    findings = serializers.CharField()
    metrics = MetricOutputSerializer(many=True, source="metrics.all")
    created_at = serializers.DateTimeField()


class StandingPointSerializer(serializers.Serializer):
    version = VersionSummarySerializer()
    value = serializers.DecimalField(max_digits=24, decimal_places=8)
    passed = serializers.BooleanField()
    evaluation = serializers.UUIDField(source="evaluation_id")


@extend_schema_serializer(component_name="CriterionStanding")
class CriterionStandingSerializer(serializers.Serializer):
    criterion = serializers.UUIDField(source="criterion.pk")
    metric = serializers.CharField(source="criterion.metric")
    comparison = serializers.CharField(source="criterion.comparison")
    target = serializers.DecimalField(source="criterion.target", max_digits=14, decimal_places=4)
    unit = serializers.CharField(source="criterion.unit")
    points = StandingPointSerializer(many=True, help_text="Oldest version first.")


class EvaluationListQuerySerializer(serializers.Serializer):
    model_version = serializers.UUIDField(
        required=False, help_text="Only this version's evaluations."
    )


@extend_schema(parameters=[PROJECT_ID])
class EvaluationViewSet(ProjectChildViewSet):
    """Evaluations of the project's versions; recorded whole, never edited."""

    unpaginated_actions = ("criteria",)  # one row per success criterion, read whole

    policy_perms = {
        "list": Perm.PROJECT_VIEW,
        "retrieve": Perm.PROJECT_VIEW,
        "create": Perm.PROJECT_CONTRIBUTE,
        "criteria": Perm.PROJECT_VIEW,
    }

    def fetch_row(self, pk: str) -> Evaluation:
        return evaluation_get_for_user(user=signed_in_user(self.request), id=pk)

    @extend_schema(
        summary="List the evaluations",
        parameters=[EvaluationListQuerySerializer],
        responses={200: EvaluationOutputSerializer, **problems(400, *READ)},
    )
    def list(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        query = validated(EvaluationListQuerySerializer, request.query_params)
        version = version_named(project, query.get("model_version"), "model_version")
        rows = evaluation_list(project=project, model_version=version)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(EvaluationOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Record an evaluation with its metrics",
        description=(
            "As a CI pipeline posts it, with a personal API token. Accepted whole or refused "
            "whole. A `run_id` already recorded for the same version and benchmark answers 200 "
            "with that record and creates nothing; for another version or benchmark, 400."
        ),
        request=EvaluationInputSerializer,
        responses={
            201: EvaluationOutputSerializer,
            200: EvaluationOutputSerializer,
            **problems(*WRITE),
        },
    )
    def create(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        data: dict[str, Any] = validated(EvaluationInputSerializer, request.data)
        data["model_version"] = version_named(project, data["model_version"], "model_version")
        if data.get("prompt_version") is not None:
            data["prompt_version"] = in_project(
                prompt_version_in_project(project=project, id=data["prompt_version"]),
                "prompt_version",
                NOT_A_PROMPT_VERSION,
            )
        if data.get("dataset") is not None:
            data["dataset"] = in_project(
                dataset_in_project(project=project, id=data["dataset"]), "dataset", NOT_A_DATASET
            )
        evaluation, created = evaluation_record(
            actor=signed_in_user(request),
            project=project,
            source=Evaluation.Source.API,
            **data,
        )
        evaluation = evaluation_get_for_user(user=signed_in_user(request), id=evaluation.pk)
        return Response(
            EvaluationOutputSerializer(evaluation).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        summary="Get an evaluation",
        parameters=[ID],
        responses={200: EvaluationOutputSerializer, **problems(*READ)},
    )
    def retrieve(self, request: Request, project_id: str, pk: str) -> Response:
        return Response(EvaluationOutputSerializer(self.get_object()).data)

    @extend_schema(
        summary="How the versions stand against the success criteria",
        description=(
            "Each success criterion of the approved scope version, with the latest figure "
            "bound to it for every model version that has one, and whether it passes."
        ),
        responses={200: CriterionStandingSerializer(many=True), **problems(*READ)},
    )
    def criteria(self, request: Request, project_id: str) -> Response:
        standing = criteria_standing(project=self.get_project())
        return Response(CriterionStandingSerializer(standing, many=True).data)


# --- bias checks --------------------------------------------------------------------------------


class BiasResultSerializer(serializers.Serializer):
    slice = serializers.CharField()
    value = serializers.CharField()
    deviation = serializers.CharField(required=False, help_text="Deviation checks: from overall.")
    measured = serializers.CharField(required=False, help_text="What the threshold judged.")
    ratio = serializers.CharField(required=False, help_text="Four-fifths: to the highest rate.")
    flagged = serializers.BooleanField()


@extend_schema_serializer(component_name="BiasCheck")
class BiasCheckOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    evaluation = serializers.UUIDField(source="evaluation_id")
    model_version = VersionSummarySerializer()
    metric_name = serializers.CharField()
    slice_key = serializers.CharField()
    method = serializers.ChoiceField(choices=BiasCheck.Method.choices)
    threshold = serializers.DecimalField(max_digits=12, decimal_places=6)
    relative = serializers.BooleanField()
    results = BiasResultSerializer(many=True)
    flagged_count = serializers.IntegerField()
    run_by = UserSummaryOutputSerializer()
    outcome = serializers.ChoiceField(choices=[("", "awaiting review"), *BiasCheck.Outcome.choices])
    reviewer = UserSummaryOutputSerializer(allow_null=True)
    reviewed_at = serializers.DateTimeField(allow_null=True)
    notes = serializers.CharField()
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="BiasCheckRun")
class BiasCheckRunSerializer(StrictInputSerializer):
    evaluation = serializers.UUIDField()
    metric_name = serializers.CharField(max_length=120)
    slice_key = serializers.CharField(max_length=80, help_text="The dimension: language, gender…")
    method = serializers.ChoiceField(choices=BiasCheck.Method.choices, required=False)
    threshold = serializers.DecimalField(
        max_digits=12,
        decimal_places=6,
        required=False,
        help_text="Deviation: default 0.05; four-fifths: default 0.8.",
    )
    relative = serializers.BooleanField(
        required=False, help_text="Deviation as a share of the overall figure."
    )


@extend_schema_serializer(component_name="BiasCheckReview")
class BiasCheckReviewSerializer(StrictInputSerializer):
    outcome = serializers.ChoiceField(choices=BiasCheck.Outcome.choices)
    notes = serializers.CharField(
        max_length=10000, required=False, allow_blank=True, help_text="Required unless acceptable."
    )


@extend_schema(parameters=[PROJECT_ID])
class BiasCheckViewSet(ProjectChildViewSet):
    """Bias checks of the evaluations' slice metrics, and their review."""

    policy_perms = {
        "list": Perm.PROJECT_VIEW,
        "retrieve": Perm.PROJECT_VIEW,
        "create": Perm.PROJECT_CONTRIBUTE,
        "review": Rule.BIAS_CHECK_REVIEW,
    }

    def fetch_row(self, pk: str) -> BiasCheck:
        return bias_check_get_for_user(user=signed_in_user(self.request), id=pk)

    @extend_schema(
        summary="List the bias checks",
        responses={200: BiasCheckOutputSerializer, **problems(*READ)},
    )
    def list(self, request: Request, project_id: str) -> Response:
        page = self.paginate_queryset(bias_check_list(project=self.get_project()))
        return self.get_paginated_response(BiasCheckOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Run a bias check on an evaluation's slices",
        request=BiasCheckRunSerializer,
        responses={201: BiasCheckOutputSerializer, **problems(*WRITE)},
    )
    def create(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        data: dict[str, Any] = validated(BiasCheckRunSerializer, request.data)
        evaluation = in_project(
            evaluation_in_project(project=project, id=data.pop("evaluation")),
            "evaluation",
            "Not an evaluation of this project.",
        )
        check = bias_check_run(actor=signed_in_user(request), evaluation=evaluation, **data)
        check = bias_check_get_for_user(user=signed_in_user(request), id=check.pk)
        return Response(BiasCheckOutputSerializer(check).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Get a bias check",
        parameters=[ID],
        responses={200: BiasCheckOutputSerializer, **problems(*READ)},
    )
    def retrieve(self, request: Request, project_id: str, pk: str) -> Response:
        return Response(BiasCheckOutputSerializer(self.get_object()).data)

    @extend_schema(
        summary="Review a bias check",
        description="Someone other than who ran it: reviewers and compliance officers.",
        parameters=[ID],
        request=BiasCheckReviewSerializer,
        responses={200: BiasCheckOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def review(self, request: Request, project_id: str, pk: str) -> Response:
        check = self.get_object()
        data: dict[str, Any] = validated(BiasCheckReviewSerializer, request.data)
        bias_check_review(actor=signed_in_user(request), check=check, **data)
        check = bias_check_get_for_user(user=signed_in_user(request), id=check.pk)
        return Response(BiasCheckOutputSerializer(check).data)
