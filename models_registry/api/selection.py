"""REST endpoints of a project's selection: criteria and weights, candidates with their cost,
the workload, the caller's own blind score sheet, who has scored, and the matrix."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import Perm, Rule, require
from accounts.rest import UserSummaryOutputSerializer
from accounts.types import signed_in_user
from core.api.schema import DELETE, ID, READ, WRITE, problems
from core.api.serializers import StrictInputSerializer, validated
from models_registry.api.lookups import in_project
from models_registry.api.matrix import MatrixOutputSerializer
from models_registry.models import MAX_SCORE, MIN_SCORE, Candidate, Criterion, ScoreSheet
from models_registry.scoring import matrix_as_dict
from models_registry.selectors import (
    candidate_get_for_user,
    candidate_in_project,
    candidate_list,
    catalogue_model_for_project,
    cost_estimates,
    criterion_get_for_user,
    criterion_in_project,
    criterion_list,
    matrix_for_user,
    my_sheet,
    selection_shares,
    sheet_list,
    workload_get,
)
from models_registry.services import (
    candidate_create,
    candidate_delete,
    candidate_update,
    criterion_create,
    criterion_delete,
    criterion_update,
    score_record,
    sheet_abstain,
    sheet_submit,
    workload_update,
)
from models_registry.services.scores import missing_cells
from models_registry.services.selection import MODEL_ELSEWHERE
from projects.models import Project
from projects.rest import PROJECT_ID, ProjectChildViewSet

NOT_A_CANDIDATE = "Not a candidate of this project."
NOT_A_CRITERION = "Not a criterion of this project."


# --- criteria -------------------------------------------------------------------------------


class CriterionFieldsInputSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=120, required=False)
    description = serializers.CharField(max_length=2000, allow_blank=True, required=False)
    weight = serializers.IntegerField(
        min_value=0, max_value=1000, required=False, help_text="Points (not all zero)."
    )
    is_hard_constraint = serializers.BooleanField(required=False)
    minimum_score = serializers.IntegerField(
        min_value=MIN_SCORE, max_value=MAX_SCORE, required=False
    )


@extend_schema_serializer(component_name="SelectionCriterionCreate")
class CriterionCreateInputSerializer(CriterionFieldsInputSerializer):
    name = serializers.CharField(max_length=120)
    weight = serializers.IntegerField(min_value=0, max_value=1000, help_text="Points.")


@extend_schema_serializer(component_name="SelectionCriterionUpdate")
class CriterionUpdateInputSerializer(CriterionFieldsInputSerializer):
    pass


@extend_schema_serializer(component_name="SelectionCriterion")
class CriterionOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    key = serializers.CharField(help_text="For the five standard criteria; blank for added ones.")
    name = serializers.CharField()
    description = serializers.CharField()
    weight = serializers.IntegerField(help_text="Points.")
    share_percent = serializers.SerializerMethodField(
        help_text="The weight as a share of all the project's points."
    )
    is_hard_constraint = serializers.BooleanField()
    minimum_score = serializers.IntegerField()
    order = serializers.IntegerField()

    def get_share_percent(self, criterion: Criterion) -> float:
        share = self.context["shares"][str(criterion.pk)]
        return round(float(share), 1)


def _criterion_output(criterion: Criterion, **kwargs: Any) -> Any:
    criteria = list(criterion_list(project=criterion.project))
    shares = selection_shares(criteria=criteria)
    return CriterionOutputSerializer(criterion, context={"shares": shares}, **kwargs).data


@extend_schema(parameters=[PROJECT_ID])
class SelectionCriterionViewSet(ProjectChildViewSet):
    """What candidates are scored on, with their weights. Managers change them; criteria
    are added or removed only until the first sheet is submitted."""

    pagination_class = None  # a handful per project, always read whole (shares sum to 100)
    policy_perms = {
        "list": Perm.PROJECT_VIEW,
        "retrieve": Perm.PROJECT_VIEW,
        "create": Perm.PROJECT_MANAGE,
        "partial_update": Perm.PROJECT_MANAGE,
        "destroy": Perm.PROJECT_MANAGE,
    }

    def fetch_row(self, pk: str) -> Criterion:
        return criterion_get_for_user(user=signed_in_user(self.request), id=pk)

    @extend_schema(
        summary="List the criteria",
        responses={200: CriterionOutputSerializer(many=True), **problems(*READ)},
    )
    def list(self, request: Request, project_id: str) -> Response:
        criteria = list(criterion_list(project=self.get_project()))
        shares = selection_shares(criteria=criteria)
        return Response(
            CriterionOutputSerializer(criteria, many=True, context={"shares": shares}).data
        )

    @extend_schema(
        summary="Add a criterion",
        request=CriterionCreateInputSerializer,
        responses={201: CriterionOutputSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample(
                "A hard constraint",
                request_only=True,
                value={
                    "name": "EU data residency",
                    "weight": 10,
                    "is_hard_constraint": True,
                    "minimum_score": 4,
                },
            )
        ],
    )
    def create(self, request: Request, project_id: str) -> Response:
        project = self.get_project()  # 404 or 403 before the body is even read
        data = validated(CriterionCreateInputSerializer, request.data)
        criterion = criterion_create(actor=signed_in_user(request), project=project, **data)
        return Response(_criterion_output(criterion), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Get a criterion",
        parameters=[ID],
        responses={200: CriterionOutputSerializer, **problems(*READ)},
    )
    def retrieve(self, request: Request, project_id: str, pk: str) -> Response:
        return Response(_criterion_output(self.get_object()))

    @extend_schema(
        summary="Rename, re-weight or constrain a criterion",
        parameters=[ID],
        request=CriterionUpdateInputSerializer,
        responses={200: CriterionOutputSerializer, **problems(*WRITE)},
    )
    def partial_update(self, request: Request, project_id: str, pk: str) -> Response:
        criterion = self.get_object()
        data = validated(CriterionUpdateInputSerializer, request.data)
        criterion = criterion_update(actor=signed_in_user(request), criterion=criterion, **data)
        return Response(_criterion_output(criterion))

    @extend_schema(
        summary="Remove a criterion",
        description="Only until the first score sheet is submitted.",
        parameters=[ID],
        responses={204: None, **problems(*DELETE)},
    )
    def destroy(self, request: Request, project_id: str, pk: str) -> Response:
        criterion_delete(actor=signed_in_user(request), criterion=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- candidates -----------------------------------------------------------------------------


def _money(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=14, decimal_places=4, min_value=0, allow_null=True, required=False, **kwargs
    )


class CandidateFieldsInputSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=160, required=False)
    rationale = serializers.CharField(max_length=5000, required=False)
    gpu_hours_per_month = _money(help_text="For self-hosting or building.")
    gpu_hour_price = _money(help_text="In `cost_currency`.")
    fixed_monthly_cost = _money(help_text="In `cost_currency`.")
    cost_currency = serializers.CharField(
        max_length=3, allow_blank=True, required=False, help_text="ISO 4217."
    )


@extend_schema_serializer(component_name="SelectionCandidateCreate")
class CandidateCreateInputSerializer(CandidateFieldsInputSerializer):
    catalogue_model = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="A model of the organisation's catalogue; without it, building a new one "
        "(then `name` is required).",
    )
    rationale = serializers.CharField(max_length=5000)


@extend_schema_serializer(component_name="SelectionCandidateUpdate")
class CandidateUpdateInputSerializer(CandidateFieldsInputSerializer):
    pass


class CatalogueModelRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    # Published fields named like DRF Field attributes; the metaclass takes declared fields
    # off the class, so the attributes are untouched at run time.
    label = serializers.CharField()  # type: ignore[assignment]
    source = serializers.CharField()  # type: ignore[assignment]
    hosting = serializers.CharField()
    licence = serializers.CharField()
    licence_is_spdx = serializers.BooleanField()


class CostEstimateSerializer(serializers.Serializer):
    monthly = serializers.DecimalField(
        max_digits=18, decimal_places=2, allow_null=True, help_text="In `currency`."
    )
    currency = serializers.CharField(help_text="The organisation's currency.")
    parts = serializers.DictField(
        child=serializers.DecimalField(max_digits=18, decimal_places=2),
        help_text='"tokens", "compute" and "fixed", where they apply.',
    )
    problem = serializers.CharField(help_text="Why there is no estimate, if there is none.")


@extend_schema_serializer(component_name="SelectionCandidate")
class CandidateOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=Candidate.Kind.choices)
    catalogue_model = CatalogueModelRefSerializer(allow_null=True)
    name = serializers.CharField()
    rationale = serializers.CharField()
    proposed_by = UserSummaryOutputSerializer()
    gpu_hours_per_month = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    gpu_hour_price = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    fixed_monthly_cost = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    cost_currency = serializers.CharField()
    monthly_cost = serializers.SerializerMethodField(
        help_text="From the project's workload, in the organisation's currency."
    )

    @extend_schema_field(CostEstimateSerializer)
    def get_monthly_cost(self, candidate: Candidate) -> dict[str, Any]:
        estimate: dict[str, Any] = self.context["costs"][str(candidate.pk)].as_dict()
        return estimate


def _candidate_output(candidate: Candidate, project: Project) -> Any:
    costs = cost_estimates(project=project, candidates=[candidate])
    return CandidateOutputSerializer(candidate, context={"costs": costs}).data


@extend_schema(parameters=[PROJECT_ID])
class SelectionCandidateViewSet(ProjectChildViewSet):
    """The models put forward: contributors add them and change their figures, managers
    withdraw them (until the first sheet is submitted)."""

    policy_perms = {
        "list": Perm.PROJECT_VIEW,
        "retrieve": Perm.PROJECT_VIEW,
        "create": Perm.PROJECT_CONTRIBUTE,
        "partial_update": Perm.PROJECT_CONTRIBUTE,
        "destroy": Perm.PROJECT_MANAGE,
    }

    def fetch_row(self, pk: str) -> Candidate:
        return candidate_get_for_user(user=signed_in_user(self.request), id=pk)

    @extend_schema(
        summary="List the candidates",
        responses={200: CandidateOutputSerializer, **problems(*READ)},
    )
    def list(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        page = self.paginate_queryset(candidate_list(project=project).order_by("order", "id"))
        costs = cost_estimates(project=project, candidates=list(page or []))
        return self.get_paginated_response(
            CandidateOutputSerializer(page, many=True, context={"costs": costs}).data
        )

    @extend_schema(
        summary="Put a candidate forward",
        request=CandidateCreateInputSerializer,
        responses={201: CandidateOutputSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample(
                "A catalogue model",
                request_only=True,
                value={
                    "catalogue_model": "3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b",
                    "rationale": "Strong on claims language; EU hosting.",
                },
            ),
            OpenApiExample(
                "Building one",
                request_only=True,
                value={
                    "name": "Train an in-house classifier",
                    "rationale": "Our claims data is unusual.",
                    "gpu_hours_per_month": "200",
                    "gpu_hour_price": "2.10",
                    "cost_currency": "EUR",
                },
            ),
        ],
    )
    def create(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        data = validated(CandidateCreateInputSerializer, request.data)
        model_id = data.pop("catalogue_model", None)
        model = None
        if model_id is not None:
            try:
                model = catalogue_model_for_project(project=project, id=model_id)
            except Http404:
                raise serializers.ValidationError({"catalogue_model": [MODEL_ELSEWHERE]}) from None
        candidate = candidate_create(
            actor=signed_in_user(request), project=project, catalogue_model=model, **data
        )
        return Response(_candidate_output(candidate, project), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Get a candidate",
        parameters=[ID],
        responses={200: CandidateOutputSerializer, **problems(*READ)},
    )
    def retrieve(self, request: Request, project_id: str, pk: str) -> Response:
        return Response(_candidate_output(self.get_object(), self.get_project()))

    @extend_schema(
        summary="Change a candidate's name, rationale or cost figures",
        parameters=[ID],
        request=CandidateUpdateInputSerializer,
        responses={200: CandidateOutputSerializer, **problems(*WRITE)},
    )
    def partial_update(self, request: Request, project_id: str, pk: str) -> Response:
        candidate = self.get_object()
        data = validated(CandidateUpdateInputSerializer, request.data)
        candidate = candidate_update(actor=signed_in_user(request), candidate=candidate, **data)
        return Response(_candidate_output(candidate, self.get_project()))

    @extend_schema(
        summary="Withdraw a candidate",
        description="Managers, until the first score sheet is submitted.",
        parameters=[ID],
        responses={204: None, **problems(*DELETE)},
    )
    def destroy(self, request: Request, project_id: str, pk: str) -> Response:
        candidate_delete(actor=signed_in_user(request), candidate=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- workload, sheets, scores and the matrix ------------------------------------------------


@extend_schema_serializer(component_name="SelectionWorkload")
class WorkloadSerializer(StrictInputSerializer):
    requests_per_month = serializers.IntegerField(min_value=0, max_value=10**15, required=False)
    input_tokens_per_request = serializers.IntegerField(
        min_value=0, max_value=10**7, required=False
    )
    output_tokens_per_request = serializers.IntegerField(
        min_value=0, max_value=10**7, required=False
    )


@extend_schema_serializer(component_name="SelectionScoreInput")
class ScoreInputSerializer(StrictInputSerializer):
    candidate = serializers.UUIDField()
    criterion = serializers.UUIDField()
    value = serializers.IntegerField(min_value=MIN_SCORE, max_value=MAX_SCORE)
    justification = serializers.CharField(max_length=2000)


class OwnScoreSerializer(serializers.Serializer):
    candidate = serializers.UUIDField(source="candidate_id")
    criterion = serializers.UUIDField(source="criterion_id")
    value = serializers.IntegerField()
    justification = serializers.CharField()


@extend_schema_serializer(component_name="MyScoreSheet")
class MySheetOutputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ScoreSheet.Status.choices)
    submitted_at = serializers.DateTimeField(allow_null=True)
    missing = serializers.IntegerField(help_text="Cells not scored yet.")
    scores = OwnScoreSerializer(many=True, help_text="Your own scores only.")


@extend_schema_serializer(component_name="ScoreSheetStatus")
class SheetStatusOutputSerializer(serializers.Serializer):
    reviewer = UserSummaryOutputSerializer()
    status = serializers.ChoiceField(choices=ScoreSheet.Status.choices)
    submitted_at = serializers.DateTimeField(allow_null=True)


def _my_sheet_body(user: Any, project: Project) -> dict[str, Any]:
    sheet = my_sheet(user=user, project=project)
    saved = sheet.is_saved
    scores = list(sheet.scores.all()) if saved else []
    missing = (
        missing_cells(sheet)
        if saved
        else len(list(candidate_list(project=project))) * criterion_list(project=project).count()
    )
    return {
        "status": sheet.status,
        "submitted_at": sheet.submitted_at,
        "missing": missing,
        "scores": scores,
    }


class SelectionViewSet(ProjectChildViewSet):
    """One project's selection as a whole: its workload, the caller's own sheet, the sheets'
    progress and the matrix."""

    unpaginated_actions = ("sheets",)  # one row per reviewer, read whole

    policy_perms = {
        "workload": Perm.PROJECT_VIEW,
        "workload_update": Perm.PROJECT_CONTRIBUTE,
        "sheets": Perm.PROJECT_VIEW,
        "matrix": Perm.PROJECT_VIEW,
    }

    def _scorer_project(self) -> Project:
        """The project, for someone who may score on it (else 403)."""
        project = self.get_project()
        require(signed_in_user(self.request), Rule.SELECTION_SCORE, project)
        return project

    @extend_schema(
        summary="The expected workload",
        parameters=[PROJECT_ID],
        responses={200: WorkloadSerializer, **problems(*READ)},
    )
    def workload(self, request: Request, project_id: str) -> Response:
        return Response(WorkloadSerializer(workload_get(project=self.get_project())).data)

    @extend_schema(
        summary="Change the expected workload",
        description="Contributors. Every candidate's monthly cost follows it.",
        parameters=[PROJECT_ID],
        request=WorkloadSerializer,
        responses={200: WorkloadSerializer, **problems(*WRITE)},
    )
    def workload_update(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        data = validated(WorkloadSerializer, request.data)
        workload = workload_update(actor=signed_in_user(request), project=project, **data)
        return Response(WorkloadSerializer(workload).data)

    @extend_schema(
        summary="Who has scored",
        description="Each sheet's status, never the scores of an open one.",
        parameters=[PROJECT_ID],
        responses={200: SheetStatusOutputSerializer(many=True), **problems(*READ)},
    )
    def sheets(self, request: Request, project_id: str) -> Response:
        rows = sheet_list(project=self.get_project())
        return Response(SheetStatusOutputSerializer(rows, many=True).data)

    @extend_schema(
        summary="The scoring matrix",
        description=(
            "Per-reviewer scores of the submitted sheets, weighted totals, spread, ranking and "
            "the sensitivity of the winner to each weight. Blind: 403 for anyone who may score "
            "until their own sheet is submitted (or they abstain)."
        ),
        parameters=[PROJECT_ID],
        responses={200: MatrixOutputSerializer, **problems(401, 403, 404, 429)},
    )
    def matrix(self, request: Request, project_id: str) -> Response:
        matrix = matrix_for_user(user=signed_in_user(request), project=self.get_project())
        return Response(MatrixOutputSerializer(matrix_as_dict(matrix)).data)

    @extend_schema(
        summary="My score sheet",
        description="Your own scores and how many cells remain; nobody else's.",
        parameters=[PROJECT_ID],
        responses={200: MySheetOutputSerializer, **problems(401, 403, 404, 429)},
    )
    def my_sheet(self, request: Request, project_id: str) -> Response:
        project = self._scorer_project()
        body = _my_sheet_body(signed_in_user(request), project)
        return Response(MySheetOutputSerializer(body).data)

    @extend_schema(
        summary="Score one cell of my sheet",
        description=(
            "1 to 5 with a justification. Scoring a cell again changes your score until you "
            "submit; after that the sheet is closed (400)."
        ),
        parameters=[PROJECT_ID],
        request=ScoreInputSerializer,
        responses={200: MySheetOutputSerializer, **problems(*WRITE)},
    )
    def score(self, request: Request, project_id: str) -> Response:
        project = self._scorer_project()
        data = validated(ScoreInputSerializer, request.data)
        candidate = in_project(
            candidate_in_project(project=project, id=data["candidate"]),
            "candidate",
            NOT_A_CANDIDATE,
        )
        criterion = in_project(
            criterion_in_project(project=project, id=data["criterion"]),
            "criterion",
            NOT_A_CRITERION,
        )
        user = signed_in_user(request)
        score_record(
            actor=user,
            candidate=candidate,
            criterion=criterion,
            value=data["value"],
            justification=data["justification"],
        )
        return Response(MySheetOutputSerializer(_my_sheet_body(user, project)).data)

    @extend_schema(
        summary="Submit my sheet",
        description="Once every cell is scored; then it no longer changes and the matrix opens.",
        parameters=[PROJECT_ID],
        request=None,
        responses={200: MySheetOutputSerializer, **problems(*WRITE)},
    )
    def submit(self, request: Request, project_id: str) -> Response:
        project = self._scorer_project()
        user = signed_in_user(request)
        sheet_submit(actor=user, project=project)
        return Response(MySheetOutputSerializer(_my_sheet_body(user, project)).data)

    @extend_schema(
        summary="Abstain from scoring",
        description="Only before scoring anything: the matrix opens, and you never count.",
        parameters=[PROJECT_ID],
        request=None,
        responses={200: MySheetOutputSerializer, **problems(*WRITE)},
    )
    def abstain(self, request: Request, project_id: str) -> Response:
        project = self._scorer_project()
        user = signed_in_user(request)
        sheet_abstain(actor=user, project=project)
        return Response(MySheetOutputSerializer(_my_sheet_body(user, project)).data)
