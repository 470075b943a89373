"""The currency an organisation's costs are shown in: every member reads it, administrators
change it (the exchange rates on file go with the old currency)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import Perm
from accounts.rest import ORGANIZATION_ID, OrganizationChildViewSet
from accounts.types import signed_in_user
from core.api.schema import READ, WRITE, problems
from core.api.serializers import StrictInputSerializer, validated
from models_registry.services import organization_currency_set

CURRENCY_HELP = "ISO 4217, e.g. EUR: catalogue prices and decision costs are shown in it."


@extend_schema_serializer(component_name="OrganizationCurrency")
class CurrencyOutputSerializer(serializers.Serializer):
    currency = serializers.CharField(help_text=CURRENCY_HELP)


@extend_schema_serializer(component_name="OrganizationCurrencyUpdate")
class CurrencyInputSerializer(StrictInputSerializer):
    currency = serializers.CharField(max_length=3, help_text=CURRENCY_HELP)


@extend_schema(parameters=[ORGANIZATION_ID])
class OrganizationCurrencyViewSet(OrganizationChildViewSet):
    """One value per organisation: a plain route, read and replaced whole."""

    policy_perms = {"currency": Perm.ORG_VIEW, "currency_update": Perm.ORG_MANAGE}

    @extend_schema(
        summary="The organisation's cost currency",
        operation_id="organizations_currency_retrieve",
        responses={200: CurrencyOutputSerializer, **problems(*READ)},
    )
    def currency(self, request: Request, organization_id: str) -> Response:
        organization = self.get_organization()
        return Response(CurrencyOutputSerializer(organization).data)

    @extend_schema(
        summary="Change the organisation's cost currency",
        description=(
            "Administrators. The exchange rates on file convert into the old currency, so they "
            "are removed (the audit event lists them); decision records keep the costs they "
            "froze. The same currency again changes nothing."
        ),
        operation_id="organizations_currency_update",
        request=CurrencyInputSerializer,
        responses={200: CurrencyOutputSerializer, **problems(*WRITE)},
        examples=[OpenApiExample("Euro", request_only=True, value={"currency": "EUR"})],
    )
    def currency_update(self, request: Request, organization_id: str) -> Response:
        organization = self.get_organization()
        data = validated(CurrencyInputSerializer, request.data)
        organization = organization_currency_set(
            actor=signed_in_user(request), organization=organization, currency=data["currency"]
        )
        return Response(CurrencyOutputSerializer(organization).data)
