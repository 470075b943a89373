"""REST endpoints of the risk register: risks by hand or from the shipped library, scored on a
5×5 matrix, edited with a version check; the heat map; the library itself."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import Perm
from accounts.rest import UserSummaryOutputSerializer
from accounts.types import signed_in_user
from core.api.schema import ID, READ, WRITE, problems
from core.api.serializers import StrictInputSerializer, validated
from projects.models import Project, Risk
from projects.models.risks import HIGH_RISK_SCORE
from projects.rest import PROJECT_ID, ProjectChildViewSet, ProjectsApiViewSet, person_in
from projects.risk_library import risk_library
from projects.selectors import RISK_SORTS, risk_get_for_user, risk_heat_map, risk_list
from projects.services import risk_create, risk_create_from_library, risk_update
from projects.services.risks import OWNER_NOT_ON_PROJECT

REQUIRED = serializers.Field.default_error_messages["required"]


def _score(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1, max_value=5, allow_null=True, required=False, **kwargs
    )


# --- serializers ----------------------------------------------------------------------------


class RiskFieldsInputSerializer(StrictInputSerializer):
    title = serializers.CharField(max_length=200, required=False)
    category = serializers.ChoiceField(choices=Risk.Category.choices, required=False)
    description = serializers.CharField(max_length=5000, allow_blank=True, required=False)
    likelihood = _score(help_text="1 (rare) to 5 (almost certain).")
    impact = _score(help_text="1 (negligible) to 5 (severe).")
    residual_likelihood = _score(help_text="After mitigation.")
    residual_impact = _score(help_text="After mitigation.")
    owner = serializers.UUIDField(
        allow_null=True, required=False, help_text="Someone who can see the project."
    )
    mitigation_plan = serializers.CharField(max_length=5000, allow_blank=True, required=False)
    status = serializers.ChoiceField(choices=Risk.Status.choices, required=False)
    review_date = serializers.DateField(allow_null=True, required=False)


@extend_schema_serializer(component_name="RiskCreate")
class RiskCreateInputSerializer(RiskFieldsInputSerializer):
    library_ref = serializers.CharField(
        max_length=40,
        required=False,
        help_text=(
            "Start from a library entry (see /api/v1/risk-library/): its name, category, "
            "guidance and suggested mitigation, overridden by any field given. Without it, "
            "`title` and `category` are required."
        ),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "library_ref" not in attrs:
            missing = {name: [REQUIRED] for name in ("title", "category") if name not in attrs}
            if missing:
                raise serializers.ValidationError(missing)
        return attrs


@extend_schema_serializer(component_name="RiskUpdate")
class RiskUpdateInputSerializer(RiskFieldsInputSerializer):
    required_in_patch = ("version",)

    version = serializers.IntegerField(
        min_value=1, help_text="The `version` you read; a stale one answers 409."
    )


@extend_schema_serializer(component_name="Risk")
class RiskOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    code = serializers.CharField(help_text="R-1, R-2… in the project.")
    reference = serializers.IntegerField()
    title = serializers.CharField()
    category = serializers.ChoiceField(choices=Risk.Category.choices)
    description = serializers.CharField()
    library_ref = serializers.CharField(help_text="The library entry it started from, or blank.")
    likelihood = serializers.IntegerField(allow_null=True)
    impact = serializers.IntegerField(allow_null=True)
    score = serializers.IntegerField(allow_null=True, help_text="likelihood × impact (1–25).")
    is_high = serializers.BooleanField(help_text=f"Score {HIGH_RISK_SCORE} or more.")
    residual_likelihood = serializers.IntegerField(allow_null=True)
    residual_impact = serializers.IntegerField(allow_null=True)
    residual_score = serializers.IntegerField(allow_null=True)
    owner = UserSummaryOutputSerializer(allow_null=True)
    mitigation_plan = serializers.CharField()
    status = serializers.ChoiceField(choices=Risk.Status.choices)
    review_date = serializers.DateField(allow_null=True)
    is_review_overdue = serializers.BooleanField()
    version = serializers.IntegerField(help_text="Send it back with an edit.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class RiskListQuerySerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=Risk.Category.choices, required=False)
    status = serializers.ChoiceField(choices=Risk.Status.choices, required=False)
    likelihood = serializers.IntegerField(min_value=1, max_value=5, required=False)
    impact = serializers.IntegerField(min_value=1, max_value=5, required=False)
    overdue = serializers.BooleanField(
        required=False, help_text="true: only risks whose review date has passed (not closed)."
    )
    sort = serializers.ChoiceField(
        choices=list(RISK_SORTS),
        required=False,
        help_text=(
            "score (highest first, the default), -score (lowest first), reference, "
            "review_date (soonest first) or residual (highest residual first); unscored last."
        ),
    )


@extend_schema_serializer(component_name="RiskHeatMapCell")
class HeatMapCellSerializer(serializers.Serializer):
    likelihood = serializers.IntegerField()
    impact = serializers.IntegerField()
    score = serializers.IntegerField()
    count = serializers.IntegerField(help_text="Scored risks in this cell that are not closed.")


@extend_schema_serializer(component_name="RiskHeatMap")
class HeatMapOutputSerializer(serializers.Serializer):
    rows = serializers.ListField(
        child=serializers.ListField(child=HeatMapCellSerializer()),
        help_text="Five rows, impact 5 at the top down to 1; each row's likelihood goes 1 to 5.",
    )
    high_score = serializers.IntegerField(help_text="Scores from here on count as high.")


@extend_schema_serializer(component_name="LibraryRisk")
class LibraryRiskOutputSerializer(serializers.Serializer):
    ref = serializers.CharField(help_text="Pass it as `library_ref` to create a risk.")
    # A published field named like a DRF Field attribute; the metaclass takes declared
    # fields off the class, so the attribute is untouched at run time.
    source = serializers.CharField()  # type: ignore[assignment]
    source_id = serializers.CharField()
    name = serializers.CharField()
    category = serializers.ChoiceField(choices=Risk.Category.choices)
    guidance = serializers.CharField()
    suggested_mitigation = serializers.CharField()
    url = serializers.URLField()


RISK_EXAMPLE = OpenApiExample(
    "Risk",
    response_only=True,
    value={
        "id": "5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f",
        "code": "R-1",
        "reference": 1,
        "title": "Prompt Injection",
        "category": "security",
        "description": "Instructions hidden in inputs may take over the model.",
        "library_ref": "owasp-llm:LLM01",
        "likelihood": 4,
        "impact": 4,
        "score": 16,
        "is_high": True,
        "residual_likelihood": 2,
        "residual_impact": 3,
        "residual_score": 6,
        "owner": {
            "id": "0b6f3f6e-7f2a-4d43-9b8e-2f1f0c9d1a11",
            "email": "ada@acme.example",
            "full_name": "Ada Lovelace",
        },
        "mitigation_plan": "Separate instructions from data; filter outputs.",
        "status": "mitigating",
        "review_date": "2027-02-01",
        "is_review_overdue": False,
        "version": 2,
        "created_at": "2026-11-28T09:00:00Z",
        "updated_at": "2026-11-28T10:00:00Z",
    },
)


# --- views ----------------------------------------------------------------------------------


@extend_schema(parameters=[PROJECT_ID])
class RiskViewSet(ProjectChildViewSet):
    """The project's risk register: everyone on the project reads it, contributors write it."""

    policy_perms = {
        "list": Perm.PROJECT_VIEW,
        "heat_map": Perm.PROJECT_VIEW,
        "retrieve": Perm.PROJECT_VIEW,
        "create": Perm.PROJECT_CONTRIBUTE,
        "partial_update": Perm.PROJECT_CONTRIBUTE,
    }

    def fetch_row(self, pk: str) -> Risk:
        return risk_get_for_user(user=signed_in_user(self.request), id=pk)

    def _owner(self, project: Project, data: dict[str, Any]) -> None:
        """Swap the owner's id in `data` for the user (a 400 if they are not in the org)."""
        if "owner" in data:
            data["owner"] = person_in(
                user=signed_in_user(self.request),
                organization=project.organization,
                person_id=data["owner"],
                field="owner",
                message=OWNER_NOT_ON_PROJECT,
            )

    @extend_schema(
        summary="List the risk register",
        description="Highest score first unless `sort` says otherwise; filters combine.",
        parameters=[RiskListQuerySerializer],
        responses={200: RiskOutputSerializer, **problems(400, 401, 403, 404, 429)},
        examples=[RISK_EXAMPLE],
    )
    def list(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        filters = validated(RiskListQuerySerializer, request.query_params)
        page = self.paginate_queryset(
            risk_list(user=signed_in_user(request), project=project, filters=filters)
        )
        return self.get_paginated_response(RiskOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Add a risk",
        description=(
            "Contributors. By hand (`title` and `category` required) or from the library "
            "(`library_ref`). It gets the project's next reference (R-1, R-2…)."
        ),
        request=RiskCreateInputSerializer,
        responses={201: RiskOutputSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample(
                "From the library",
                request_only=True,
                value={"library_ref": "owasp-llm:LLM01", "likelihood": 4, "impact": 4},
            ),
            OpenApiExample(
                "By hand",
                request_only=True,
                value={"title": "Vendor lock-in", "category": "vendor", "likelihood": 2},
            ),
            RISK_EXAMPLE,
        ],
    )
    def create(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        data = validated(RiskCreateInputSerializer, request.data)
        self._owner(project, data)
        if "library_ref" in data:
            risk = risk_create_from_library(actor=signed_in_user(request), project=project, **data)
        else:
            risk = risk_create(actor=signed_in_user(request), project=project, **data)
        return Response(RiskOutputSerializer(risk).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Get a risk",
        parameters=[ID],
        responses={200: RiskOutputSerializer, **problems(*READ)},
        examples=[RISK_EXAMPLE],
    )
    def retrieve(self, request: Request, project_id: str, pk: str) -> Response:
        return Response(RiskOutputSerializer(self.get_object()).data)

    @extend_schema(
        summary="Edit a risk",
        description=(
            "Contributors; only the fields given change. `version` is required: the version "
            "you read. If someone saved since, the answer is 409 with code `stale_version` and "
            "`errors.current_version`, and nothing changes."
        ),
        parameters=[ID],
        request=RiskUpdateInputSerializer,
        responses={200: RiskOutputSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample(
                "Mitigate",
                request_only=True,
                value={
                    "version": 1,
                    "mitigation_plan": "Separate instructions from data; filter outputs.",
                    "status": "mitigating",
                },
            ),
            RISK_EXAMPLE,
        ],
    )
    def partial_update(self, request: Request, project_id: str, pk: str) -> Response:
        risk = self.get_object()
        data = validated(RiskUpdateInputSerializer, request.data)
        self._owner(risk.project, data)
        expected = data.pop("version")
        risk = risk_update(
            actor=signed_in_user(request), risk=risk, expected_version=expected, **data
        )
        return Response(RiskOutputSerializer(risk).data)

    @extend_schema(
        summary="Risk heat map",
        description="Counts of scored risks that are not closed, by impact and likelihood.",
        operation_id="projects_risks_heat_map",
        responses={200: HeatMapOutputSerializer, **problems(*READ)},
    )
    @action(detail=False, methods=["get"], url_path="heat-map", pagination_class=None)
    def heat_map(self, request: Request, project_id: str) -> Response:
        rows = risk_heat_map(user=signed_in_user(request), project=self.get_project())
        body = {"rows": rows, "high_score": HIGH_RISK_SCORE}
        return Response(HeatMapOutputSerializer(body).data)


class RiskLibraryViewSet(ProjectsApiViewSet):
    """The shipped risk library, read-only."""

    # Public reference data (NIST AI 600-1, OWASP Top 10 for LLM applications): no
    # organisation owns it, so any signed-in user reads it.
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="List the risk library",
        description=(
            "The generative-AI risks of NIST AI 600-1 and the OWASP Top 10 for LLM "
            "Applications 2025, in file order, with Charter's guidance and suggested mitigation."
        ),
        responses={200: LibraryRiskOutputSerializer, **problems(*READ)},
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(list(risk_library()))
        return self.get_paginated_response(LibraryRiskOutputSerializer(page, many=True).data)
