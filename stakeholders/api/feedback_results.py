"""REST endpoints that read a feedback round's answers: results, the CSV export, who still
owes an answer, and one question's trend across the project's rounds."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import Perm
from accounts.types import signed_in_user
from core.api.renderers import CsvRenderer
from core.api.schema import ID, READ, problems
from core.api.serializers import validated
from projects.rest import PROJECT_ID, ProjectChildViewSet
from stakeholders.api.common import (
    EXAMPLE_IDS,
    StakeholderSummaryOutputSerializer,
    TallyOutputSerializer,
)
from stakeholders.models import Question
from stakeholders.selectors import (
    RoundResults,
    feedback_results,
    feedback_results_csv,
    outstanding_feedback,
    question_trend,
)

# --- serializers ----------------------------------------------------------------------------


@extend_schema_serializer(component_name="QuestionRef")
class QuestionRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    position = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Question.Kind.choices)
    prompt = serializers.CharField()
    key = serializers.CharField()


@extend_schema_serializer(component_name="QuestionResult")
class QuestionResultOutputSerializer(serializers.Serializer):
    question = QuestionRefSerializer()
    answered = serializers.IntegerField()
    distribution = TallyOutputSerializer(
        many=True, help_text="Ratings 1 to 5, or each choice in order; empty for free text."
    )
    average = serializers.FloatField(allow_null=True, help_text="Ratings only.")
    texts = serializers.ListField(
        child=serializers.CharField(), help_text="Free-text answers, oldest first."
    )


@extend_schema_serializer(component_name="FeedbackResults")
class ResultsOutputSerializer(serializers.Serializer):
    round = serializers.UUIDField()
    invited = serializers.IntegerField(help_text="Invites not withdrawn.")
    responded = serializers.IntegerField()
    response_rate = serializers.FloatField(help_text="Percent, one decimal.")
    questions = QuestionResultOutputSerializer(many=True)


@extend_schema_serializer(component_name="OutstandingInvite")
class OutstandingOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="The invite (POST …/feedback-invites/{id}/revoke/).")
    stakeholder = StakeholderSummaryOutputSerializer()
    sent_at = serializers.DateTimeField(allow_null=True)
    last_reminded_at = serializers.DateTimeField(allow_null=True)


@extend_schema_serializer(component_name="FeedbackTrendPoint")
class TrendOutputSerializer(serializers.Serializer):
    round_id = serializers.UUIDField()
    round = serializers.CharField(help_text="The round's title.")
    average = serializers.FloatField()
    answers = serializers.IntegerField()


class TrendQuerySerializer(serializers.Serializer):
    key = serializers.SlugField(max_length=80, help_text="The questions' shared key.")


def _results_body(results: RoundResults) -> dict[str, Any]:
    return {
        "round": results.feedback_round.pk,
        "invited": results.invited,
        "responded": results.responded,
        "response_rate": results.response_rate,
        "questions": [
            {
                "question": item.question,
                "answered": item.answered,
                "distribution": [{"value": v, "count": n} for v, n in item.distribution],
                "average": item.average,
                "texts": item.texts,
            }
            for item in results.questions
        ],
    }


RESULTS_EXAMPLE = OpenApiExample(
    "Results",
    response_only=True,
    value={
        "round": EXAMPLE_IDS["round"],
        "invited": 2,
        "responded": 1,
        "response_rate": 50.0,
        "questions": [
            {
                "question": {
                    "id": EXAMPLE_IDS["question"],
                    "position": 1,
                    "kind": "rating",
                    "prompt": "How useful would the assistant be?",
                    "key": "usefulness",
                },
                "answered": 1,
                "distribution": [
                    {"value": "1", "count": 0},
                    {"value": "2", "count": 0},
                    {"value": "3", "count": 0},
                    {"value": "4", "count": 1},
                    {"value": "5", "count": 0},
                ],
                "average": 4.0,
                "texts": [],
            }
        ],
    },
)


# --- views ----------------------------------------------------------------------------------


class FeedbackResultsMixin:
    """The reading actions of FeedbackRoundViewSet (kept here to keep each file short)."""

    get_object: Any

    @extend_schema(
        summary="Results of a round",
        description=(
            "Everyone on the project: response rate and, per question, the distribution, the "
            "average rating and the free-text answers. Answers are not attributed here."
        ),
        operation_id="feedback_rounds_results",
        parameters=[ID],
        responses={200: ResultsOutputSerializer, **problems(*READ)},
        examples=[RESULTS_EXAMPLE],
    )
    @action(detail=True, methods=["get"])
    def results(self, request: Request, pk: str) -> Response:
        results = feedback_results(user=signed_in_user(request), feedback_round=self.get_object())
        return Response(ResultsOutputSerializer(_results_body(results)).data)

    @extend_schema(
        summary="Export a round's answers (CSV)",
        description=(
            "One row per response: stakeholder, submission time (UTC), then one column per "
            "question. Cells that a spreadsheet would run as a formula are prefixed with `'`."
        ),
        operation_id="feedback_rounds_results_csv",
        parameters=[ID],
        responses={
            (200, "text/csv"): OpenApiResponse(
                response=OpenApiTypes.STR, description="UTF-8 CSV with a header row."
            ),
            **problems(*READ),
        },
    )
    def results_csv(self, request: Request, pk: str) -> HttpResponse:
        feedback_round = self.get_object()
        body = feedback_results_csv(user=signed_in_user(request), feedback_round=feedback_round)
        # A plain response: the file is the body (errors still answer problem+json).
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="feedback-round-{feedback_round.pk}.csv"'
        )
        return response

    @extend_schema(
        summary="Who still owes an answer",
        description=(
            "Invitees of this round who have not answered and whose link is live, by name. "
            "Empty unless the round is open and before its end date."
        ),
        operation_id="feedback_rounds_outstanding",
        parameters=[ID],
        responses={200: OutstandingOutputSerializer(many=True), **problems(*READ)},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def outstanding(self, request: Request, pk: str) -> Response:
        feedback_round = self.get_object()
        invites = outstanding_feedback(
            user=signed_in_user(request), project=feedback_round.project
        ).filter(round=feedback_round)
        return Response(OutstandingOutputSerializer(invites, many=True).data)


# For the route of results_csv (stakeholders/api/urls.py): errors are still problem+json,
# which the CSV renderer writes as JSON.
CSV_RENDERERS = [CsvRenderer]


@extend_schema(parameters=[PROJECT_ID])
class FeedbackTrendViewSet(ProjectChildViewSet):
    """The iterative loop: one question, asked in several rounds, compared."""

    policy_perms = {"list": Perm.PROJECT_VIEW}
    pagination_class = None

    @extend_schema(
        summary="Trend of a question across rounds",
        description=(
            "The average rating and number of answers of the rating questions with this `key`, "
            "one point per round, oldest round first."
        ),
        parameters=[TrendQuerySerializer],
        responses={200: TrendOutputSerializer(many=True), **problems(400, 401, 404, 429)},
        examples=[
            OpenApiExample(
                "Trend",
                response_only=True,
                value=[
                    {
                        "round_id": EXAMPLE_IDS["round"],
                        "round": "Expectations",
                        "average": 3.5,
                        "answers": 12,
                    }
                ],
            )
        ],
    )
    def list(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        query = validated(TrendQuerySerializer, request.query_params)
        points = question_trend(user=signed_in_user(request), project=project, key=query["key"])
        return Response(TrendOutputSerializer(points, many=True).data)
