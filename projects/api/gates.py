"""REST endpoints of the lifecycle: the next gate's criteria and requests, the two sign-offs,
moving back a phase, and the phase history."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import Decision, Perm
from accounts.rest import UserSummaryOutputSerializer
from accounts.types import signed_in_user
from core.api.schema import ID, READ, WRITE, problems
from core.api.serializers import StrictInputSerializer, validated
from projects.api.projects import ProjectOutputSerializer
from projects.models import GateApproval, GateRequest, PhaseChange, Project
from projects.rest import PROJECT_ID, ProjectChildViewSet, ProjectsApiViewSet
from projects.selectors import gate_request_get_for_user, gate_status, phase_history
from projects.services import (
    gate_approve,
    gate_move_back,
    gate_reject,
    gate_request,
    gate_withdraw,
)
from projects.services.gates import gate_sign_decisions

Capacity = GateApproval.Capacity

# --- serializers ----------------------------------------------------------------------------


@extend_schema_serializer(component_name="GateCriterion")
class CriterionOutputSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Stable identifier, e.g. feasibility_go.")
    # A published field named like a DRF Field attribute; the metaclass takes declared
    # fields off the class, so the attribute is untouched at run time.
    label = serializers.CharField()  # type: ignore[assignment]
    met = serializers.BooleanField()
    detail = serializers.CharField(help_text="What is missing, when unmet.")
    section = serializers.CharField(help_text="The part of the project where it is done.")
    owner_app = serializers.CharField(help_text="The app that registered the criterion.")


@extend_schema_serializer(component_name="GateApproval")
class ApprovalOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    approver = UserSummaryOutputSerializer()
    capacity = serializers.ChoiceField(choices=Capacity.choices)
    decision = serializers.ChoiceField(choices=GateApproval.Decision.choices)
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="GateRequest")
class GateRequestOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    project = serializers.UUIDField(source="project_id")
    from_phase = serializers.ChoiceField(choices=Project.Phase.choices)
    to_phase = serializers.ChoiceField(choices=Project.Phase.choices)
    status = serializers.ChoiceField(choices=GateRequest.Status.choices)
    requested_by = UserSummaryOutputSerializer()
    note = serializers.CharField()
    criteria_at_request = CriterionOutputSerializer(many=True)
    criteria_at_decision = CriterionOutputSerializer(
        many=True, help_text="Evaluated again at the final sign-off; empty until then."
    )
    approvals = ApprovalOutputSerializer(many=True, source="approvals.all")
    decided_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="GateSignable")
class CanSignOutputSerializer(serializers.Serializer):
    manager = serializers.BooleanField()
    compliance = serializers.BooleanField()


@extend_schema_serializer(component_name="GateSignRefusals")
class SignRefusalsOutputSerializer(serializers.Serializer):
    manager = serializers.CharField()
    compliance = serializers.CharField()


@extend_schema_serializer(component_name="GateStatus")
class GateStatusOutputSerializer(serializers.Serializer):
    phase = serializers.ChoiceField(choices=Project.Phase.choices)
    next_phase = serializers.ChoiceField(choices=Project.Phase.choices, allow_null=True)
    all_met = serializers.BooleanField()
    criteria = CriterionOutputSerializer(many=True, help_text="The next gate's, evaluated now.")
    pending_request = GateRequestOutputSerializer(allow_null=True)
    can_sign = CanSignOutputSerializer(
        help_text="The capacities in which you could sign the pending request now."
    )
    sign_refusals = SignRefusalsOutputSerializer(
        help_text=(
            "Why a capacity your role holds is not offered to you (you requested the gate, "
            "or gave its other sign-off); blank where no such rule applies."
        )
    )
    history = GateRequestOutputSerializer(many=True, help_text="Every request, newest first.")


@extend_schema_serializer(component_name="PhaseChange")
class PhaseChangeOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    from_phase = serializers.ChoiceField(choices=Project.Phase.choices)
    to_phase = serializers.ChoiceField(choices=Project.Phase.choices)
    direction = serializers.ChoiceField(choices=PhaseChange.Direction.choices)
    reason = serializers.CharField(
        help_text="Why it moved back, or why it was retired; blank through another gate."
    )
    actor = UserSummaryOutputSerializer(allow_null=True)
    gate_request = serializers.UUIDField(source="gate_request_id", allow_null=True)
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="GateRequestCreate")
class GateRequestInputSerializer(StrictInputSerializer):
    note = serializers.CharField(
        max_length=5000,
        allow_blank=True,
        required=False,
        help_text="Required from Operate: the retirement reason.",
    )


@extend_schema_serializer(component_name="GateApprove")
class ApproveInputSerializer(StrictInputSerializer):
    capacity = serializers.ChoiceField(choices=Capacity.choices)
    comment = serializers.CharField(max_length=5000, allow_blank=True, required=False)


@extend_schema_serializer(component_name="GateReject")
class RejectInputSerializer(StrictInputSerializer):
    capacity = serializers.ChoiceField(choices=Capacity.choices)
    comment = serializers.CharField(max_length=5000, help_text="Why the gate is refused.")


@extend_schema_serializer(component_name="MoveBack")
class MoveBackInputSerializer(StrictInputSerializer):
    reason = serializers.CharField(max_length=5000)


CRITERION = {
    "key": "feasibility_go",
    "label": 'A signed-off feasibility study with a "go" verdict',
    "met": True,
    "detail": "",
    "section": "feasibility",
    "owner_app": "projects",
}
ADA = {
    "id": "0b6f3f6e-7f2a-4d43-9b8e-2f1f0c9d1a11",
    "email": "ada@acme.example",
    "full_name": "Ada Lovelace",
}
REQUEST_VALUE = {
    "id": "7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a0b",
    "project": "3f2a1b0c-9d8e-4f7a-b6c5-d4e3f2a1b0c9",
    "from_phase": "scope",
    "to_phase": "select",
    "status": "pending",
    "requested_by": ADA,
    "note": "Ready for model selection.",
    "criteria_at_request": [CRITERION],
    "criteria_at_decision": [],
    "approvals": [
        {
            "id": "8f9a0b1c-2d3e-4f4a-9b5c-6d7e8f9a0b1c",
            "approver": ADA,
            "capacity": "manager",
            "decision": "approve",
            "comment": "",
            "created_at": "2026-11-28T11:00:00Z",
        }
    ],
    "decided_at": None,
    "created_at": "2026-11-28T10:00:00Z",
    "updated_at": "2026-11-28T10:00:00Z",
}
REQUEST_EXAMPLE = OpenApiExample("Gate request", response_only=True, value=REQUEST_VALUE)
UNMET = (
    "While any criterion is unmet the answer is 409 with code `gate_criteria_unmet` and "
    "`errors` listing the unmet criteria (key, label, met, detail, section, owner_app); "
    "nothing is recorded."
)


# --- views ----------------------------------------------------------------------------------


@extend_schema(parameters=[PROJECT_ID])
class ProjectGateViewSet(ProjectChildViewSet):
    """The project's lifecycle: its next gate, a request to pass it, moving back."""

    policy_perms = {
        "retrieve": Perm.PROJECT_VIEW,
        "request_gate": Perm.PROJECT_MANAGE,
        "move_back": Perm.PROJECT_MANAGE,
    }

    @extend_schema(
        summary="The next gate",
        description=(
            "The next phase, each of its criteria evaluated now, the pending request with its "
            "sign-offs, and every earlier request."
        ),
        operation_id="projects_gate_retrieve",
        responses={200: GateStatusOutputSerializer, **problems(*READ)},
        examples=[
            OpenApiExample(
                "Gate",
                response_only=True,
                value={
                    "phase": "scope",
                    "next_phase": "select",
                    "all_met": True,
                    "criteria": [CRITERION],
                    "pending_request": REQUEST_VALUE,
                    "can_sign": {"manager": False, "compliance": True},
                    "sign_refusals": {
                        "manager": "One person cannot give both sign-offs of a gate.",
                        "compliance": "",
                    },
                    "history": [REQUEST_VALUE],
                },
            )
        ],
    )
    def retrieve(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        gate = gate_status(user=signed_in_user(request), project=project)
        decisions = dict.fromkeys(Capacity.values, Decision(False))
        if gate.pending is not None:
            gate.pending.project = project  # the same project, already loaded: spares a query
            decisions = gate_sign_decisions(signed_in_user(request), gate.pending)
        body = {
            "phase": project.phase,
            "next_phase": gate.to_phase,
            "all_met": gate.all_met,
            "criteria": gate.criteria,
            "pending_request": gate.pending,
            "can_sign": {capacity: d.allowed for capacity, d in decisions.items()},
            "sign_refusals": {capacity: d.reason for capacity, d in decisions.items()},
            "history": gate.history,
        }
        return Response(GateStatusOutputSerializer(body).data)

    @extend_schema(
        summary="Request the next gate",
        description=(
            "Project managers. Needs every criterion met; then the manager and a compliance "
            "officer sign it off (two different people). One request may be pending at a "
            "time (409). From Operate the gate leads to Retired and `note`, the retirement "
            "reason, is required (400). " + UNMET
        ),
        operation_id="projects_gate_request",
        request=GateRequestInputSerializer,
        responses={201: GateRequestOutputSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample("Request", request_only=True, value={"note": "Ready."}),
            REQUEST_EXAMPLE,
        ],
    )
    def request_gate(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        data = validated(GateRequestInputSerializer, request.data)
        created = gate_request(
            actor=signed_in_user(request), project=project, note=data.get("note", "")
        )
        fresh = gate_request_get_for_user(user=signed_in_user(request), id=created.pk)
        return Response(GateRequestOutputSerializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Move the project back a phase",
        description=(
            "Project managers, with a reason; a pending gate request is withdrawn. From the "
            "first phase it is 409."
        ),
        operation_id="projects_move_back",
        request=MoveBackInputSerializer,
        responses={200: ProjectOutputSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample("Back", request_only=True, value={"reason": "The use case changed."})
        ],
    )
    def move_back(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        data = validated(MoveBackInputSerializer, request.data)
        moved = gate_move_back(
            actor=signed_in_user(request), project=project, reason=data["reason"]
        )
        moved.owner = project.owner  # already loaded; spares a query
        return Response(ProjectOutputSerializer(moved).data)


@extend_schema(parameters=[PROJECT_ID])
class PhaseHistoryViewSet(ProjectChildViewSet):
    """The project's phase changes."""

    policy_perms = {"list": Perm.PROJECT_VIEW}

    @extend_schema(
        summary="Phase history",
        description="Gates passed and moves back, newest first.",
        responses={200: PhaseChangeOutputSerializer, **problems(*READ)},
    )
    def list(self, request: Request, project_id: str) -> Response:
        changes = phase_history(user=signed_in_user(request), project=self.get_project())
        page = self.paginate_queryset(changes)
        return self.get_paginated_response(PhaseChangeOutputSerializer(page, many=True).data)


class GateRequestViewSet(ProjectsApiViewSet):
    """One gate request and its sign-offs."""

    policy_perms = {"retrieve": Perm.PROJECT_VIEW}  # signing: the service checks the capacity

    def get_object(self) -> GateRequest:
        return self.check_row(
            gate_request_get_for_user(user=signed_in_user(self.request), id=self.kwargs["pk"])
        )

    def _answer(self, gate: GateRequest) -> Response:
        fresh = gate_request_get_for_user(user=signed_in_user(self.request), id=gate.pk)
        return Response(GateRequestOutputSerializer(fresh).data)

    @extend_schema(
        summary="Get a gate request",
        parameters=[ID],
        responses={200: GateRequestOutputSerializer, **problems(*READ)},
        examples=[REQUEST_EXAMPLE],
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(GateRequestOutputSerializer(self.get_object()).data)

    @extend_schema(
        summary="Sign a gate request off",
        description=(
            "`manager` needs the project's manager role, `compliance` a compliance officer. "
            "Each capacity signs once (409), one person never signs both (403). The second "
            "approval checks the criteria again and passes the gate: the project moves to the "
            "next phase. " + UNMET
        ),
        operation_id="gate_requests_approve",
        parameters=[ID],
        request=ApproveInputSerializer,
        responses={200: GateRequestOutputSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample(
                "Compliance sign-off",
                request_only=True,
                value={"capacity": "compliance", "comment": "DPIA on file."},
            ),
            REQUEST_EXAMPLE,
        ],
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        gate = self.get_object()
        data = validated(ApproveInputSerializer, request.data)
        gate = gate_approve(
            actor=signed_in_user(request),
            request=gate,
            capacity=data["capacity"],
            comment=data.get("comment", ""),
        )
        return self._answer(gate)

    @extend_schema(
        summary="Refuse a gate request",
        description="In one's capacity, saying why; the request is closed.",
        operation_id="gate_requests_reject",
        parameters=[ID],
        request=RejectInputSerializer,
        responses={200: GateRequestOutputSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample(
                "Refuse",
                request_only=True,
                value={"capacity": "compliance", "comment": "The DPIA is missing."},
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        gate = self.get_object()
        data = validated(RejectInputSerializer, request.data)
        gate = gate_reject(
            actor=signed_in_user(request),
            request=gate,
            capacity=data["capacity"],
            comment=data["comment"],
        )
        return self._answer(gate)

    @extend_schema(
        summary="Withdraw a gate request",
        description="Its requester or a project manager, while it is pending (409 otherwise).",
        operation_id="gate_requests_withdraw",
        parameters=[ID],
        request=None,
        responses={200: GateRequestOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        return self._answer(gate_withdraw(actor=signed_in_user(request), request=self.get_object()))
