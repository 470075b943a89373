"""Input and output shapes of the workshops and feedback rounds API. Inputs are validated
here; services decide."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from accounts.api.common import (
    StrictInputSerializer,
    TimeZoneField,
    UserSummaryOutputSerializer,
)
from stakeholders.api.common import (
    EXAMPLE_IDS,
    EXAMPLE_USER,
    AwareDateTimeField,
    StakeholderSummaryOutputSerializer,
    stakeholder_ids,
)
from stakeholders.models import FeedbackRound, Question, Workshop

# --- workshops ------------------------------------------------------------------------------


@extend_schema_serializer(component_name="WorkshopCreate")
class WorkshopCreateInputSerializer(StrictInputSerializer):
    title = serializers.CharField(max_length=200)
    purpose = serializers.CharField(max_length=5000, allow_blank=True, required=False)
    agenda = serializers.CharField(max_length=10000, allow_blank=True, required=False)
    starts_at = AwareDateTimeField(help_text="ISO 8601 with its UTC offset.")
    time_zone = TimeZoneField(required=False, help_text="IANA name for the invitation; UTC.")
    duration_minutes = serializers.IntegerField(
        min_value=5, max_value=24 * 60, required=False, help_text="Default 90."
    )
    location = serializers.CharField(max_length=300, allow_blank=True, required=False)
    meeting_url = serializers.URLField(max_length=500, allow_blank=True, required=False)
    facilitator = serializers.UUIDField(
        allow_null=True, required=False, help_text="A user on the project."
    )
    stakeholders = stakeholder_ids(required=False, help_text="Stakeholders of the project.")


@extend_schema_serializer(component_name="WorkshopReschedule")
class WorkshopRescheduleInputSerializer(StrictInputSerializer):
    """Only the fields given change; an empty body changes nothing."""

    starts_at = AwareDateTimeField(required=False)
    time_zone = TimeZoneField(required=False)
    duration_minutes = serializers.IntegerField(min_value=5, max_value=24 * 60, required=False)
    location = serializers.CharField(max_length=300, allow_blank=True, required=False)
    meeting_url = serializers.URLField(max_length=500, allow_blank=True, required=False)


@extend_schema_serializer(component_name="WorkshopCancel")
class WorkshopCancelInputSerializer(StrictInputSerializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True, required=False)


@extend_schema_serializer(component_name="WorkshopInvite")
class WorkshopInviteInputSerializer(StrictInputSerializer):
    stakeholders = stakeholder_ids(min_length=1)


@extend_schema_serializer(component_name="WorkshopActionItem")
class ActionItemInputSerializer(StrictInputSerializer):
    title = serializers.CharField(max_length=200)
    assignee = serializers.UUIDField(
        allow_null=True, required=False, help_text="A user on the project."
    )
    due_date = serializers.DateField(allow_null=True, required=False)


@extend_schema_serializer(component_name="WorkshopOutcome")
class WorkshopOutcomeInputSerializer(StrictInputSerializer):
    minutes = serializers.CharField(max_length=50000, allow_blank=True)
    attended = stakeholder_ids(help_text="Ids of invited stakeholders who came.")
    decisions = serializers.ListField(
        child=serializers.CharField(max_length=2000), max_length=100, required=False
    )
    action_items = ActionItemInputSerializer(
        many=True, required=False, max_length=100, help_text="Each becomes a task on the project."
    )


class WorkshopFieldsOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    project = serializers.UUIDField(source="project_id")
    title = serializers.CharField()
    purpose = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    time_zone = serializers.CharField(help_text="IANA name the invitation is written in.")
    duration_minutes = serializers.IntegerField()
    location = serializers.CharField()
    meeting_url = serializers.CharField()
    facilitator = UserSummaryOutputSerializer(allow_null=True)
    status = serializers.ChoiceField(choices=Workshop.Status.choices)
    ics_sequence = serializers.IntegerField(
        help_text="The invitation's SEQUENCE: each reschedule or cancellation adds one."
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="Workshop")
class WorkshopOutputSerializer(WorkshopFieldsOutputSerializer):
    invited_count = serializers.IntegerField()
    attended_count = serializers.IntegerField()


@extend_schema_serializer(component_name="WorkshopInvitation")
class InvitationOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    stakeholder = StakeholderSummaryOutputSerializer()
    attended = serializers.BooleanField(
        allow_null=True, help_text="Null until the outcome is recorded."
    )
    last_sent_at = serializers.DateTimeField(allow_null=True)


@extend_schema_serializer(component_name="WorkshopDecision")
class DecisionOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    text = serializers.CharField()
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="WorkshopDetail")
class WorkshopDetailOutputSerializer(WorkshopFieldsOutputSerializer):
    agenda = serializers.CharField()
    minutes = serializers.CharField()
    invitations = InvitationOutputSerializer(many=True)
    decisions = DecisionOutputSerializer(many=True)


WORKSHOP_VALUE = {
    "id": EXAMPLE_IDS["workshop"],
    "project": EXAMPLE_IDS["project"],
    "title": "Expectations workshop",
    "purpose": "Hear what claim handlers expect.",
    "starts_at": "2027-01-12T08:30:00Z",
    "ends_at": "2027-01-12T10:00:00Z",
    "time_zone": "Europe/Paris",
    "duration_minutes": 90,
    "location": "Room 4",
    "meeting_url": "",
    "facilitator": EXAMPLE_USER,
    "status": "scheduled",
    "ics_sequence": 0,
    "created_at": "2026-11-28T09:00:00Z",
    "updated_at": "2026-11-28T09:00:00Z",
}
WORKSHOP_DETAIL_EXAMPLE = OpenApiExample(
    "Workshop",
    response_only=True,
    value=WORKSHOP_VALUE
    | {
        "agenda": "1. Today's process\n2. Pain points\n3. Expectations",
        "minutes": "",
        "invitations": [
            {
                "id": "d4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f7a",
                "stakeholder": {
                    "id": EXAMPLE_IDS["stakeholder"],
                    "name": "Dana Reyes",
                    "email": "dana.reyes@acme.example",
                },
                "attended": None,
                "last_sent_at": "2026-11-28T09:00:05Z",
            }
        ],
        "decisions": [],
    },
)


# --- feedback rounds ------------------------------------------------------------------------


@extend_schema_serializer(component_name="QuestionCreate")
class QuestionInputSerializer(StrictInputSerializer):
    kind = serializers.ChoiceField(choices=Question.Kind.choices)
    prompt = serializers.CharField(max_length=500)
    help_text = serializers.CharField(max_length=500, allow_blank=True, required=False)
    choices = serializers.ListField(
        child=serializers.CharField(max_length=200),
        max_length=20,
        required=False,
        help_text="single and multiple: 2 to 20 distinct options; ignored otherwise.",
    )
    required = serializers.BooleanField(required=False, help_text="Default true.")
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
    questions = QuestionInputSerializer(many=True, max_length=40, help_text="1 to 40, in order.")


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
    help_text = serializers.CharField()
    choices = serializers.ListField(child=serializers.CharField())
    required = serializers.BooleanField()
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
