"""REST endpoints of bias audits: schedule one, conduct it (or an ad-hoc one), sign it off."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import Perm, Rule
from accounts.rest import UserSummaryOutputSerializer
from accounts.types import signed_in_user
from compliance.models import BiasAudit
from compliance.selectors.bias_audits import bias_audit_get_for_user, bias_audit_list
from compliance.services.bias_audits import (
    bias_audit_conduct,
    bias_audit_schedule,
    bias_audit_sign_off,
)
from core.api.schema import ID, READ, WRITE, problems
from core.api.serializers import StrictInputSerializer, validated
from projects.rest import PROJECT_ID, ProjectChildViewSet


class ReviewedCheckSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    version = serializers.CharField()
    metric = serializers.CharField()
    slice_key = serializers.CharField()
    method = serializers.CharField()
    threshold = serializers.CharField()
    flagged = serializers.IntegerField()
    flagged_slices = serializers.ListField(child=serializers.CharField())
    outcome = serializers.CharField()


@extend_schema_serializer(component_name="BiasAudit")
class BiasAuditOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=BiasAudit.Kind.choices)
    status = serializers.ChoiceField(choices=BiasAudit.Status.choices)
    due_on = serializers.DateField(allow_null=True)
    recurrence_months = serializers.IntegerField(allow_null=True)
    reviewed_checks = ReviewedCheckSerializer(many=True)
    findings = serializers.CharField()
    actions = serializers.CharField()
    conducted_by = UserSummaryOutputSerializer(allow_null=True)
    conducted_at = serializers.DateTimeField(allow_null=True)
    signed_off_by = UserSummaryOutputSerializer(allow_null=True)
    signed_off_at = serializers.DateTimeField(allow_null=True)
    sign_off_comment = serializers.CharField()
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="BiasAuditSchedule")
class ScheduleInputSerializer(StrictInputSerializer):
    due_on = serializers.DateField()
    recurrence_months = serializers.IntegerField(
        min_value=1, max_value=24, required=False, allow_null=True
    )


@extend_schema_serializer(component_name="BiasAuditConduct")
class ConductInputSerializer(StrictInputSerializer):
    findings = serializers.CharField(max_length=20000)
    actions = serializers.CharField(max_length=20000, required=False, allow_blank=True)


@extend_schema_serializer(component_name="BiasAuditSignOff")
class SignOffInputSerializer(StrictInputSerializer):
    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True)


@extend_schema(parameters=[PROJECT_ID])
class BiasAuditViewSet(ProjectChildViewSet):
    """Bias audits of the project: planned, conducted, signed off."""

    policy_perms = {
        "list": Perm.PROJECT_VIEW,
        "retrieve": Perm.PROJECT_VIEW,
        "create": Rule.CLASSIFY,
        "ad_hoc": Rule.CLASSIFY,
        "conduct": Rule.CLASSIFY,
        "sign_off": Rule.BIAS_AUDIT_SIGN_OFF,
    }

    def fetch_row(self, pk: str) -> BiasAudit:
        return bias_audit_get_for_user(user=signed_in_user(self.request), id=pk)

    def _out(self, audit: BiasAudit) -> Any:
        fresh = bias_audit_get_for_user(user=signed_in_user(self.request), id=audit.pk)
        return BiasAuditOutputSerializer(fresh).data

    @extend_schema(
        summary="List the bias audits",
        responses={200: BiasAuditOutputSerializer, **problems(*READ)},
    )
    def list(self, request: Request, project_id: str) -> Response:
        page = self.paginate_queryset(bias_audit_list(project=self.get_project()))
        return self.get_paginated_response(BiasAuditOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Schedule a bias audit",
        description="Managers and compliance officers; a recurring one schedules the next.",
        request=ScheduleInputSerializer,
        responses={201: BiasAuditOutputSerializer, **problems(*WRITE)},
    )
    def create(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        data: dict[str, Any] = validated(ScheduleInputSerializer, request.data)
        audit = bias_audit_schedule(actor=signed_in_user(request), project=project, **data)
        return Response(self._out(audit), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Conduct an ad-hoc bias audit",
        request=ConductInputSerializer,
        responses={201: BiasAuditOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=False, methods=["post"], url_path="ad-hoc")
    def ad_hoc(self, request: Request, project_id: str) -> Response:
        project = self.get_project()
        data: dict[str, Any] = validated(ConductInputSerializer, request.data)
        audit = bias_audit_conduct(actor=signed_in_user(request), project=project, **data)
        return Response(self._out(audit), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Get a bias audit",
        parameters=[ID],
        responses={200: BiasAuditOutputSerializer, **problems(*READ)},
    )
    def retrieve(self, request: Request, project_id: str, pk: str) -> Response:
        return Response(BiasAuditOutputSerializer(self.get_object()).data)

    @extend_schema(
        summary="Conduct a planned bias audit",
        parameters=[ID],
        request=ConductInputSerializer,
        responses={200: BiasAuditOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def conduct(self, request: Request, project_id: str, pk: str) -> Response:
        audit = self.get_object()
        data: dict[str, Any] = validated(ConductInputSerializer, request.data)
        done = bias_audit_conduct(
            actor=signed_in_user(request), project=audit.project, audit=audit, **data
        )
        return Response(self._out(done))

    @extend_schema(
        summary="Sign a bias audit off",
        description="A compliance officer who did not conduct it.",
        parameters=[ID],
        request=SignOffInputSerializer,
        responses={200: BiasAuditOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request: Request, project_id: str, pk: str) -> Response:
        audit = self.get_object()
        data: dict[str, Any] = validated(SignOffInputSerializer, request.data)
        return Response(
            self._out(bias_audit_sign_off(actor=signed_in_user(request), audit=audit, **data))
        )
