"""REST endpoints of a project's EU AI Act classification and its compliance checks: the
questionnaire, proposing and confirming a classification, listing and working checks, their
claims and reviews."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import Perm, Rule
from accounts.rest import UserSummaryOutputSerializer
from accounts.types import signed_in_user
from compliance.classification import (
    ANNEX_III_AREAS,
    ART_6_3_EXCEPTIONS,
    BOOLEANS,
    PROHIBITED_PRACTICES,
    ROLES,
    TIER_LABELS,
)
from compliance.models import CheckReview, Classification, ComplianceCheck
from compliance.selectors import (
    check_get_for_user,
    check_list,
    classification_get_for_user,
    classification_history,
    evidence_counting_for,
)
from compliance.services import (
    check_review,
    check_submit,
    check_update,
    classification_confirm,
    classification_propose,
)
from compliance.services.checks import OWNER_NOT_ON_PROJECT, REVIEWER_NOT_ON_PROJECT
from core.api.schema import ID, READ, WRITE, problems
from core.api.serializers import StrictInputSerializer, validated
from core.api.viewsets import ApiViewSet
from projects.models import Project
from projects.rest import PROJECT_ID, ProjectChildViewSet, person_in

# --- classification -------------------------------------------------------------------------


class ClassificationAnswersSerializer(StrictInputSerializer):
    role = serializers.ChoiceField(choices=list(ROLES))
    prohibited_practice = serializers.ChoiceField(
        choices=list(PROHIBITED_PRACTICES), required=False
    )
    annex_i_product = serializers.BooleanField(required=False)
    annex_iii_area = serializers.ChoiceField(
        choices=list(ANNEX_III_AREAS), required=False, allow_blank=True
    )
    art_6_3_exception = serializers.ChoiceField(choices=list(ART_6_3_EXCEPTIONS), required=False)
    profiling = serializers.BooleanField(required=False)
    interacts_with_people = serializers.BooleanField(required=False)
    generates_synthetic_content = serializers.BooleanField(required=False)
    emotion_or_biometric_categorisation = serializers.BooleanField(required=False)
    deep_fake = serializers.BooleanField(required=False)
    gpai_model = serializers.BooleanField(required=False)
    expected_tier = serializers.ChoiceField(
        choices=list(TIER_LABELS),
        required=False,
        allow_blank=True,
        help_text="If the answers give another tier, the request is refused naming why.",
    )


@extend_schema_serializer(component_name="ClassificationCreate")
class ClassificationCreateInputSerializer(StrictInputSerializer):
    answers = ClassificationAnswersSerializer()
    rationale = serializers.CharField(max_length=5000)


@extend_schema_serializer(component_name="Classification")
class ClassificationOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    number = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Classification.Status.choices)
    tier = serializers.ChoiceField(choices=list(TIER_LABELS.items()))
    role = serializers.ChoiceField(choices=Classification.Role.choices)
    obligations = serializers.ListField(child=serializers.CharField())
    reasons = serializers.ListField(child=serializers.CharField())
    answers = serializers.DictField()
    rationale = serializers.CharField()
    classified_by = UserSummaryOutputSerializer()
    confirmed_by = UserSummaryOutputSerializer(allow_null=True)
    confirmed_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class ChoiceOptionSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a published field


@extend_schema_serializer(component_name="ClassificationQuestion")
class QuestionSerializer(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=["choice", "boolean"])
    options = ChoiceOptionSerializer(many=True, required=False)


@extend_schema_serializer(component_name="ClassificationQuestionnaire", many=False)
class QuestionnaireSerializer(serializers.Serializer):
    questions = QuestionSerializer(many=True)
    tiers = ChoiceOptionSerializer(many=True)


def _questionnaire() -> dict[str, Any]:
    def options(choices: dict[str, str]) -> list[dict[str, str]]:
        return [{"value": value, "label": label} for value, label in choices.items()]

    choices = {
        "role": ROLES,
        "prohibited_practice": PROHIBITED_PRACTICES,
        "annex_iii_area": ANNEX_III_AREAS,
        "art_6_3_exception": ART_6_3_EXCEPTIONS,
    }
    return {
        "questions": [
            *({"name": n, "kind": "choice", "options": options(c)} for n, c in choices.items()),
            *({"name": n, "kind": "boolean"} for n in BOOLEANS),
        ],
        "tiers": options(TIER_LABELS),
    }


class QuestionnaireViewSet(ApiViewSet):
    """The EU AI Act classification questionnaire: public reference data."""

    permission_classes = [IsAuthenticated]
    pagination_class = None  # one document, never paged

    @extend_schema(
        summary="The classification questionnaire",
        description="The questions a classification answers, with their options.",
        responses={200: QuestionnaireSerializer, **problems(401, 429)},
    )
    def list(self, request: Request) -> Response:
        return Response(QuestionnaireSerializer(_questionnaire()).data)


@extend_schema(parameters=[PROJECT_ID])
class ClassificationViewSet(ProjectChildViewSet):
    """A project's classifications, newest first: proposed by its managers or compliance
    officers, confirmed by a compliance officer who did not write it."""

    policy_perms = {
        "list": Perm.PROJECT_VIEW,
        "retrieve": Perm.PROJECT_VIEW,
        "create": Rule.CLASSIFY,
        "confirm": Rule.CLASSIFICATION_CONFIRM,
    }

    def fetch_row(self, pk: str) -> Classification:
        return classification_get_for_user(user=signed_in_user(self.request), id=pk)

    @extend_schema(
        summary="List the project's classifications",
        responses={200: ClassificationOutputSerializer, **problems(*READ)},
    )
    def list(self, request: Request, project_id: str) -> Response:
        page = self.paginate_queryset(classification_history(project=self.get_project()))
        return self.get_paginated_response(ClassificationOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Classify the project",
        description=(
            "From the questionnaire's answers (GET /api/v1/classification-questionnaire/). A "
            "compliance officer's classification is confirmed at once: it sets the project's "
            "`risk_tier` and its compliance checks. Contradictory answers are 400 naming the "
            "question."
        ),
        request=ClassificationCreateInputSerializer,
        responses={201: ClassificationOutputSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample(
                "A CV-screening tool",
                request_only=True,
                value={
                    "answers": {"role": "deployer", "annex_iii_area": "4"},
                    "rationale": "Ranks applicants for our recruiters.",
                },
            )
        ],
    )
    def create(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        data = validated(ClassificationCreateInputSerializer, request.data)
        classification = classification_propose(
            actor=signed_in_user(request),
            project=project,
            answers=dict(data["answers"]),
            rationale=data["rationale"],
        )
        found = classification_get_for_user(user=signed_in_user(request), id=classification.pk)
        return Response(ClassificationOutputSerializer(found).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Get a classification",
        parameters=[ID],
        responses={200: ClassificationOutputSerializer, **problems(*READ)},
    )
    def retrieve(self, request: Request, project_id: str, pk: str) -> Response:
        return Response(ClassificationOutputSerializer(self.get_object()).data)

    @extend_schema(
        summary="Confirm a proposed classification",
        parameters=[ID],
        request=None,
        responses={200: ClassificationOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, project_id: str, pk: str) -> Response:
        classification = classification_confirm(
            actor=signed_in_user(request), classification=self.get_object()
        )
        found = classification_get_for_user(user=signed_in_user(request), id=classification.pk)
        return Response(ClassificationOutputSerializer(found).data)


# --- checks ---------------------------------------------------------------------------------


class RequirementRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    framework = serializers.CharField(source="framework.key")
    ref = serializers.CharField()
    title = serializers.CharField()
    verified = serializers.BooleanField()


class CheckEvidenceRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()


class CheckReviewSerializer(serializers.Serializer):
    reviewer = UserSummaryOutputSerializer()
    claim = serializers.CharField()
    verdict = serializers.ChoiceField(choices=CheckReview.Verdict.choices)
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="ComplianceCheck")
class CheckOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    requirement = RequirementRefSerializer()
    status = serializers.ChoiceField(choices=ComplianceCheck.Status.choices)
    claim = serializers.CharField(help_text='"met" or "not_applicable" while in review.')
    justification = serializers.CharField()
    owner = UserSummaryOutputSerializer(allow_null=True)
    reviewer = UserSummaryOutputSerializer(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    phase = serializers.ChoiceField(choices=Project.Phase.choices, help_text="Due by this gate.")
    blocking = serializers.BooleanField(help_text="Open, it blocks that gate.")
    version = serializers.IntegerField(help_text="Send it back with an edit.")


@extend_schema_serializer(component_name="ComplianceCheckDetail")
class CheckDetailOutputSerializer(CheckOutputSerializer):
    evidence = serializers.SerializerMethodField(
        help_text="Evidence that counts for it: its own, and through the crosswalk."
    )
    reviews = CheckReviewSerializer(many=True, source="reviews.all")

    @extend_schema_field(CheckEvidenceRefSerializer(many=True))
    def get_evidence(self, check: ComplianceCheck) -> Any:
        return CheckEvidenceRefSerializer(evidence_counting_for(check), many=True).data


class CheckListQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ComplianceCheck.Status.choices, required=False)
    framework = serializers.SlugField(required=False, help_text="A framework key.")
    phase = serializers.ChoiceField(choices=Project.Phase.choices, required=False)
    blocking = serializers.BooleanField(required=False, allow_null=True, default=None)


@extend_schema_serializer(component_name="ComplianceCheckUpdate")
class CheckUpdateInputSerializer(StrictInputSerializer):
    required_in_patch = ("version",)

    owner = serializers.UUIDField(allow_null=True, required=False)
    reviewer = serializers.UUIDField(allow_null=True, required=False)
    due_date = serializers.DateField(allow_null=True, required=False)
    status = serializers.ChoiceField(
        choices=[ComplianceCheck.Status.NOT_STARTED, ComplianceCheck.Status.IN_PROGRESS],
        required=False,
        help_text="Claim more by submitting the check.",
    )
    version = serializers.IntegerField(min_value=1, help_text="The `version` you read.")


@extend_schema_serializer(component_name="ComplianceCheckSubmit")
class CheckSubmitInputSerializer(StrictInputSerializer):
    claim = serializers.ChoiceField(choices=["met", "not_applicable"])
    justification = serializers.CharField(
        max_length=5000, allow_blank=True, required=False, help_text="Required for not_applicable."
    )


@extend_schema_serializer(component_name="ComplianceCheckReview")
class CheckReviewInputSerializer(StrictInputSerializer):
    verdict = serializers.ChoiceField(choices=CheckReview.Verdict.choices)
    comment = serializers.CharField(
        max_length=5000, allow_blank=True, required=False, help_text="Required to reject."
    )


@extend_schema(parameters=[PROJECT_ID])
class ComplianceCheckViewSet(ProjectChildViewSet):
    """A project's compliance checks: contributors work them, reviewers and compliance
    officers review their claims."""

    policy_perms = {
        "list": Perm.PROJECT_VIEW,
        "retrieve": Perm.PROJECT_VIEW,
        "partial_update": Perm.PROJECT_CONTRIBUTE,
        "submit": Perm.PROJECT_CONTRIBUTE,
        "review": Rule.CHECK_REVIEW,
    }

    def fetch_row(self, pk: str) -> ComplianceCheck:
        return check_get_for_user(user=signed_in_user(self.request), id=pk)

    def _detail(self, check: ComplianceCheck) -> Any:
        found = check_get_for_user(user=signed_in_user(self.request), id=check.pk)
        return CheckDetailOutputSerializer(found).data

    @extend_schema(
        summary="List the project's compliance checks",
        parameters=[CheckListQuerySerializer],
        responses={200: CheckOutputSerializer, **problems(400, 401, 404, 429)},
    )
    def list(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        filters = validated(CheckListQuerySerializer, request.query_params)
        page = self.paginate_queryset(check_list(project=project, filters=filters))
        return self.get_paginated_response(CheckOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Get a compliance check",
        parameters=[ID],
        responses={200: CheckDetailOutputSerializer, **problems(*READ)},
    )
    def retrieve(self, request: Request, project_id: str, pk: str) -> Response:
        return Response(CheckDetailOutputSerializer(self.get_object()).data)

    @extend_schema(
        summary="Assign a check or mark it in progress",
        parameters=[ID],
        request=CheckUpdateInputSerializer,
        responses={200: CheckDetailOutputSerializer, **problems(*WRITE)},
    )
    def partial_update(self, request: Request, project_id: str, pk: str) -> Response:
        check = self.get_object()
        data = validated(CheckUpdateInputSerializer, request.data)
        project: Project = check.project
        for field, message in (
            ("owner", OWNER_NOT_ON_PROJECT),
            ("reviewer", REVIEWER_NOT_ON_PROJECT),
        ):
            if field in data:
                data[field] = person_in(
                    user=signed_in_user(request),
                    organization=project.organization,
                    person_id=data[field],
                    field=field,
                    message=message,
                )
        expected = data.pop("version")
        check = check_update(
            actor=signed_in_user(request), check=check, expected_version=expected, **data
        )
        return Response(self._detail(check))

    @extend_schema(
        summary="Submit a check for review",
        description="Claim it met (evidence required) or not applicable (justification required).",
        parameters=[ID],
        request=CheckSubmitInputSerializer,
        responses={200: CheckDetailOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, project_id: str, pk: str) -> Response:
        check = self.get_object()
        data = validated(CheckSubmitInputSerializer, request.data)
        check = check_submit(actor=signed_in_user(request), check=check, **data)
        return Response(self._detail(check))

    @extend_schema(
        summary="Review a check's claim",
        description=(
            "Reviewers and compliance officers who neither own the check nor provided its "
            "evidence. Approving a claim of met needs accepted evidence; rejecting needs a "
            "comment."
        ),
        parameters=[ID],
        request=CheckReviewInputSerializer,
        responses={200: CheckDetailOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def review(self, request: Request, project_id: str, pk: str) -> Response:
        check = self.get_object()
        data = validated(CheckReviewInputSerializer, request.data)
        check = check_review(actor=signed_in_user(request), check=check, **data)
        return Response(self._detail(check))
