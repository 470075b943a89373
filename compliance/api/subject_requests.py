"""REST endpoints of data-subject requests: record one, read them (open, overdue, by kind),
start, extend, complete or refuse one, export what Charter holds about the subject, and erase
it (an erasure request, with `"confirm": true`). Administrators and compliance officers."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import Perm
from accounts.rest import ORGANIZATION_ID, OrganizationChildViewSet, UserSummaryOutputSerializer
from accounts.types import signed_in_user
from compliance.models import DataSubjectRequest
from compliance.selectors.subject_requests import (
    privacy_keepers,
    subject_request_get_for_user,
    subject_request_list_for_user,
)
from compliance.services.erasure import subject_request_erase
from compliance.services.subject_exports import subject_request_export
from compliance.services.subject_requests import (
    NOT_AN_OWNER,
    SUBJECT_TYPES,
    subject_request_complete,
    subject_request_extend,
    subject_request_record,
    subject_request_refuse,
    subject_request_start,
)
from core.api.schema import ID, WRITE, problems
from core.api.serializers import AwareDateTimeField, StrictInputSerializer, validated


@extend_schema_serializer(component_name="DataSubjectRequest")
class SubjectRequestOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=DataSubjectRequest.Kind.choices)
    subject_type = serializers.ChoiceField(choices=SUBJECT_TYPES)
    subject_id = serializers.SerializerMethodField(help_text="The stakeholder's or user's id.")
    status = serializers.ChoiceField(choices=DataSubjectRequest.Status.choices)
    received_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    is_overdue = serializers.BooleanField()
    extended_months = serializers.IntegerField(allow_null=True)
    extension_reason = serializers.CharField()
    refusal_reason = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)
    owner = UserSummaryOutputSerializer()
    created_at = serializers.DateTimeField()

    @extend_schema_field(OpenApiTypes.UUID)
    def get_subject_id(self, request: DataSubjectRequest) -> str:
        return str(request.stakeholder_id or request.user_id)


@extend_schema_serializer(component_name="DataSubjectRequestInput")
class SubjectRequestInputSerializer(StrictInputSerializer):
    kind = serializers.ChoiceField(choices=DataSubjectRequest.Kind.choices)
    subject_type = serializers.ChoiceField(choices=SUBJECT_TYPES)
    subject_id = serializers.UUIDField(help_text="A stakeholder or a member of the organisation.")
    received_at = AwareDateTimeField(required=False, help_text="Empty: now.")
    owner = serializers.UUIDField(
        required=False, help_text="An administrator or compliance officer; empty: you."
    )


@extend_schema_serializer(component_name="DataSubjectRequestExtend")
class ExtendInputSerializer(StrictInputSerializer):
    months = serializers.IntegerField(min_value=1, max_value=2)
    reason = serializers.CharField(max_length=2000)


@extend_schema_serializer(component_name="DataSubjectRequestRefuse")
class RefuseInputSerializer(StrictInputSerializer):
    reason = serializers.CharField(max_length=2000)


@extend_schema_serializer(component_name="DataSubjectRequestErase")
class EraseInputSerializer(StrictInputSerializer):
    confirm = serializers.BooleanField(
        help_text="Must be true: the erasure replaces the subject's personal data for good."
    )


class SubjectRequestListQuerySerializer(serializers.Serializer):
    open = serializers.BooleanField(required=False, default=False, help_text="Only open ones.")
    overdue = serializers.BooleanField(
        required=False, default=False, help_text="Only open ones past their due date."
    )
    kind = serializers.ChoiceField(choices=DataSubjectRequest.Kind.choices, required=False)


EXPORT = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="Everything Charter holds about the subject: `records`, one per place looked "
    "at (model, how it was found, its personal fields, the rows found).",
)


@extend_schema(parameters=[ORGANIZATION_ID])
class SubjectRequestViewSet(OrganizationChildViewSet):
    """The organisation's data-subject requests (GDPR Art. 15–21, CCPA)."""

    policy_perms = {
        "list": Perm.PRIVACY_MANAGE,
        "create": Perm.PRIVACY_MANAGE,
        "retrieve": Perm.PRIVACY_MANAGE,
        "start": Perm.PRIVACY_MANAGE,
        "extend": Perm.PRIVACY_MANAGE,
        "complete": Perm.PRIVACY_MANAGE,
        "refuse": Perm.PRIVACY_MANAGE,
        "erase": Perm.PRIVACY_MANAGE,
        "export": Perm.PRIVACY_MANAGE,
    }

    def get_object(self) -> DataSubjectRequest:
        organization = self.get_organization()
        found = subject_request_get_for_user(
            user=signed_in_user(self.request), id=self.kwargs["pk"]
        )
        if found.organization_id != organization.pk:
            raise Http404
        return found

    def _out(self, found: DataSubjectRequest) -> Any:
        fresh = subject_request_get_for_user(user=signed_in_user(self.request), id=found.pk)
        return SubjectRequestOutputSerializer(fresh).data

    @extend_schema(
        summary="List data-subject requests",
        parameters=[SubjectRequestListQuerySerializer],
        responses={200: SubjectRequestOutputSerializer, **problems(400, 401, 403, 404, 429)},
    )
    def list(self, request: Request, organization_id: str) -> Response:
        organization = self.get_organization()
        filters = validated(SubjectRequestListQuerySerializer, request.query_params)
        rows = subject_request_list_for_user(
            user=signed_in_user(request), organization=organization, filters=filters
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(SubjectRequestOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Record a data-subject request",
        description="Due one calendar month after `received_at` (Art. 12(3)).",
        request=SubjectRequestInputSerializer,
        responses={201: SubjectRequestOutputSerializer, **problems(*WRITE)},
    )
    def create(self, request: Request, organization_id: str) -> Response:
        organization = self.get_organization()
        data = dict(validated(SubjectRequestInputSerializer, request.data))
        if "owner" in data:
            owner = privacy_keepers(organization=organization).filter(pk=data["owner"]).first()
            if owner is None:
                raise serializers.ValidationError({"owner": [NOT_AN_OWNER]})
            data["owner"] = owner
        created = subject_request_record(
            actor=signed_in_user(request), organization=organization, **data
        )
        return Response(self._out(created), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Get a data-subject request",
        parameters=[ID],
        responses={200: SubjectRequestOutputSerializer, **problems(401, 403, 404, 429)},
    )
    def retrieve(self, request: Request, organization_id: str, pk: str) -> Response:
        return Response(self._out(self.get_object()))

    @extend_schema(
        summary="Start working on a request",
        parameters=[ID],
        request=None,
        responses={200: SubjectRequestOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def start(self, request: Request, organization_id: str, pk: str) -> Response:
        found = subject_request_start(actor=signed_in_user(request), request=self.get_object())
        return Response(self._out(found))

    @extend_schema(
        summary="Extend a request's deadline",
        description="Once, by one or two further months, with the reason told to the subject.",
        parameters=[ID],
        request=ExtendInputSerializer,
        responses={200: SubjectRequestOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def extend(self, request: Request, organization_id: str, pk: str) -> Response:
        found = self.get_object()
        data: dict[str, Any] = validated(ExtendInputSerializer, request.data)
        done = subject_request_extend(actor=signed_in_user(request), request=found, **data)
        return Response(self._out(done))

    @extend_schema(
        summary="Mark a request as answered",
        description="Access, rectification and objection requests; erasure requests are "
        "completed by the erasure.",
        parameters=[ID],
        request=None,
        responses={200: SubjectRequestOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, organization_id: str, pk: str) -> Response:
        found = subject_request_complete(actor=signed_in_user(request), request=self.get_object())
        return Response(self._out(found))

    @extend_schema(
        summary="Refuse a request",
        parameters=[ID],
        request=RefuseInputSerializer,
        responses={200: SubjectRequestOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def refuse(self, request: Request, organization_id: str, pk: str) -> Response:
        found = self.get_object()
        data: dict[str, Any] = validated(RefuseInputSerializer, request.data)
        done = subject_request_refuse(actor=signed_in_user(request), request=found, **data)
        return Response(self._out(done))

    @extend_schema(
        summary="Erase the subject's personal data",
        description="An erasure request only, with `confirm: true`. Idempotent: a completed "
        "erasure answers the request again, unchanged. 409 when the subject is the "
        "organisation's only administrator.",
        parameters=[ID],
        request=EraseInputSerializer,
        responses={200: SubjectRequestOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def erase(self, request: Request, organization_id: str, pk: str) -> Response:
        found = self.get_object()
        data: dict[str, Any] = validated(EraseInputSerializer, request.data)
        done = subject_request_erase(
            actor=signed_in_user(request), request=found, confirm=data["confirm"]
        )
        return Response(self._out(done))

    @extend_schema(
        summary="Export what Charter holds about the subject",
        parameters=[ID],
        responses={200: EXPORT, **problems(401, 403, 404, 429)},
    )
    @action(detail=True, methods=["get"])
    def export(self, request: Request, organization_id: str, pk: str) -> Response:
        data = subject_request_export(actor=signed_in_user(request), request=self.get_object())
        return Response(data)
