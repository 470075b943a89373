"""An organisation's webhook endpoints and their delivery logs: administrators only."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import TokenScope
from accounts.permissions import Perm
from accounts.rest import ORGANIZATION_ID, OrganizationChildViewSet, UserSummaryOutputSerializer
from accounts.types import signed_in_user
from core.api.schema import DELETE, ID, WRITE, problems
from core.api.serializers import StrictInputSerializer, validated
from webhooks.events import WebhookEvent
from webhooks.models import WebhookEndpoint
from webhooks.selectors import webhook_delivery_list, webhook_endpoint_list
from webhooks.services import (
    webhook_endpoint_create,
    webhook_endpoint_deactivate,
    webhook_endpoint_delete,
    webhook_endpoint_test,
)

READ_ADMIN = (401, 403, 404, 429)


@extend_schema_serializer(component_name="WebhookEndpoint")
class WebhookEndpointOutputSerializer(serializers.Serializer):
    """An endpoint; its secret is returned once, by the create call, and never again."""

    id = serializers.UUIDField()
    url = serializers.URLField()
    description = serializers.CharField()
    events = serializers.ListField(child=serializers.ChoiceField(choices=WebhookEvent.choices))
    is_active = serializers.BooleanField()
    created_by = UserSummaryOutputSerializer(allow_null=True)
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="WebhookEndpointCreated")
class WebhookEndpointCreatedOutputSerializer(WebhookEndpointOutputSerializer):
    secret = serializers.CharField(
        help_text="The signing secret: shown only in this answer. Keep it to verify signatures."
    )


@extend_schema_serializer(component_name="WebhookEndpointCreate")
class WebhookEndpointInputSerializer(StrictInputSerializer):
    url = serializers.URLField(max_length=500, help_text="https:// only.")
    description = serializers.CharField(
        max_length=200, required=False, default="", allow_blank=True
    )
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices), allow_empty=False
    )


@extend_schema_serializer(component_name="WebhookDelivery")
class WebhookDeliveryOutputSerializer(serializers.Serializer):
    """One attempt to deliver one event."""

    id = serializers.UUIDField()
    event = serializers.CharField()
    event_id = serializers.UUIDField(help_text="The Charter-Delivery header: the same on retries.")
    attempt = serializers.IntegerField()
    status_code = serializers.IntegerField(allow_null=True, help_text="None: no answer.")
    error = serializers.CharField()
    duration_ms = serializers.IntegerField()
    delivered_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="WebhookTestEvent")
class WebhookTestOutputSerializer(serializers.Serializer):
    event = serializers.CharField()
    event_id = serializers.UUIDField()


@extend_schema(parameters=[ORGANIZATION_ID])
class WebhookEndpointViewSet(OrganizationChildViewSet):
    """Webhook endpoints of an organisation (administrators)."""

    policy_perms = dict.fromkeys(
        ("list", "retrieve", "create", "destroy", "test", "deactivate", "deliveries"),
        Perm.ORG_MANAGE,
    )
    # Administration: a token needs `admin` to change it (reading needs `read` only).
    token_scopes = dict.fromkeys(
        ("create", "destroy", "test", "deactivate"), TokenScope.ADMIN.value
    )

    def parent_perm(self) -> Perm:
        return Perm.ORG_MANAGE  # members see no webhooks: 403 on every route

    def get_queryset(self) -> Any:
        if self.is_schema_generation:
            return WebhookEndpoint.objects.none()
        return webhook_endpoint_list(
            user=signed_in_user(self.request), organization=self.get_organization()
        )

    @extend_schema(
        summary="List webhook endpoints",
        responses={200: WebhookEndpointOutputSerializer, **problems(*READ_ADMIN)},
    )
    def list(self, request: Request, organization_id: str) -> Response:
        """The organisation's endpoints, newest first."""
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(WebhookEndpointOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Add a webhook endpoint",
        request=WebhookEndpointInputSerializer,
        responses={201: WebhookEndpointCreatedOutputSerializer, **problems(*WRITE)},
        examples=[
            OpenApiExample(
                "Gate decisions",
                request_only=True,
                value={
                    "url": "https://grc.example.com/charter",
                    "events": ["gate.approved", "gate.rejected"],
                },
            )
        ],
    )
    def create(self, request: Request, organization_id: str) -> Response:
        """Add an endpoint; the answer carries its signing secret, the only time it is shown."""
        organization = self.get_organization()
        data = validated(WebhookEndpointInputSerializer, request.data)
        endpoint, secret = webhook_endpoint_create(
            actor=signed_in_user(request), organization=organization, **data
        )
        body = WebhookEndpointOutputSerializer(endpoint).data | {"secret": secret}
        response = Response(body, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(
        parameters=[ID],
        summary="Get a webhook endpoint",
        responses={200: WebhookEndpointOutputSerializer, **problems(*READ_ADMIN)},
    )
    def retrieve(self, request: Request, organization_id: str, pk: str) -> Response:
        """One endpoint (never its secret)."""
        return Response(WebhookEndpointOutputSerializer(self.get_object()).data)

    @extend_schema(
        parameters=[ID],
        summary="Delete a webhook endpoint",
        responses={204: None, **problems(*DELETE)},
    )
    def destroy(self, request: Request, organization_id: str, pk: str) -> Response:
        """Delete the endpoint and its delivery log."""
        webhook_endpoint_delete(actor=signed_in_user(request), endpoint=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        parameters=[ID],
        summary="Send a test event",
        operation_id="organizations_webhooks_test",
        request=None,
        responses={202: WebhookTestOutputSerializer, **problems(400, 401, 403, 404, 409, 429)},
    )
    @action(detail=True, methods=["post"])
    def test(self, request: Request, organization_id: str, pk: str) -> Response:
        """Queue a "ping" event to the endpoint; its attempts show in the deliveries."""
        event_id = webhook_endpoint_test(actor=signed_in_user(request), endpoint=self.get_object())
        return Response(
            WebhookTestOutputSerializer({"event": "ping", "event_id": event_id}).data,
            status=status.HTTP_202_ACCEPTED,
        )

    @extend_schema(
        parameters=[ID],
        summary="Deactivate a webhook endpoint",
        operation_id="organizations_webhooks_deactivate",
        request=None,
        responses={200: WebhookEndpointOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, organization_id: str, pk: str) -> Response:
        """Stop sending to the endpoint: messages not yet sent are dropped, its log stays. An
        endpoint already inactive is a 400."""
        endpoint = webhook_endpoint_deactivate(
            actor=signed_in_user(request), endpoint=self.get_object()
        )
        return Response(WebhookEndpointOutputSerializer(endpoint).data)

    @extend_schema(
        parameters=[ID],
        summary="List an endpoint's delivery attempts",
        operation_id="organizations_webhooks_deliveries_list",
        responses={200: WebhookDeliveryOutputSerializer(many=True), **problems(*READ_ADMIN)},
    )
    @action(detail=True, methods=["get"])
    def deliveries(self, request: Request, organization_id: str, pk: str) -> Response:
        """Every logged attempt to deliver to the endpoint, newest first (paginated)."""
        page = self.paginate_queryset(webhook_delivery_list(endpoint=self.get_object()))
        return self.get_paginated_response(WebhookDeliveryOutputSerializer(page, many=True).data)
