"""Feedback rounds: build the form, open it to chosen stakeholders (each gets a personal link
by email), close it, close the loop with a "you said, we did" summary, and withdraw one
person's link — their input and output shapes and the viewsets."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import Perm
from accounts.rest import UserSummaryOutputSerializer
from accounts.types import signed_in_user
from core.api.schema import ID, READ, WRITE, problems
from core.api.serializers import AwareDateTimeField, StrictInputSerializer, validated
from projects.rest import PROJECT_ID, ProjectChildViewSet, ProjectsApiViewSet
from projects.selectors import scope_version_get_for_user
from stakeholders.api.common import (
    EXAMPLE_IDS,
    EXAMPLE_USER,
    StakeholderSummaryOutputSerializer,
    stakeholder_ids,
)
from stakeholders.api.feedback_results import FeedbackResultsMixin
from stakeholders.models import FeedbackInvite, FeedbackRound, Question
from stakeholders.selectors import (
    feedback_invite_get_for_user,
    feedback_round_get_for_user,
    feedback_round_list,
)
from stakeholders.services import (
    feedback_invite_revoke,
    feedback_round_close,
    feedback_round_create,
    feedback_round_open,
    feedback_round_publish_summary,
)

UNKNOWN_VERSION = "Unknown version of this project's scope document."


# --- serializers ----------------------------------------------------------------------------


@extend_schema_serializer(component_name="QuestionCreate")
class QuestionInputSerializer(StrictInputSerializer):
    kind = serializers.ChoiceField(choices=Question.Kind.choices)
    prompt = serializers.CharField(max_length=500)
    # A published field named like a DRF Field attribute; the metaclass takes declared
    # fields off the class, so the attribute is untouched at run time.
    help_text = serializers.CharField(  # type: ignore[assignment]
        max_length=500, allow_blank=True, required=False
    )
    choices = serializers.ListField(
        child=serializers.CharField(max_length=200),
        max_length=20,
        required=False,
        help_text="single and multiple: 2 to 20 distinct options; ignored otherwise.",
    )
    # Published, like help_text above.
    required = serializers.BooleanField(  # type: ignore[assignment]
        required=False, help_text="Default true."
    )
    key = serializers.SlugField(
        max_length=80,
        allow_blank=True,
        required=False,
        help_text="Ask the same key in later rounds to compare answers across rounds.",
    )


@extend_schema_serializer(component_name="FeedbackRoundCreate")
class FeedbackRoundCreateInputSerializer(StrictInputSerializer):
    title = serializers.CharField(max_length=200)
    shared_context = serializers.CharField(
        max_length=5000, allow_blank=True, required=False, help_text="Shown to respondents."
    )
    closes_at = AwareDateTimeField(help_text="In the future; ISO 8601 with its UTC offset.")
    # `many_init` is what `many=True` calls; the stubs' __init__ lacks the list's max_length.
    questions = QuestionInputSerializer.many_init(max_length=40, help_text="1 to 40, in order.")


@extend_schema_serializer(component_name="FeedbackRoundOpen")
class FeedbackRoundOpenInputSerializer(StrictInputSerializer):
    stakeholders = stakeholder_ids(min_length=1)


@extend_schema_serializer(component_name="FeedbackRoundSummary")
class FeedbackRoundSummaryInputSerializer(StrictInputSerializer):
    you_said_we_did = serializers.CharField(max_length=10000)
    outcome_scope_version = serializers.UUIDField(
        allow_null=True, required=False, help_text="The scope version the round led to."
    )
    outcome_note = serializers.CharField(max_length=2000, allow_blank=True, required=False)


@extend_schema_serializer(component_name="Question")
class QuestionOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    position = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Question.Kind.choices)
    prompt = serializers.CharField()
    # Published, like QuestionInputSerializer's.
    help_text = serializers.CharField()  # type: ignore[assignment]
    choices = serializers.ListField(child=serializers.CharField())
    required = serializers.BooleanField()  # type: ignore[assignment]
    key = serializers.CharField()


class FeedbackRoundFieldsOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    project = serializers.UUIDField(source="project_id")
    title = serializers.CharField()
    shared_context = serializers.CharField()
    closes_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=FeedbackRound.Status.choices)
    opened_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    you_said_we_did = serializers.CharField()
    summary_sent_at = serializers.DateTimeField(allow_null=True)
    outcome_scope_version = serializers.UUIDField(
        source="outcome_scope_version_id", allow_null=True
    )
    outcome_note = serializers.CharField()
    created_by = UserSummaryOutputSerializer()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="FeedbackRound")
class FeedbackRoundOutputSerializer(FeedbackRoundFieldsOutputSerializer):
    invited = serializers.IntegerField(help_text="Invites not withdrawn.")
    responded = serializers.IntegerField()


@extend_schema_serializer(component_name="FeedbackRoundDetail")
class FeedbackRoundDetailOutputSerializer(FeedbackRoundFieldsOutputSerializer):
    questions = QuestionOutputSerializer(many=True)


@extend_schema_serializer(component_name="FeedbackInvite")
class FeedbackInviteOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    round = serializers.UUIDField(source="round_id")
    stakeholder = StakeholderSummaryOutputSerializer()
    sent_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)
    responded_at = serializers.DateTimeField(allow_null=True)


ROUND_VALUE = {
    "id": EXAMPLE_IDS["round"],
    "project": EXAMPLE_IDS["project"],
    "title": "Expectations",
    "shared_context": "We are exploring an AI claims-triage assistant.",
    "closes_at": "2027-01-31T17:00:00Z",
    "status": "open",
    "opened_at": "2027-01-10T09:00:00Z",
    "closed_at": None,
    "you_said_we_did": "",
    "summary_sent_at": None,
    "outcome_scope_version": None,
    "outcome_note": "",
    "created_by": EXAMPLE_USER,
    "created_at": "2027-01-09T09:00:00Z",
    "updated_at": "2027-01-10T09:00:00Z",
}
ROUND_DETAIL_EXAMPLE = OpenApiExample(
    "Feedback round",
    response_only=True,
    value=ROUND_VALUE
    | {
        "questions": [
            {
                "id": EXAMPLE_IDS["question"],
                "position": 1,
                "kind": "rating",
                "prompt": "How useful would the assistant be?",
                "help_text": "",
                "choices": [],
                "required": True,
                "key": "usefulness",
            }
        ]
    },
)


# --- views ----------------------------------------------------------------------------------


@extend_schema(parameters=[PROJECT_ID])
class ProjectFeedbackRoundViewSet(ProjectChildViewSet):
    """The project's feedback rounds: everyone on it reads them, contributors create them."""

    policy_perms = {"list": Perm.PROJECT_VIEW, "create": Perm.PROJECT_CONTRIBUTE}

    @extend_schema(
        summary="List feedback rounds",
        description="Newest first, with how many were invited and answered.",
        responses={200: FeedbackRoundOutputSerializer, **problems(*READ)},
    )
    def list(self, request: Request, project_id: str) -> Response:
        rounds = feedback_round_list(user=signed_in_user(request), project=self.get_project())
        # The creator is shown on every row: joined here, not fetched row by row.
        rounds = rounds.select_related("created_by").order_by("-created_at", "pk")
        page = self.paginate_queryset(rounds)
        return self.get_paginated_response(FeedbackRoundOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Draft a feedback round",
        description=(
            "Contributors. A draft with its form: rating (1–5), single choice, multiple choice "
            "and free-text questions; choice questions need 2 to 20 distinct options. Open it "
            "to send the links."
        ),
        request=FeedbackRoundCreateInputSerializer,
        responses={201: FeedbackRoundDetailOutputSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample(
                "New round",
                request_only=True,
                value={
                    "title": "Expectations",
                    "shared_context": "We are exploring an AI claims-triage assistant.",
                    "closes_at": "2027-01-31T18:00:00+01:00",
                    "questions": [
                        {
                            "kind": "rating",
                            "prompt": "How useful would the assistant be?",
                            "key": "usefulness",
                        },
                        {
                            "kind": "single",
                            "prompt": "Main concern?",
                            "choices": ["Accuracy", "Privacy", "Jobs"],
                        },
                        {"kind": "text", "prompt": "Anything else?", "required": False},
                    ],
                },
            ),
            ROUND_DETAIL_EXAMPLE,
        ],
    )
    def create(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        data = validated(FeedbackRoundCreateInputSerializer, request.data)
        feedback_round = feedback_round_create(
            actor=signed_in_user(request),
            project=project,
            title=data["title"],
            closes_at=data["closes_at"],
            questions=data["questions"],
            shared_context=data.get("shared_context", ""),
        )
        fresh = feedback_round_get_for_user(user=signed_in_user(request), id=feedback_round.pk)
        return Response(
            FeedbackRoundDetailOutputSerializer(fresh).data, status=status.HTTP_201_CREATED
        )


def _round_action(summary: str, description: str, request: Any, **extra: Any) -> Any:
    return extend_schema(
        summary=summary,
        description=description,
        parameters=[ID],
        request=request,
        responses={200: FeedbackRoundDetailOutputSerializer, **problems(*WRITE)},
        **extra,
    )


class FeedbackRoundViewSet(FeedbackResultsMixin, ProjectsApiViewSet):
    """One feedback round: its form, its life (draft → open → closed) and its results."""

    policy_perms = {
        "retrieve": Perm.PROJECT_VIEW,
        "results": Perm.PROJECT_VIEW,
        "results_csv": Perm.PROJECT_VIEW,
        "outstanding": Perm.PROJECT_VIEW,
        "open": Perm.PROJECT_CONTRIBUTE,
        "close": Perm.PROJECT_CONTRIBUTE,
        "summary": Perm.PROJECT_CONTRIBUTE,
    }

    def get_object(self) -> FeedbackRound:
        return self.check_row(
            feedback_round_get_for_user(user=signed_in_user(self.request), id=self.kwargs["pk"])
        )

    def _detail(self, feedback_round: FeedbackRound) -> Response:
        fresh = feedback_round_get_for_user(user=signed_in_user(self.request), id=feedback_round.pk)
        return Response(FeedbackRoundDetailOutputSerializer(fresh).data)

    @extend_schema(
        summary="Get a feedback round",
        description="With its questions, in order.",
        parameters=[ID],
        responses={200: FeedbackRoundDetailOutputSerializer, **problems(*READ)},
        examples=[ROUND_DETAIL_EXAMPLE],
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(FeedbackRoundDetailOutputSerializer(self.get_object()).data)

    @_round_action(
        "Open a round",
        "Contributors; a draft whose end date is still ahead (409 otherwise). Each chosen "
        "stakeholder of the project gets a personal link by email.",
        FeedbackRoundOpenInputSerializer,
        operation_id="feedback_rounds_open",
        examples=[
            OpenApiExample(
                "Open",
                request_only=True,
                value={"stakeholders": [EXAMPLE_IDS["stakeholder"], EXAMPLE_IDS["stakeholder_2"]]},
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def open(self, request: Request, pk: str) -> Response:
        feedback_round = self.get_object()
        data = validated(FeedbackRoundOpenInputSerializer, request.data)
        feedback_round = feedback_round_open(
            actor=signed_in_user(request),
            feedback_round=feedback_round,
            stakeholders=data["stakeholders"],
        )
        return self._detail(feedback_round)

    @_round_action(
        "Close a round",
        "Contributors. Links stop taking answers; closing a closed round changes nothing.",
        None,
        operation_id="feedback_rounds_close",
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        feedback_round = feedback_round_close(
            actor=signed_in_user(request), feedback_round=self.get_object()
        )
        return self._detail(feedback_round)

    @_round_action(
        'Publish the "you said, we did" summary',
        "Contributors, once the round is closed (409 before). Respondents receive it by "
        "email. `outcome_scope_version` names the version of this project's scope it led to.",
        FeedbackRoundSummaryInputSerializer,
        operation_id="feedback_rounds_summary",
        examples=[
            OpenApiExample(
                "Summary",
                request_only=True,
                value={
                    "you_said_we_did": "You asked for human review; every answer is now checked.",
                    "outcome_note": "Added a review step to the scope.",
                },
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def summary(self, request: Request, pk: str) -> Response:
        feedback_round = self.get_object()
        data = validated(FeedbackRoundSummaryInputSerializer, request.data)
        version = None
        if data.get("outcome_scope_version") is not None:
            try:
                version = scope_version_get_for_user(
                    user=signed_in_user(request), id=data["outcome_scope_version"]
                )
            except Http404:
                version = None
            # A body field: a version the caller cannot see looks like no version at all.
            if version is None or version.document.project_id != feedback_round.project_id:
                raise serializers.ValidationError({"outcome_scope_version": [UNKNOWN_VERSION]})
        feedback_round = feedback_round_publish_summary(
            actor=signed_in_user(request),
            feedback_round=feedback_round,
            you_said_we_did=data["you_said_we_did"],
            outcome_scope_version=version,
            outcome_note=data.get("outcome_note", ""),
        )
        return self._detail(feedback_round)


class FeedbackInviteViewSet(ProjectsApiViewSet):
    """One stakeholder's invite to a round."""

    policy_perms = {"retrieve": Perm.PROJECT_VIEW, "revoke": Perm.PROJECT_CONTRIBUTE}

    def get_object(self) -> FeedbackInvite:
        return self.check_row(
            feedback_invite_get_for_user(user=signed_in_user(self.request), id=self.kwargs["pk"])
        )

    @extend_schema(
        summary="Get a feedback invite",
        parameters=[ID],
        responses={200: FeedbackInviteOutputSerializer, **problems(*READ)},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(FeedbackInviteOutputSerializer(self.get_object()).data)

    @extend_schema(
        summary="Withdraw a stakeholder's link",
        description=(
            "Contributors. The personal link stops working at once (a new secret replaces the "
            "old one); an answer already given stays."
        ),
        operation_id="feedback_invites_revoke",
        parameters=[ID],
        request=None,
        responses={200: FeedbackInviteOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str) -> Response:
        invite = feedback_invite_revoke(actor=signed_in_user(request), invite=self.get_object())
        fresh = feedback_invite_get_for_user(user=signed_in_user(request), id=invite.pk)
        return Response(FeedbackInviteOutputSerializer(fresh).data)
