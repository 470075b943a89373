"""REST endpoints of the decision record: record it (managers), read it with the matrix it
froze, and the compliance officer's sign-off. A record is never edited: PATCH and PUT are
not served (405), since what it says must stay what was decided."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import Perm, Rule
from accounts.rest import UserSummaryOutputSerializer
from accounts.types import signed_in_user
from core.api.schema import ID, READ, WRITE, problems
from core.api.serializers import StrictInputSerializer, validated
from models_registry.api.matrix import MatrixOutputSerializer
from models_registry.models import DecisionApproval, DecisionRecord
from models_registry.selectors import candidate_in_project, decision_get_for_user, decision_list
from models_registry.services import decision_record, decision_sign_compliance
from projects.rest import PROJECT_ID, ProjectChildViewSet

NOT_A_CANDIDATE = "Not a candidate of this project."


@extend_schema_serializer(component_name="DecisionRecordCreate")
class DecisionCreateInputSerializer(StrictInputSerializer):
    chosen = serializers.UUIDField(help_text="The chosen candidate.")
    rationale = serializers.CharField(max_length=10000)
    rejected_reasons = serializers.DictField(
        child=serializers.CharField(max_length=2000, allow_blank=True),
        help_text="Candidate id → why it was not chosen, for every other candidate.",
    )
    open_or_closed = serializers.ChoiceField(
        choices=DecisionRecord.OpenOrClosed.choices,
        required=False,
        help_text="Only when building a model: a catalogue model's source decides it.",
    )


@extend_schema_serializer(component_name="DecisionSign")
class DecisionSignInputSerializer(StrictInputSerializer):
    verdict = serializers.ChoiceField(choices=DecisionApproval.Verdict.choices)
    comment = serializers.CharField(
        max_length=5000, allow_blank=True, required=False, help_text="Required to reject."
    )


class DecisionApprovalSerializer(serializers.Serializer):
    approver = UserSummaryOutputSerializer()
    capacity = serializers.ChoiceField(choices=DecisionApproval.Capacity.choices)
    verdict = serializers.ChoiceField(choices=DecisionApproval.Verdict.choices)
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()


class RejectedAlternativeSerializer(serializers.Serializer):
    candidate = serializers.UUIDField()
    label = serializers.CharField()  # type: ignore[assignment]
    reason = serializers.CharField()


@extend_schema_serializer(component_name="FrozenSelectionMatrix")
class FrozenMatrixSerializer(MatrixOutputSerializer):
    chosen_rank = serializers.IntegerField()
    currency = serializers.CharField()
    workload = serializers.DictField(child=serializers.IntegerField())
    costs = serializers.DictField(
        child=serializers.DictField(), help_text="Candidate id → its monthly cost estimate."
    )


@extend_schema_serializer(component_name="DecisionRecord")
class DecisionOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    code = serializers.CharField(help_text="D-1, D-2… in the project.")
    number = serializers.IntegerField()
    status = serializers.ChoiceField(choices=DecisionRecord.Status.choices)
    chosen = serializers.UUIDField(source="chosen_id")
    chosen_label = serializers.CharField()
    build_or_buy = serializers.ChoiceField(choices=DecisionRecord.BuildOrBuy.choices)
    open_or_closed = serializers.ChoiceField(choices=DecisionRecord.OpenOrClosed.choices)
    rationale = serializers.CharField()
    rejected_alternatives = RejectedAlternativeSerializer(many=True)
    frozen_matrix = FrozenMatrixSerializer(help_text="The matrix as it stood when recorded.")
    recorded_by = UserSummaryOutputSerializer()
    approvals = DecisionApprovalSerializer(many=True, source="approvals.all")
    decided_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


@extend_schema(parameters=[PROJECT_ID])
class DecisionRecordViewSet(ProjectChildViewSet):
    """The Select phase's outcome: one pending or approved record at a time."""

    policy_perms = {
        "list": Perm.PROJECT_VIEW,
        "retrieve": Perm.PROJECT_VIEW,
        "create": Perm.PROJECT_MANAGE,
        "sign": Rule.DECISION_SIGN_COMPLIANCE,
    }

    def fetch_row(self, pk: str) -> DecisionRecord:
        return decision_get_for_user(user=signed_in_user(self.request), id=pk)

    @extend_schema(
        summary="List the decision records",
        responses={200: DecisionOutputSerializer, **problems(*READ)},
    )
    def list(self, request: Request, project_id: str) -> Response:
        page = self.paginate_queryset(decision_list(project=self.get_project()))
        return self.get_paginated_response(DecisionOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Record the decision",
        description=(
            "Managers; recording it is the manager's sign-off. The chosen candidate must be "
            "ranked (not excluded by a hard constraint); every other candidate needs a reason. "
            "The matrix, sensitivity and costs are frozen into the record."
        ),
        request=DecisionCreateInputSerializer,
        responses={201: DecisionOutputSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample(
                "Choose",
                request_only=True,
                value={
                    "chosen": "3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b",
                    "rationale": "Best balance of quality and cost; open weights in the EU.",
                    "rejected_reasons": {
                        "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d": "Closed and twice the cost."
                    },
                },
            )
        ],
    )
    def create(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        data = validated(DecisionCreateInputSerializer, request.data)
        chosen = candidate_in_project(project=project, id=data["chosen"])
        if chosen is None:
            raise serializers.ValidationError({"chosen": [NOT_A_CANDIDATE]})
        decision = decision_record(
            actor=signed_in_user(request),
            project=project,
            chosen=chosen,
            rationale=data["rationale"],
            rejected_reasons={str(k): v for k, v in data["rejected_reasons"].items()},
            open_or_closed=data.get("open_or_closed"),
        )
        decision = decision_get_for_user(user=signed_in_user(request), id=decision.pk)
        return Response(DecisionOutputSerializer(decision).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Get a decision record",
        parameters=[ID],
        responses={200: DecisionOutputSerializer, **problems(*READ)},
    )
    def retrieve(self, request: Request, project_id: str, pk: str) -> Response:
        return Response(DecisionOutputSerializer(self.get_object()).data)

    @extend_schema(
        summary="Sign a decision as compliance officer",
        description=(
            "Approve, or reject with a comment. Compliance officers who did not approve it as "
            "its manager."
        ),
        parameters=[ID],
        request=DecisionSignInputSerializer,
        responses={200: DecisionOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, project_id: str, pk: str) -> Response:
        decision = self.get_object()
        data: dict[str, Any] = validated(DecisionSignInputSerializer, request.data)
        decision_sign_compliance(actor=signed_in_user(request), decision=decision, **data)
        decision = decision_get_for_user(user=signed_in_user(request), id=decision.pk)
        return Response(DecisionOutputSerializer(decision).data)
