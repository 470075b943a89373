"""REST endpoints of feasibility studies: four rated dimensions, a verdict, the manager's
sign-off, and edits guarded by the study's version."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import Perm
from accounts.rest import UserSummaryOutputSerializer
from accounts.types import signed_in_user
from core.api.schema import ID, READ, WRITE, problems
from core.api.serializers import StrictInputSerializer, validated
from projects.models import FeasibilityStudy
from projects.rest import PROJECT_ID, ProjectChildViewSet
from projects.selectors import feasibility_get_for_user, feasibility_list
from projects.services import feasibility_create, feasibility_sign_off, feasibility_update

Rating = FeasibilityStudy.Rating
Verdict = FeasibilityStudy.Verdict


def _rating() -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=Rating.choices, allow_blank=True, required=False, help_text="Blank: not rated."
    )


def _text(limit: int) -> serializers.CharField:
    return serializers.CharField(max_length=limit, allow_blank=True, required=False)


def _money() -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, allow_null=True, required=False
    )


# --- serializers ----------------------------------------------------------------------------


class StudyFieldsInputSerializer(StrictInputSerializer):
    """Every field is optional: only those given are set."""

    title = serializers.CharField(max_length=200, required=False)
    technology_findings = _text(10000)
    technology_rating = _rating()
    technology_open_questions = _text(5000)
    data_findings = _text(10000)
    data_rating = _rating()
    data_open_questions = _text(5000)
    legal_findings = _text(10000)
    legal_rating = _rating()
    legal_open_questions = _text(5000)
    budget_findings = _text(10000)
    budget_rating = _rating()
    budget_open_questions = _text(5000)
    currency = serializers.CharField(
        min_length=3, max_length=3, required=False, help_text="ISO 4217, e.g. EUR."
    )
    estimated_cost = _money()
    budget_available = _money()
    verdict = serializers.ChoiceField(choices=Verdict.choices, required=False)
    conditions = _text(5000)


@extend_schema_serializer(component_name="FeasibilityStudyCreate")
class StudyCreateInputSerializer(StudyFieldsInputSerializer):
    pass


@extend_schema_serializer(component_name="FeasibilityStudyUpdate")
class StudyUpdateInputSerializer(StudyFieldsInputSerializer):
    required_in_patch = ("version",)

    version = serializers.IntegerField(
        min_value=1, help_text="The `version` you read; a stale one answers 409."
    )


@extend_schema_serializer(component_name="FeasibilityStudy")
class StudyOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    technology_findings = serializers.CharField()
    technology_rating = serializers.CharField(help_text="A rating, or blank.")
    technology_open_questions = serializers.CharField()
    data_findings = serializers.CharField()
    data_rating = serializers.CharField()
    data_open_questions = serializers.CharField()
    legal_findings = serializers.CharField()
    legal_rating = serializers.CharField()
    legal_open_questions = serializers.CharField()
    budget_findings = serializers.CharField()
    budget_rating = serializers.CharField()
    budget_open_questions = serializers.CharField()
    currency = serializers.CharField()
    estimated_cost = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    budget_available = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    budget_gap = serializers.DecimalField(
        max_digits=15,
        decimal_places=2,
        allow_null=True,
        help_text="Budget available minus estimated cost, when both are known.",
    )
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    conditions = serializers.CharField()
    is_go = serializers.BooleanField(help_text="Go, or go with conditions.")
    signed_off_by = UserSummaryOutputSerializer(allow_null=True)
    signed_off_at = serializers.DateTimeField(allow_null=True, help_text="Final once set.")
    created_by = UserSummaryOutputSerializer()
    version = serializers.IntegerField(help_text="Send it back with an edit.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


STUDY_EXAMPLE = OpenApiExample(
    "Feasibility study",
    response_only=True,
    value={
        "id": "4b5c6d7e-8f90-4a1b-b2c3-d4e5f6a7b8c9",
        "title": "Feasibility study",
        "technology_findings": "Off-the-shelf models handle the claims vocabulary.",
        "technology_rating": "feasible",
        "technology_open_questions": "",
        "data_findings": "Two years of labelled claims.",
        "data_rating": "with_effort",
        "data_open_questions": "Consent for reuse?",
        "legal_findings": "",
        "legal_rating": "feasible",
        "legal_open_questions": "",
        "budget_findings": "",
        "budget_rating": "feasible",
        "budget_open_questions": "",
        "currency": "EUR",
        "estimated_cost": "120000.00",
        "budget_available": "150000.00",
        "budget_gap": "30000.00",
        "verdict": "go",
        "conditions": "",
        "is_go": True,
        "signed_off_by": None,
        "signed_off_at": None,
        "created_by": {
            "id": "0b6f3f6e-7f2a-4d43-9b8e-2f1f0c9d1a11",
            "email": "ada@acme.example",
            "full_name": "Ada Lovelace",
        },
        "version": 3,
        "created_at": "2026-11-28T09:00:00Z",
        "updated_at": "2026-11-28T11:00:00Z",
    },
)


# --- views ----------------------------------------------------------------------------------


@extend_schema(parameters=[PROJECT_ID])
class FeasibilityStudyViewSet(ProjectChildViewSet):
    """The project's feasibility studies: contributors write them, the manager signs one off
    (after which it is final)."""

    policy_perms = {
        "list": Perm.PROJECT_VIEW,
        "retrieve": Perm.PROJECT_VIEW,
        "create": Perm.PROJECT_CONTRIBUTE,
        "partial_update": Perm.PROJECT_CONTRIBUTE,
        "sign_off": Perm.PROJECT_MANAGE,
    }

    def fetch_row(self, pk: str) -> FeasibilityStudy:
        return feasibility_get_for_user(user=signed_in_user(self.request), id=pk)

    def _study(self, study: FeasibilityStudy) -> Response:
        fresh = feasibility_get_for_user(user=signed_in_user(self.request), id=study.pk)
        return Response(StudyOutputSerializer(fresh).data)

    @extend_schema(
        summary="List feasibility studies",
        description="Newest first.",
        responses={200: StudyOutputSerializer, **problems(*READ)},
    )
    def list(self, request: Request, project_id: str) -> Response:
        studies = feasibility_list(user=signed_in_user(request), project=self.get_project())
        page = self.paginate_queryset(studies)
        return self.get_paginated_response(StudyOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Start a feasibility study",
        description="Contributors. Every field is optional; the verdict starts as pending.",
        request=StudyCreateInputSerializer,
        responses={201: StudyOutputSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample(
                "New study",
                request_only=True,
                value={
                    "technology_rating": "feasible",
                    "data_rating": "with_effort",
                    "data_open_questions": "Consent for reuse?",
                    "currency": "EUR",
                    "estimated_cost": "120000.00",
                    "budget_available": "150000.00",
                },
            ),
            STUDY_EXAMPLE,
        ],
    )
    def create(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        data = validated(StudyCreateInputSerializer, request.data)
        study = feasibility_create(actor=signed_in_user(request), project=project, **data)
        response = self._study(study)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(
        summary="Get a feasibility study",
        parameters=[ID],
        responses={200: StudyOutputSerializer, **problems(*READ)},
        examples=[STUDY_EXAMPLE],
    )
    def retrieve(self, request: Request, project_id: str, pk: str) -> Response:
        return Response(StudyOutputSerializer(self.get_object()).data)

    @extend_schema(
        summary="Edit a feasibility study",
        description=(
            "Contributors; only the fields given change. `version` is required: the version "
            "you read. If someone saved since, the answer is 409 with code `stale_version` and "
            "`errors.current_version`, and nothing changes. A signed-off study is final (409)."
        ),
        parameters=[ID],
        request=StudyUpdateInputSerializer,
        responses={200: StudyOutputSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample(
                "Give a verdict",
                request_only=True,
                value={"version": 3, "verdict": "go", "legal_rating": "feasible"},
            ),
            STUDY_EXAMPLE,
        ],
    )
    def partial_update(self, request: Request, project_id: str, pk: str) -> Response:
        study = self.get_object()
        data = validated(StudyUpdateInputSerializer, request.data)
        expected = data.pop("version")
        study = feasibility_update(
            actor=signed_in_user(request), study=study, expected_version=expected, **data
        )
        return self._study(study)

    @extend_schema(
        summary="Sign a feasibility study off",
        description=(
            "The project's manager, once every dimension is rated and a verdict given (400 "
            "naming what is missing). The study is final afterwards; signing twice is 409."
        ),
        operation_id="projects_feasibility_studies_sign_off",
        parameters=[ID],
        request=None,
        responses={200: StudyOutputSerializer, **problems(*WRITE)},
        examples=[STUDY_EXAMPLE],
    )
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request: Request, project_id: str, pk: str) -> Response:
        study = feasibility_sign_off(actor=signed_in_user(request), study=self.get_object())
        return self._study(study)
