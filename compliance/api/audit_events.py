"""The audit trail, read-only, at /audit-events/: its output shape, query-string filters,
cursor pagination and the viewset (the trail is written by services only).

Each method validates the query, calls a selector, and serializes the result.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django_filters import rest_framework as filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.types import signed_in_user
from audit.models import AuditEvent
from compliance.selectors import audit_event_list_for_user
from compliance.selectors.audit import SYSTEM_ACTOR
from core.api.pagination import CreatedCursorPagination
from core.api.schema import ID, READ, problems
from core.api.viewsets import ApiViewSet

# --- serializers ----------------------------------------------------------------------------


@extend_schema_serializer(component_name="AuditActor")
class AuditActorOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField()


@extend_schema_serializer(component_name="AuditEvent")
class AuditEventOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    chain = serializers.CharField(help_text='The organisation id, or "system".')
    sequence = serializers.IntegerField(help_text="Position in the chain, from 1.")
    occurred_at = serializers.DateTimeField()
    organization = serializers.UUIDField(source="organization_id", allow_null=True)
    project = serializers.UUIDField(source="project_id", allow_null=True)
    actor = AuditActorOutputSerializer(allow_null=True, help_text="null: the system.")
    action = serializers.CharField(help_text='e.g. "project.updated".')
    target_type = serializers.CharField()
    target_id = serializers.CharField()
    # A published field named like the serializer's `data` property; the metaclass takes
    # declared fields off the class, so the property is untouched at run time.
    data = serializers.DictField(  # type: ignore[assignment]
        help_text='The change, e.g. {"name": {"old": …, "new": …}}.'
    )
    origin = serializers.CharField(help_text="web, api, task, command, admin or system.")
    request_id = serializers.CharField()
    ip_address = serializers.IPAddressField(allow_null=True)
    prev_hash = serializers.CharField(help_text="The previous event's hash in the chain.")
    hash = serializers.CharField(help_text="SHA-256 over this event's content and prev_hash.")


# --- filters and pagination -----------------------------------------------------------------


START_AFTER_END = "occurred_after must be before occurred_before."


class AuditEventFilterForm(forms.Form):
    """The filter's form: a range that ends before it starts is refused (400)."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        after, before = cleaned.get("occurred_after"), cleaned.get("occurred_before")
        if after and before and after >= before:
            self.add_error("occurred_before", START_AFTER_END)
        return cleaned


class ActorField(forms.UUIDField):
    """A user's id, or "system" for the events no person did (as on the audit trail page)."""

    def to_python(self, value: Any) -> Any:
        if value == SYSTEM_ACTOR:
            return SYSTEM_ACTOR
        return super().to_python(value)


class ActorFilter(filters.Filter):
    field_class = ActorField

    def filter(self, qs: Any, value: Any) -> Any:
        if value in (None, ""):
            return qs
        if value == SYSTEM_ACTOR:
            return qs.filter(actor__isnull=True)
        return qs.filter(actor_id=value)


# Query-string filters (django-filter), applied to the rows the policy lets the user read. A
# value of the wrong type (an id that is no UUID, a date that is no ISO 8601) answers 400.
class AuditEventFilter(filters.FilterSet):
    organization = filters.UUIDFilter(field_name="organization_id", help_text="Organisation id.")
    project = filters.UUIDFilter(field_name="project_id", help_text="Project id.")
    action = filters.CharFilter(
        lookup_expr="startswith",
        max_length=80,
        help_text='Action, or its start: "project." matches every project event.',
    )
    actor = ActorFilter(help_text='The acting user\'s id, or "system" for events of no person.')
    target_type = filters.CharFilter(max_length=80, help_text='e.g. "projects.project".')
    target_id = filters.CharFilter(max_length=64)
    occurred_after = filters.IsoDateTimeFilter(
        field_name="occurred_at", lookup_expr="gte", help_text="ISO 8601, inclusive."
    )
    occurred_before = filters.IsoDateTimeFilter(
        field_name="occurred_at", lookup_expr="lt", help_text="ISO 8601, exclusive."
    )

    class Meta:
        model = AuditEvent
        form = AuditEventFilterForm
        fields = (
            "organization",
            "project",
            "action",
            "actor",
            "target_type",
            "target_id",
            "occurred_after",
            "occurred_before",
        )


class AuditEventCursorPagination(CreatedCursorPagination):
    """Newest first, by (occurred_at, sequence): the order the trail is written in."""

    ordering = ("-occurred_at", "-sequence")
    page_size = 50


# --- views ----------------------------------------------------------------------------------


EVENT_EXAMPLE = OpenApiExample(
    "Project renamed",
    response_only=True,
    value={
        "id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
        "chain": "5d0c7a1e-3b7f-4a55-8f0e-6b8a7c1d2e33",
        "sequence": 42,
        "occurred_at": "2026-11-28T09:15:02.123456Z",
        "organization": "5d0c7a1e-3b7f-4a55-8f0e-6b8a7c1d2e33",
        "project": "3f2a1b0c-9d8e-4f7a-b6c5-d4e3f2a1b0c9",
        "actor": {"id": "0b6f3f6e-7f2a-4d43-9b8e-2f1f0c9d1a11", "email": "ada@acme.example"},
        "action": "project.updated",
        "target_type": "projects.project",
        "target_id": "3f2a1b0c-9d8e-4f7a-b6c5-d4e3f2a1b0c9",
        "data": {"name": {"old": "Claims bot", "new": "Claims assistant"}},
        "origin": "api",
        "request_id": "4f0c1c0e6a9b4b1e9f3c2d1a0b9c8d7e",
        "ip_address": "192.0.2.10",
        "prev_hash": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "hash": "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752",
    },
)


class AuditEventViewSet(ApiViewSet):
    """The audit trail: administrators and compliance officers read their organisation's
    whole trail; everyone else reads the events of the projects they can see."""

    pagination_class = AuditEventCursorPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = AuditEventFilter

    def get_queryset(self) -> Any:
        if self.is_schema_generation:
            return AuditEvent.objects.none()
        return audit_event_list_for_user(user=signed_in_user(self.request))

    @extend_schema(
        summary="List audit events",
        description=(
            "Newest first, cursor-paginated: follow `next` until it is null. `page_size` "
            "defaults to 50 (at most 500)."
        ),
        responses={200: AuditEventOutputSerializer, **problems(400, 401, 404, 429)},
        examples=[EVENT_EXAMPLE],
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(AuditEventOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Get an audit event",
        parameters=[ID],
        responses={200: AuditEventOutputSerializer, **problems(*READ)},
        examples=[EVENT_EXAMPLE],
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        """One event of the trail."""
        return Response(AuditEventOutputSerializer(self.get_object()).data)
