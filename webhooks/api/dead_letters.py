"""An organisation's dead letters: outbox messages (emails, webhook events) that failed for
good, for its administrators to retry or discard — the API of the Failed deliveries page."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import TokenScope
from accounts.permissions import Perm
from accounts.rest import ORGANIZATION_ID, OrganizationChildViewSet
from accounts.types import signed_in_user
from core.api.schema import ID, WRITE, problems
from outbox.models import OutboxMessage
from outbox.services import mask_emails, mask_recipient
from webhooks import selectors, services

READ_ADMIN = (401, 403, 404, 429)


@extend_schema_serializer(component_name="DeadLetter")
class DeadLetterOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField(help_text='What it carried, e.g. "email" or "webhook".')
    status = serializers.ChoiceField(choices=OutboxMessage.Status.choices)
    attempts = serializers.IntegerField()
    recipient = serializers.SerializerMethodField()
    last_error = serializers.SerializerMethodField()
    failed_at = serializers.DateTimeField(source="updated_at")

    # Addresses are personal data: shown masked, as on the page.
    @extend_schema_field(serializers.CharField(help_text="Masked: j***@example.com."))
    def get_recipient(self, message: OutboxMessage) -> str:
        return mask_recipient(message.recipient)

    @extend_schema_field(serializers.CharField(help_text="With any address in it masked."))
    def get_last_error(self, message: OutboxMessage) -> str:
        return mask_emails(message.last_error)


@extend_schema(parameters=[ORGANIZATION_ID])
class DeadLetterViewSet(OrganizationChildViewSet):
    """Dead letters of an organisation (administrators), latest failure first."""

    policy_perms = dict.fromkeys(("list", "retry", "discard"), Perm.ORG_MANAGE)
    # Administration, as the webhooks are: changing one needs a token's `admin` scope.
    token_scopes = dict.fromkeys(("retry", "discard"), TokenScope.ADMIN.value)

    def parent_perm(self) -> Perm:
        return Perm.ORG_MANAGE  # members see no dead letters: 403 on every route

    def get_queryset(self) -> Any:
        if self.is_schema_generation:
            return OutboxMessage.objects.none()
        return selectors.dead_letter_list(
            user=signed_in_user(self.request), organization=self.get_organization()
        )

    @extend_schema(
        summary="List dead letters",
        responses={200: DeadLetterOutputSerializer, **problems(*READ_ADMIN)},
    )
    def list(self, request: Request, organization_id: str) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(DeadLetterOutputSerializer(page, many=True).data)

    def _change(self, request: Request, pk: str, *, retry: bool) -> Response:
        organization = self.get_organization()
        change = services.dead_letter_retry if retry else services.dead_letter_discard
        try:
            message_id = uuid.UUID(pk)
        except ValueError as error:
            raise Http404 from error
        try:
            # A message that is not dead any more is a ValidationError: a 400 problem.
            message = change(
                actor=signed_in_user(request), organization=organization, message_id=message_id
            )
        except OutboxMessage.DoesNotExist as error:
            raise Http404 from error
        return Response(DeadLetterOutputSerializer(message).data)

    @extend_schema(
        parameters=[ID],
        summary="Retry a dead letter",
        description="Sent again with a fresh set of attempts; one no longer dead is a 400.",
        operation_id="organizations_dead_letters_retry",
        request=None,
        responses={200: DeadLetterOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, organization_id: str, pk: str) -> Response:
        return self._change(request, pk, retry=True)

    @extend_schema(
        parameters=[ID],
        summary="Discard a dead letter",
        description="Never sent; kept as discarded. One no longer dead is a 400.",
        operation_id="organizations_dead_letters_discard",
        request=None,
        responses={200: DeadLetterOutputSerializer, **problems(*WRITE)},
    )
    @action(detail=True, methods=["post"])
    def discard(self, request: Request, organization_id: str, pk: str) -> Response:
        return self._change(request, pk, retry=False)
