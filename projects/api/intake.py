"""REST endpoints of use-case intake: members propose, administrators and compliance officers
triage (ask for more, accept into Scope as a project, or reject with a reason)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Organization
from accounts.permissions import Perm
from accounts.rest import ORGANIZATION_ID, UserSummaryOutputSerializer
from accounts.selectors import organization_get_for_user
from accounts.types import signed_in_user
from core.api.schema import ID, READ, WRITE, problems
from core.api.serializers import StrictInputSerializer, validated
from projects.api.projects import ProjectOutputSerializer
from projects.models import UseCaseProposal
from projects.rest import ProjectsApiViewSet, person_in
from projects.selectors import proposal_get_for_user, proposal_list_for_user
from projects.services import (
    proposal_accept,
    proposal_reject,
    proposal_request_info,
    proposal_resubmit,
    proposal_submit,
)

MANAGER_NOT_IN_ORG = "The manager must be a member of the organisation."


# --- serializers ----------------------------------------------------------------------------


@extend_schema_serializer(component_name="UseCaseProposal")
class ProposalOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    organization = serializers.UUIDField(source="organization_id")
    title = serializers.CharField()
    problem = serializers.CharField()
    intended_users = serializers.CharField()
    data_involved = serializers.CharField()
    expected_benefit = serializers.CharField()
    urgency = serializers.ChoiceField(choices=UseCaseProposal.Urgency.choices)
    status = serializers.ChoiceField(choices=UseCaseProposal.Status.choices)
    submitted_by = UserSummaryOutputSerializer()
    triaged_by = UserSummaryOutputSerializer(allow_null=True)
    triaged_at = serializers.DateTimeField(allow_null=True)
    triage_note = serializers.CharField(help_text="The question asked, or the reason given.")
    project = serializers.UUIDField(
        source="project_id", allow_null=True, help_text="The project it became, once accepted."
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="UseCaseProposalCreate")
class ProposalCreateInputSerializer(StrictInputSerializer):
    title = serializers.CharField(max_length=160)
    problem = serializers.CharField(max_length=5000)
    intended_users = serializers.CharField(max_length=2000)
    data_involved = serializers.CharField(max_length=5000)
    expected_benefit = serializers.CharField(max_length=5000)
    urgency = serializers.ChoiceField(
        choices=UseCaseProposal.Urgency.choices, required=False, help_text="Default medium."
    )


@extend_schema_serializer(component_name="UseCaseProposalResubmit")
class ProposalResubmitInputSerializer(StrictInputSerializer):
    """Any of the proposal's fields; those not given stay as they are."""

    title = serializers.CharField(max_length=160, required=False)
    problem = serializers.CharField(max_length=5000, required=False)
    intended_users = serializers.CharField(max_length=2000, required=False)
    data_involved = serializers.CharField(max_length=5000, required=False)
    expected_benefit = serializers.CharField(max_length=5000, required=False)
    urgency = serializers.ChoiceField(choices=UseCaseProposal.Urgency.choices, required=False)


@extend_schema_serializer(component_name="UseCaseProposalRequestInfo")
class ProposalRequestInfoInputSerializer(StrictInputSerializer):
    note = serializers.CharField(max_length=5000, help_text="What information is missing.")


@extend_schema_serializer(component_name="UseCaseProposalReject")
class ProposalRejectInputSerializer(StrictInputSerializer):
    reason = serializers.CharField(max_length=5000, help_text="Kept in the inventory.")


@extend_schema_serializer(component_name="UseCaseProposalAccept")
class ProposalAcceptInputSerializer(StrictInputSerializer):
    name = serializers.CharField(
        max_length=160,
        required=False,
        help_text="The project's name; the proposal's title if not given.",
    )
    manager = serializers.UUIDField(
        required=False, help_text="A member of the organisation; the proposer if not given."
    )
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class ProposalListQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=UseCaseProposal.Status.choices, required=False)


PROPOSAL_EXAMPLE = OpenApiExample(
    "Proposal",
    response_only=True,
    value={
        "id": "6a1f0e2d-3c4b-4a59-8e7d-1f2a3b4c5d6e",
        "organization": "5d0c7a1e-3b7f-4a55-8f0e-6b8a7c1d2e33",
        "title": "Contract clause finder",
        "problem": "Lawyers search contracts by hand.",
        "intended_users": "Legal team",
        "data_involved": "Supplier contracts",
        "expected_benefit": "Hours saved per review",
        "urgency": "high",
        "status": "submitted",
        "submitted_by": {
            "id": "0b6f3f6e-7f2a-4d43-9b8e-2f1f0c9d1a11",
            "email": "ada@acme.example",
            "full_name": "Ada Lovelace",
        },
        "triaged_by": None,
        "triaged_at": None,
        "triage_note": "",
        "project": None,
        "created_at": "2026-11-28T09:00:00Z",
        "updated_at": "2026-11-28T09:00:00Z",
    },
)


# --- views ----------------------------------------------------------------------------------


@extend_schema(parameters=[ORGANIZATION_ID])
class OrganizationProposalViewSet(ProjectsApiViewSet):
    """The organisation's use-case inventory: every member reads it and may propose."""

    policy_perms = {"list": Perm.ORG_VIEW, "create": Perm.ORG_VIEW}
    _organization: Organization | None = None

    def get_organization(self) -> Organization:
        """The organisation in the URL, 404 if it is not the user's."""
        if self._organization is None:
            self._organization = organization_get_for_user(
                user=signed_in_user(self.request),
                id=self.kwargs["organization_id"],
                perm=Perm.ORG_VIEW,
            )
        return self._organization

    @extend_schema(
        summary="List use-case proposals",
        description="Newest first, rejected ones included (with their reason); filter by `status`.",
        parameters=[ProposalListQuerySerializer],
        responses={200: ProposalOutputSerializer, **problems(400, 401, 404, 429)},
    )
    def list(self, request: Request, organization_id: str) -> Response:
        organization = self.get_organization()
        query = validated(ProposalListQuerySerializer, request.query_params)
        proposals = proposal_list_for_user(
            user=signed_in_user(request), organization=organization, status=query.get("status")
        )
        page = self.paginate_queryset(proposals)
        return self.get_paginated_response(ProposalOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Propose a use case",
        description="Any member; administrators and compliance officers triage.",
        request=ProposalCreateInputSerializer,
        responses={201: ProposalOutputSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample(
                "New proposal",
                request_only=True,
                value={
                    "title": "Contract clause finder",
                    "problem": "Lawyers search contracts by hand.",
                    "intended_users": "Legal team",
                    "data_involved": "Supplier contracts",
                    "expected_benefit": "Hours saved per review",
                    "urgency": "high",
                },
            ),
            PROPOSAL_EXAMPLE,
        ],
    )
    def create(self, request: Request, organization_id: str) -> Response:
        organization = self.get_organization()
        data = validated(ProposalCreateInputSerializer, request.data)
        proposal = proposal_submit(actor=signed_in_user(request), organization=organization, **data)
        return Response(ProposalOutputSerializer(proposal).data, status=status.HTTP_201_CREATED)


class ProposalViewSet(ProjectsApiViewSet):
    """One proposal and its triage."""

    policy_perms = {
        "request_info": Perm.INTAKE_TRIAGE,
        "accept": Perm.INTAKE_TRIAGE,
        "reject": Perm.INTAKE_TRIAGE,
    }

    def get_object(self) -> UseCaseProposal:
        return self.check_row(
            proposal_get_for_user(user=signed_in_user(self.request), id=self.kwargs["pk"])
        )

    @extend_schema(
        summary="Get a proposal",
        parameters=[ID],
        responses={200: ProposalOutputSerializer, **problems(*READ)},
        examples=[PROPOSAL_EXAMPLE],
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(ProposalOutputSerializer(self.get_object()).data)

    @extend_schema(
        summary="Ask the proposer for more information",
        description="Administrators and compliance officers; the proposal must be submitted.",
        operation_id="proposals_request_info",
        parameters=[ID],
        request=ProposalRequestInfoInputSerializer,
        responses={200: ProposalOutputSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample("Question", request_only=True, value={"note": "Which contracts?"})
        ],
    )
    @action(detail=True, methods=["post"], url_path="request-info")
    def request_info(self, request: Request, pk: str) -> Response:
        proposal = self.get_object()
        data = validated(ProposalRequestInfoInputSerializer, request.data)
        proposal = proposal_request_info(
            actor=signed_in_user(request), proposal=proposal, note=data["note"]
        )
        return Response(ProposalOutputSerializer(proposal).data)

    @extend_schema(
        summary="Answer a request for information and submit again",
        description=(
            "The proposer (or a triager) changes any of the proposal's fields and submits it "
            "again; only while more information is requested (409 otherwise)."
        ),
        operation_id="proposals_resubmit",
        parameters=[ID],
        request=ProposalResubmitInputSerializer,
        responses={200: ProposalOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def resubmit(self, request: Request, pk: str) -> Response:
        proposal = self.get_object()
        data = validated(ProposalResubmitInputSerializer, request.data)
        proposal = proposal_resubmit(actor=signed_in_user(request), proposal=proposal, **data)
        return Response(ProposalOutputSerializer(proposal).data)

    @extend_schema(
        summary="Accept a proposal into Scope",
        description=(
            "Administrators and compliance officers. Creates the project, in Scope, with the "
            "proposal's use case; its manager is the proposer unless `manager` names another "
            "member. Answers the new project. A decided proposal is 409."
        ),
        operation_id="proposals_accept",
        parameters=[ID],
        request=ProposalAcceptInputSerializer,
        responses={201: ProjectOutputSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample(
                "Accept",
                request_only=True,
                value={"name": "Clause finder", "note": "Start with supplier contracts."},
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        proposal = self.get_object()
        data = validated(ProposalAcceptInputSerializer, request.data)
        manager = person_in(
            user=signed_in_user(request),
            organization=proposal.organization,
            person_id=data.get("manager"),
            field="manager",
            message=MANAGER_NOT_IN_ORG,
        )
        project = proposal_accept(
            actor=signed_in_user(request),
            proposal=proposal,
            project_name=data.get("name"),
            manager=manager,
            note=data.get("note", ""),
        )
        return Response(ProjectOutputSerializer(project).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Reject a proposal",
        description="Administrators and compliance officers; the reason stays in the inventory.",
        operation_id="proposals_reject",
        parameters=[ID],
        request=ProposalRejectInputSerializer,
        responses={200: ProposalOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        proposal = self.get_object()
        data = validated(ProposalRejectInputSerializer, request.data)
        proposal = proposal_reject(
            actor=signed_in_user(request), proposal=proposal, reason=data["reason"]
        )
        return Response(ProposalOutputSerializer(proposal).data)
