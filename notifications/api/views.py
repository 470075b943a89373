"""The signed-in user's notifications and notification preferences, at /notifications/…."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.types import signed_in_user
from core.api.schema import ID, READ, problems
from core.api.serializers import StrictInputSerializer, validated
from core.api.viewsets import ApiViewSet
from notifications.models import Notification, NotificationPreference
from notifications.selectors import (
    notification_get_for_user,
    notification_list_for_user,
    notification_preferences_for_user,
)
from notifications.services import (
    notification_mark_all_read,
    notification_mark_read,
    notification_preferences_set,
)

CHANNELS = NotificationPreference.Channel.choices

# --- serializers ----------------------------------------------------------------------------


@extend_schema_serializer(component_name="Notification")
class NotificationOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField(help_text='A registered kind, e.g. "incident.opened".')
    title = serializers.CharField()
    body = serializers.CharField()
    link = serializers.CharField(help_text="The page it is about: a path on this site.")
    organization = serializers.UUIDField(source="organization_id")
    project = serializers.UUIDField(source="project_id", allow_null=True)
    channel = serializers.ChoiceField(
        choices=Notification.Channel.choices,
        help_text="How it reached you, by your preference when it was sent.",
    )
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)
    is_read = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_is_read(self, notification: Notification) -> bool:
        return notification.is_read


@extend_schema_serializer(component_name="NotificationsMarkedRead")
class MarkedReadOutputSerializer(serializers.Serializer):
    marked_read = serializers.IntegerField(help_text="How many were unread.")


class NotificationListQuerySerializer(serializers.Serializer):
    unread = serializers.BooleanField(required=False, help_text="true: unread ones only.")


@extend_schema_serializer(component_name="NotificationPreference")
class PreferenceOutputSerializer(serializers.Serializer):
    kind = serializers.CharField()
    description = serializers.CharField(source="label")
    channel = serializers.ChoiceField(choices=CHANNELS)
    default = serializers.ChoiceField(choices=CHANNELS, help_text="The kind's default channel.")
    is_default = serializers.BooleanField(help_text="true: you have not chosen for this kind.")


@extend_schema_serializer(component_name="NotificationPreferences")
class PreferencesOutputSerializer(serializers.Serializer):
    preferences = PreferenceOutputSerializer(many=True)


@extend_schema_serializer(component_name="NotificationPreferenceChoice")
class PreferenceInputSerializer(StrictInputSerializer):
    kind = serializers.CharField(max_length=64)
    channel = serializers.ChoiceField(choices=CHANNELS)


@extend_schema_serializer(component_name="NotificationPreferencesUpdate")
class PreferencesInputSerializer(StrictInputSerializer):
    preferences = PreferenceInputSerializer(
        many=True, help_text="The kinds to change; kinds not named keep their channel."
    )


# --- views ----------------------------------------------------------------------------------

NOTIFICATION_EXAMPLE = OpenApiExample(
    "Notification",
    response_only=True,
    value={
        "id": "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f",
        "kind": "gate.requested",
        "title": "Gate sign-off requested: Claims assistant → Select",
        "body": "",
        "link": "/projects/3f2a1b0c-9d8e-4f7a-b6c5-d4e3f2a1b0c9/gate/",
        "organization": "5d0c7a1e-3b7f-4a55-8f0e-6b8a7c1d2e33",
        "project": "3f2a1b0c-9d8e-4f7a-b6c5-d4e3f2a1b0c9",
        "channel": "email",
        "created_at": "2026-12-03T08:15:00Z",
        "read_at": None,
        "is_read": False,
    },
)


class NotificationViewSet(ApiViewSet):
    """The signed-in user's notifications, newest first."""

    # A notification belongs to its recipient, not to an organisation's policy: the queryset
    # holds only the caller's, so anybody else's id is a 404.
    permission_classes = [IsAuthenticated]

    def get_queryset(self) -> Any:
        if self.is_schema_generation:
            return Notification.objects.none()
        return notification_list_for_user(user=signed_in_user(self.request))

    @extend_schema(
        summary="List my notifications",
        description="Newest first; `unread=true` for the unread ones only.",
        parameters=[NotificationListQuerySerializer],
        responses={200: NotificationOutputSerializer, **problems(400, 401, 429)},
        examples=[NOTIFICATION_EXAMPLE],
    )
    def list(self, request: Request) -> Response:
        """The user's notifications, a page at a time."""
        query = validated(NotificationListQuerySerializer, request.query_params)
        notifications = notification_list_for_user(
            user=signed_in_user(request), unread_only=bool(query.get("unread"))
        )
        page = self.paginate_queryset(notifications)
        return self.get_paginated_response(NotificationOutputSerializer(page, many=True).data)

    @extend_schema(
        parameters=[ID],
        summary="Get a notification",
        responses={200: NotificationOutputSerializer, **problems(*READ)},
        examples=[NOTIFICATION_EXAMPLE],
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        """One of the user's notifications."""
        notification = notification_get_for_user(user=signed_in_user(request), id=pk)
        return Response(NotificationOutputSerializer(notification).data)

    @extend_schema(
        parameters=[ID],
        summary="Mark a notification read",
        operation_id="notifications_read",
        request=None,
        responses={200: NotificationOutputSerializer, **problems(*READ)},
    )
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str) -> Response:
        """Mark it read and return it; marking it again keeps the first time."""
        user = signed_in_user(request)
        notification = notification_get_for_user(user=user, id=pk)
        notification = notification_mark_read(actor=user, notification=notification)
        return Response(NotificationOutputSerializer(notification).data)

    @extend_schema(
        summary="Mark all my notifications read",
        operation_id="notifications_read_all",
        request=None,
        responses={200: MarkedReadOutputSerializer, **problems(401, 429)},
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        """Mark every unread notification read; says how many were unread."""
        count = notification_mark_all_read(actor=signed_in_user(request))
        return Response(MarkedReadOutputSerializer({"marked_read": count}).data)


class NotificationPreferencesViewSet(ApiViewSet):
    """The signed-in user's channel per kind of notification."""

    # Personal settings: anyone signed in reads and changes their own, nobody else's.
    permission_classes = [IsAuthenticated]

    def _preferences(self, request: Request) -> dict[str, Any]:
        preferences = notification_preferences_for_user(user=signed_in_user(request))
        return PreferencesOutputSerializer({"preferences": preferences}).data

    @extend_schema(
        summary="Get my notification preferences",
        responses={200: PreferencesOutputSerializer, **problems(*READ)},
    )
    def retrieve(self, request: Request) -> Response:
        """Every kind of notification with your channel for it: in_app, email, digest, off."""
        return Response(self._preferences(request))

    @extend_schema(
        summary="Change my notification preferences",
        request=PreferencesInputSerializer,
        responses={200: PreferencesOutputSerializer, **problems(400, 401, 415, 429)},
        examples=[
            OpenApiExample(
                "Incidents in the digest",
                request_only=True,
                value={"preferences": [{"kind": "incident.opened", "channel": "digest"}]},
            )
        ],
    )
    def update(self, request: Request) -> Response:
        """Set the channel of the kinds named; an unknown kind is a 400 and changes nothing."""
        data = validated(PreferencesInputSerializer, request.data)
        channels = {item["kind"]: item["channel"] for item in data["preferences"]}
        notification_preferences_set(actor=signed_in_user(request), channels=channels)
        return Response(self._preferences(request))
