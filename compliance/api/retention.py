"""REST endpoints of the retention periods: read them with what outlived each, set one (per
record type: a second call changes its days), remove one, and erase what outlived it (with
`"confirm": true`). Administrators and compliance officers."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import Perm
from accounts.rest import ORGANIZATION_ID, OrganizationChildViewSet
from accounts.types import signed_in_user
from compliance.models import RetentionRule
from compliance.retention import RECORD_TYPE_CHOICES, retention_past
from compliance.selectors.retention import retention_rule_get_for_user
from compliance.services.retention import (
    retention_erase,
    retention_rule_remove,
    retention_rule_set,
)
from core.api.schema import DELETE, ID, READ, WRITE, problems
from core.api.serializers import StrictInputSerializer, validated


@extend_schema_serializer(component_name="RetentionRule")
class RetentionRuleOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    record_type = serializers.ChoiceField(choices=RECORD_TYPE_CHOICES)
    days = serializers.IntegerField()
    due = serializers.SerializerMethodField(help_text="Records past the period, not erased yet.")
    updated_at = serializers.DateTimeField()

    def get_due(self, rule: RetentionRule) -> int:
        return retention_past(rule=rule).count()


@extend_schema_serializer(component_name="RetentionRuleInput")
class RetentionRuleInputSerializer(StrictInputSerializer):
    record_type = serializers.ChoiceField(choices=RECORD_TYPE_CHOICES)
    days = serializers.IntegerField(min_value=1, help_text="At least 1.")


@extend_schema_serializer(component_name="RetentionErase")
class RetentionEraseInputSerializer(StrictInputSerializer):
    confirm = serializers.BooleanField(help_text="Must be true: the erasure is for good.")


@extend_schema_serializer(component_name="RetentionErased")
class RetentionErasedOutputSerializer(serializers.Serializer):
    erased = serializers.IntegerField()


@extend_schema(parameters=[ORGANIZATION_ID])
class RetentionRuleViewSet(OrganizationChildViewSet):
    """How long the organisation keeps each type of record holding personal data."""

    policy_perms = {
        "list": Perm.PRIVACY_MANAGE,
        "create": Perm.PRIVACY_MANAGE,
        "destroy": Perm.PRIVACY_MANAGE,
        "erase": Perm.PRIVACY_MANAGE,
    }

    def get_object(self) -> RetentionRule:
        organization = self.get_organization()
        rule = retention_rule_get_for_user(user=signed_in_user(self.request), id=self.kwargs["pk"])
        if rule.organization_id != organization.pk:
            raise Http404
        return rule

    @extend_schema(
        summary="List the retention periods",
        responses={200: RetentionRuleOutputSerializer, **problems(*READ, 403)},
    )
    def list(self, request: Request, organization_id: str) -> Response:
        organization = self.get_organization()
        rows = RetentionRule.objects.filter(organization=organization).select_related(
            "organization"
        )
        page = self.paginate_queryset(rows.order_by("record_type"))
        return self.get_paginated_response(RetentionRuleOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Set a retention period",
        description="One per record type: setting it again changes its days.",
        request=RetentionRuleInputSerializer,
        responses={201: RetentionRuleOutputSerializer, **problems(*WRITE)},
    )
    def create(self, request: Request, organization_id: str) -> Response:
        organization = self.get_organization()
        data: dict[str, Any] = validated(RetentionRuleInputSerializer, request.data)
        rule = retention_rule_set(actor=signed_in_user(request), organization=organization, **data)
        return Response(RetentionRuleOutputSerializer(rule).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Remove a retention period",
        parameters=[ID],
        responses={204: None, **problems(*DELETE)},
    )
    def destroy(self, request: Request, organization_id: str, pk: str) -> Response:
        retention_rule_remove(actor=signed_in_user(request), rule=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Erase what outlived a retention period",
        parameters=[ID],
        request=RetentionEraseInputSerializer,
        responses={200: RetentionErasedOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def erase(self, request: Request, organization_id: str, pk: str) -> Response:
        rule = self.get_object()
        data: dict[str, Any] = validated(RetentionEraseInputSerializer, request.data)
        erased = retention_erase(actor=signed_in_user(request), rule=rule, confirm=data["confirm"])
        return Response({"erased": erased})
