"""REST endpoints of workshops: schedule with calendar invitations, reschedule, cancel, invite
more people, record what happened, and the current invitation as an .ics file. Their input and
output shapes sit beside the viewsets."""

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
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import Perm
from accounts.rest import UserSummaryOutputSerializer
from accounts.types import signed_in_user
from core.api.renderers import CalendarRenderer
from core.api.schema import ID, READ, WRITE, problems
from core.api.serializers import AwareDateTimeField, StrictInputSerializer, TimeZoneField, validated
from projects.models import Project
from projects.rest import PROJECT_ID, ProjectChildViewSet, ProjectsApiViewSet, person_in
from stakeholders.api.common import (
    EXAMPLE_IDS,
    EXAMPLE_USER,
    StakeholderSummaryOutputSerializer,
    stakeholder_ids,
)
from stakeholders.ics import workshop_calendar
from stakeholders.models import Workshop
from stakeholders.selectors import workshop_get_for_user, workshop_list
from stakeholders.services import (
    workshop_cancel,
    workshop_invite,
    workshop_record_outcome,
    workshop_reschedule,
    workshop_schedule,
)

NOT_ON_PROJECT = "Pick a member of the project's organisation."
STATE_RULES = (
    " Only a scheduled workshop can be changed this way; a held or cancelled one answers 409."
)


# --- serializers ----------------------------------------------------------------------------


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
    # `many_init` is what `many=True` calls; the stubs' __init__ lacks the list's max_length.
    action_items = ActionItemInputSerializer.many_init(
        required=False, max_length=100, help_text="Each becomes a task on the project."
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


# --- views ----------------------------------------------------------------------------------


def _facilitator(request: Request, project: Project, data: dict[str, Any]) -> None:
    if "facilitator" in data:
        data["facilitator"] = person_in(
            user=signed_in_user(request),
            organization=project.organization,
            person_id=data["facilitator"],
            field="facilitator",
            message=NOT_ON_PROJECT,
        )


@extend_schema(parameters=[PROJECT_ID])
class ProjectWorkshopViewSet(ProjectChildViewSet):
    """The project's workshops: everyone on it reads them, contributors schedule them."""

    policy_perms = {"list": Perm.PROJECT_VIEW, "create": Perm.PROJECT_CONTRIBUTE}

    @extend_schema(
        summary="List workshops",
        description="Latest start first, with how many were invited and came.",
        responses={200: WorkshopOutputSerializer, **problems(*READ)},
    )
    def list(self, request: Request, project_id: str) -> Response:
        workshops = workshop_list(user=signed_in_user(request), project=self.get_project())
        # The id breaks ties between workshops starting together, for stable pages.
        page = self.paginate_queryset(workshops.order_by("-starts_at", "pk"))
        return self.get_paginated_response(WorkshopOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Schedule a workshop",
        description=(
            "Contributors. Invited stakeholders must be linked to the project; each receives "
            "an email with an .ics invitation (not for a workshop already over)."
        ),
        request=WorkshopCreateInputSerializer,
        responses={201: WorkshopDetailOutputSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample(
                "New workshop",
                request_only=True,
                value={
                    "title": "Expectations workshop",
                    "purpose": "Hear what claim handlers expect.",
                    "starts_at": "2027-01-12T09:30:00+01:00",
                    "time_zone": "Europe/Paris",
                    "duration_minutes": 90,
                    "location": "Room 4",
                    "stakeholders": [EXAMPLE_IDS["stakeholder"]],
                },
            ),
            WORKSHOP_DETAIL_EXAMPLE,
        ],
    )
    def create(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        data = validated(WorkshopCreateInputSerializer, request.data)
        _facilitator(request, project, data)
        workshop = workshop_schedule(actor=signed_in_user(request), project=project, **data)
        fresh = workshop_get_for_user(user=signed_in_user(request), id=workshop.pk)
        return Response(WorkshopDetailOutputSerializer(fresh).data, status=status.HTTP_201_CREATED)


def _action_schema(summary: str, description: str, request: Any, **extra: Any) -> Any:
    return extend_schema(
        summary=summary,
        description=description,
        parameters=[ID],
        request=request,
        responses={200: WorkshopDetailOutputSerializer, **problems(*WRITE)},
        **extra,
    )


class WorkshopViewSet(ProjectsApiViewSet):
    """One workshop, its invitations and its outcome."""

    policy_perms = {
        "retrieve": Perm.PROJECT_VIEW,
        "ics": Perm.PROJECT_VIEW,
        "reschedule": Perm.PROJECT_CONTRIBUTE,
        "cancel": Perm.PROJECT_CONTRIBUTE,
        "invite": Perm.PROJECT_CONTRIBUTE,
        "outcome": Perm.PROJECT_CONTRIBUTE,
    }

    def get_object(self) -> Workshop:
        return self.check_row(
            workshop_get_for_user(user=signed_in_user(self.request), id=self.kwargs["pk"])
        )

    def _detail(self, workshop: Workshop) -> Response:
        # Read again after a change: invitations and decisions as they now are.
        fresh = workshop_get_for_user(user=signed_in_user(self.request), id=workshop.pk)
        return Response(WorkshopDetailOutputSerializer(fresh).data)

    @extend_schema(
        summary="Get a workshop",
        description="With its invitations, attendance and decisions.",
        parameters=[ID],
        responses={200: WorkshopDetailOutputSerializer, **problems(*READ)},
        examples=[WORKSHOP_DETAIL_EXAMPLE],
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(WorkshopDetailOutputSerializer(self.get_object()).data)

    @_action_schema(
        "Reschedule a workshop",
        "Contributors. Everyone invited gets the updated invitation: same UID, SEQUENCE + 1."
        + STATE_RULES,
        WorkshopRescheduleInputSerializer,
        operation_id="workshops_reschedule",
        examples=[
            OpenApiExample(
                "Move", request_only=True, value={"starts_at": "2027-01-19T09:30:00+01:00"}
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def reschedule(self, request: Request, pk: str) -> Response:
        workshop = self.get_object()
        data = validated(WorkshopRescheduleInputSerializer, request.data)
        return self._detail(
            workshop_reschedule(actor=signed_in_user(request), workshop=workshop, **data)
        )

    @_action_schema(
        "Cancel a workshop",
        "Contributors. Invitees receive a cancellation for their calendar." + STATE_RULES,
        WorkshopCancelInputSerializer,
        operation_id="workshops_cancel",
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        workshop = self.get_object()
        data = validated(WorkshopCancelInputSerializer, request.data)
        workshop = workshop_cancel(
            actor=signed_in_user(request), workshop=workshop, reason=data.get("reason", "")
        )
        return self._detail(workshop)

    @_action_schema(
        "Invite more stakeholders",
        "Contributors; stakeholders of the project. The new invitees get the invitation; "
        "those already invited are left alone." + STATE_RULES,
        WorkshopInviteInputSerializer,
        operation_id="workshops_invite",
    )
    @action(detail=True, methods=["post"])
    def invite(self, request: Request, pk: str) -> Response:
        workshop = self.get_object()
        data = validated(WorkshopInviteInputSerializer, request.data)
        workshop = workshop_invite(
            actor=signed_in_user(request), workshop=workshop, stakeholders=data["stakeholders"]
        )
        return self._detail(workshop)

    @_action_schema(
        "Record a workshop's outcome",
        "Contributors, once the workshop has started: minutes, who attended (invited "
        "stakeholders), decisions, and action items that become tasks on the project. "
        "The outcome is recorded once: a workshop already held, or cancelled, answers 409.",
        WorkshopOutcomeInputSerializer,
        operation_id="workshops_outcome",
        examples=[
            OpenApiExample(
                "Outcome",
                request_only=True,
                value={
                    "minutes": "Walked through today's triage.",
                    "attended": [EXAMPLE_IDS["stakeholder"]],
                    "decisions": ["Start with motor claims"],
                    "action_items": [
                        {
                            "title": "Collect 50 sample claims",
                            "assignee": EXAMPLE_IDS["user"],
                            "due_date": "2027-02-01",
                        }
                    ],
                },
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def outcome(self, request: Request, pk: str) -> Response:
        workshop = self.get_object()
        data = validated(WorkshopOutcomeInputSerializer, request.data)
        items = []
        for item in data.get("action_items", []):
            assignee = person_in(
                user=signed_in_user(request),
                organization=workshop.project.organization,
                person_id=item.get("assignee"),
                field="action_items",
                message=NOT_ON_PROJECT,
            )
            items.append({**item, "assignee": assignee})
        workshop = workshop_record_outcome(
            actor=signed_in_user(request),
            workshop=workshop,
            minutes=data["minutes"],
            attended=data["attended"],
            decisions=data.get("decisions", []),
            action_items=items,
        )
        return self._detail(workshop)

    @extend_schema(
        summary="Download the invitation (.ics)",
        description=(
            "The workshop's current invitation as iCalendar, with the same UID and SEQUENCE "
            "as the one last mailed (METHOD:CANCEL once cancelled)."
        ),
        operation_id="workshops_ics",
        parameters=[ID],
        responses={
            (200, "text/calendar"): OpenApiResponse(
                response=OpenApiTypes.STR, description="An RFC 5545 calendar with one VEVENT."
            ),
            **problems(*READ),
        },
    )
    @action(detail=True, methods=["get"], renderer_classes=[CalendarRenderer])
    def ics(self, request: Request, pk: str) -> HttpResponse:
        workshop = self.get_object()
        attendees = [invitation.stakeholder for invitation in workshop.invitations.all()]
        body = workshop_calendar(
            workshop, attendees, cancelled=workshop.status == Workshop.Status.CANCELLED
        )
        method = "CANCEL" if workshop.status == Workshop.Status.CANCELLED else "REQUEST"
        # A plain response: the file is the body. Errors still answer problem+json, which
        # the calendar renderer writes as JSON.
        response = HttpResponse(body, content_type=f"text/calendar; charset=utf-8; method={method}")
        response["Content-Disposition"] = f'attachment; filename="workshop-{workshop.pk}.ics"'
        return response
