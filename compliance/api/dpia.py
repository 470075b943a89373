"""REST endpoints of a project's DPIA versions: start or revise, edit the draft, submit,
reopen, the DPO's opinion and the two sign-offs. A state that forbids the action (an edit of a
submitted or signed version, a stale revision, a capacity signed twice) answers 409."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import Perm, Rule
from accounts.rest import UserSummaryOutputSerializer
from accounts.types import signed_in_user
from compliance.dpia_screening import screening_reason
from compliance.models import DpiaApproval, DpiaVersion
from compliance.selectors.dpia import dpia_version_get_for_user, dpia_version_list
from compliance.services.dpia import (
    dpia_dpo_opinion_give,
    dpia_reopen,
    dpia_sign_off,
    dpia_start,
    dpia_submit,
    dpia_update,
)
from core.api.schema import ID, READ, WRITE, problems
from core.api.serializers import StrictInputSerializer, validated
from projects.rest import PROJECT_ID, ProjectChildViewSet


class DpiaDatasetSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()


class DpiaRiskSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    code = serializers.CharField()
    title = serializers.CharField()


class DpiaSignOffSerializer(serializers.Serializer):
    capacity = serializers.ChoiceField(choices=DpiaApproval.Capacity.choices)
    approver = UserSummaryOutputSerializer()
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="DpiaVersion")
class DpiaOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    number = serializers.IntegerField()
    status = serializers.ChoiceField(choices=DpiaVersion.Status.choices)
    revision = serializers.IntegerField(help_text="Send it back with an edit: an older one is 409.")
    revised_from = serializers.UUIDField(source="revised_from_id", allow_null=True)
    art35_cases = serializers.ListField(child=serializers.CharField())
    criteria = serializers.ListField(child=serializers.CharField())
    is_required = serializers.BooleanField(help_text="Computed from the screening.")
    screening_result = serializers.SerializerMethodField()
    screening_notes = serializers.CharField()
    nature = serializers.CharField()
    scope = serializers.CharField()
    context = serializers.CharField()  # type: ignore[assignment]
    purposes = serializers.CharField()
    datasets = DpiaDatasetSerializer(many=True, source="datasets.all")
    necessity = serializers.CharField()
    risks = DpiaRiskSerializer(many=True, source="risks.all")
    risk_assessment = serializers.CharField()
    mitigations = serializers.CharField()
    dpo_opinion = serializers.CharField()
    dpo_advice = serializers.CharField()
    dpo_advice_reason = serializers.CharField()
    dpo_by = UserSummaryOutputSerializer(allow_null=True)
    dpo_at = serializers.DateTimeField(allow_null=True)
    submitted_by = UserSummaryOutputSerializer(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    sign_offs = DpiaSignOffSerializer(many=True, source="approvals.all")
    signed_off_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()

    @extend_schema_field(serializers.CharField())
    def get_screening_result(self, dpia: DpiaVersion) -> str:
        return screening_reason(art35_cases=dpia.art35_cases, criteria=dpia.criteria)


def _codes(choices: Any) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ChoiceField(choices=choices), required=False, max_length=len(choices)
    )


class DpiaListQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=DpiaVersion.Status.choices, required=False)


@extend_schema_serializer(component_name="DpiaVersionWrite")
class DpiaUpdateInputSerializer(StrictInputSerializer):
    revision = serializers.IntegerField(
        required=False, min_value=1, help_text="The revision you edited; another is 409."
    )
    art35_cases = _codes(DpiaVersion.Case.choices)
    criteria = _codes(DpiaVersion.Criterion.choices)
    screening_notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    nature = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    scope = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    context = serializers.CharField(  # type: ignore[assignment]
        max_length=5000, required=False, allow_blank=True
    )
    purposes = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    datasets = serializers.ListField(
        child=serializers.UUIDField(), required=False, max_length=200, help_text="Of this project."
    )
    necessity = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    risks = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        max_length=200,
        help_text="Risks of this project's register; any other id is not found (400).",
    )
    risk_assessment = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    mitigations = serializers.CharField(max_length=10000, required=False, allow_blank=True)


@extend_schema_serializer(component_name="DpiaSubmit")
class DpiaSubmitInputSerializer(StrictInputSerializer):
    revision = serializers.IntegerField(required=False, min_value=1)


@extend_schema_serializer(component_name="DpiaReopen")
class DpiaReopenInputSerializer(StrictInputSerializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


@extend_schema_serializer(component_name="DpiaOpinion")
class DpiaOpinionInputSerializer(StrictInputSerializer):
    opinion = serializers.CharField(max_length=10000)
    advice = serializers.ChoiceField(choices=DpiaVersion.Advice.choices)
    advice_reason = serializers.CharField(
        max_length=5000,
        required=False,
        allow_blank=True,
        help_text="Required when the advice is not followed.",
    )


@extend_schema_serializer(component_name="DpiaSignOff")
class DpiaSignOffInputSerializer(StrictInputSerializer):
    capacity = serializers.ChoiceField(choices=DpiaApproval.Capacity.choices)
    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True)


@extend_schema(parameters=[PROJECT_ID])
class DpiaVersionViewSet(ProjectChildViewSet):
    """The project's DPIA, one version at a time; signed versions stay readable."""

    policy_perms = {
        "list": Perm.PROJECT_VIEW,
        "retrieve": Perm.PROJECT_VIEW,
        "create": Perm.PROJECT_CONTRIBUTE,
        "partial_update": Perm.PROJECT_CONTRIBUTE,
        "submit": Perm.PROJECT_CONTRIBUTE,
        "reopen": Perm.PROJECT_CONTRIBUTE,
        "dpo_opinion": Rule.DPIA_DPO_OPINION,
        # The capacity is in the body: the service asks the policy for that capacity's rule.
        "sign_off": Perm.PROJECT_VIEW,
    }

    def fetch_row(self, pk: str) -> DpiaVersion:
        return dpia_version_get_for_user(user=signed_in_user(self.request), id=pk)

    def _out(self, dpia: DpiaVersion) -> Any:
        fresh = dpia_version_get_for_user(user=signed_in_user(self.request), id=dpia.pk)
        return DpiaOutputSerializer(fresh).data

    @extend_schema(
        summary="List the DPIA's versions",
        description="Newest first; `?status=signed_off` for the signed history.",
        parameters=[DpiaListQuerySerializer],
        responses={200: DpiaOutputSerializer, **problems(400, *READ)},
    )
    def list(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        filters = validated(DpiaListQuerySerializer, request.query_params)
        page = self.paginate_queryset(dpia_version_list(project=project, **filters))
        return self.get_paginated_response(DpiaOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Start the DPIA, or revise the signed version",
        description=(
            "Version 1 if there is none; after a signed version, the next one copied forward "
            "(the earlier stays as signed). 409 while a version is open."
        ),
        request=None,
        responses={201: DpiaOutputSerializer, **problems(*WRITE)},
    )
    def create(self, request: Request, project_id: str) -> Response:
        dpia = dpia_start(actor=signed_in_user(request), project=self.get_project())
        return Response(self._out(dpia), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Get a DPIA version",
        parameters=[ID],
        responses={200: DpiaOutputSerializer, **problems(*READ)},
    )
    def retrieve(self, request: Request, project_id: str, pk: str) -> Response:
        return Response(DpiaOutputSerializer(self.get_object()).data)

    @extend_schema(
        summary="Edit a draft",
        description="The screening's result is recomputed. A submitted or signed version is 409.",
        parameters=[ID],
        request=DpiaUpdateInputSerializer,
        responses={200: DpiaOutputSerializer, **problems(*WRITE)},
    )
    def partial_update(self, request: Request, project_id: str, pk: str) -> Response:
        dpia = self.get_object()
        data: dict[str, Any] = validated(DpiaUpdateInputSerializer, request.data)
        done = dpia_update(actor=signed_in_user(request), dpia=dpia, **data)
        return Response(self._out(done))

    @extend_schema(
        summary="Submit a draft for review",
        description="A required DPIA needs every part; a DPIA not required, the reasoning.",
        parameters=[ID],
        request=DpiaSubmitInputSerializer,
        responses={200: DpiaOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, project_id: str, pk: str) -> Response:
        dpia = self.get_object()
        data: dict[str, Any] = validated(DpiaSubmitInputSerializer, request.data)
        return Response(self._out(dpia_submit(actor=signed_in_user(request), dpia=dpia, **data)))

    @extend_schema(
        summary="Take a version in review back to draft",
        description="Its DPO opinion and sign-offs are dropped (the audit trail keeps them).",
        parameters=[ID],
        request=DpiaReopenInputSerializer,
        responses={200: DpiaOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, project_id: str, pk: str) -> Response:
        dpia = self.get_object()
        data: dict[str, Any] = validated(DpiaReopenInputSerializer, request.data)
        return Response(self._out(dpia_reopen(actor=signed_in_user(request), dpia=dpia, **data)))

    @extend_schema(
        summary="Give the DPO's opinion",
        description="Compliance officers, on a version in review (Art. 35(2)).",
        parameters=[ID],
        request=DpiaOpinionInputSerializer,
        responses={200: DpiaOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=True, methods=["post"], url_path="dpo-opinion")
    def dpo_opinion(self, request: Request, project_id: str, pk: str) -> Response:
        dpia = self.get_object()
        data: dict[str, Any] = validated(DpiaOpinionInputSerializer, request.data)
        done = dpia_dpo_opinion_give(actor=signed_in_user(request), dpia=dpia, **data)
        return Response(self._out(done))

    @extend_schema(
        summary="Sign a version off",
        description=(
            "As the project's manager or as a compliance officer; one person never gives both "
            "(403). The second sign-off freezes the version and feeds the Art. 35 check."
        ),
        parameters=[ID],
        request=DpiaSignOffInputSerializer,
        responses={200: DpiaOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request: Request, project_id: str, pk: str) -> Response:
        dpia = self.get_object()
        data: dict[str, Any] = validated(DpiaSignOffInputSerializer, request.data)
        return Response(self._out(dpia_sign_off(actor=signed_in_user(request), dpia=dpia, **data)))
