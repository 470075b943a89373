"""GET /api/v1/me/inbox/: everything that waits for the signed-in user's action, with the
count of each kind — the same sources as the "Waiting for me" page."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from accounts.types import signed_in_user
from core.api.schema import READ, problems
from core.api.viewsets import ApiViewSet
from inbox.selectors import KIND_CHOICES, InboxGroup, inbox_for_user, inbox_total


class InboxProjectSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="project_id")
    name = serializers.CharField(source="project_name")


@extend_schema_serializer(component_name="InboxItem")
class InboxItemOutputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=KIND_CHOICES)
    kind_label = serializers.CharField()
    title = serializers.CharField()
    detail = serializers.CharField(help_text="A short note: the capacity to sign in, a status…")
    project = InboxProjectSerializer(source="*")
    due = serializers.DateField(allow_null=True, help_text="The due date, in your time zone.")
    is_overdue = serializers.BooleanField()
    since = serializers.DateTimeField(allow_null=True, help_text="Waiting since.")
    url = serializers.CharField(help_text="The page where you act on it (a path).")


@extend_schema_serializer(component_name="InboxCount")
class InboxCountOutputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=KIND_CHOICES)
    kind_label = serializers.CharField()
    count = serializers.IntegerField()


@extend_schema_serializer(component_name="Inbox", many=False)
class InboxOutputSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    counts = InboxCountOutputSerializer(many=True, help_text="Every kind, zero counts too.")
    items = InboxItemOutputSerializer(many=True, help_text="Soonest due first, by kind.")


INBOX_EXAMPLE = OpenApiExample(
    "Inbox",
    response_only=True,
    value={
        "total": 1,
        "counts": [{"kind": "gate_signoff", "kind_label": "Gate sign-offs", "count": 1}],
        "items": [
            {
                "kind": "gate_signoff",
                "kind_label": "Gate sign-offs",
                "title": "Gate scope → select",
                "detail": "Your sign-off as compliance officer",
                "project": {"id": "3f2a1b0c-9d8e-4f7a-b6c5-d4e3f2a1b0c9", "name": "Claims"},
                "due": None,
                "is_overdue": False,
                "since": "2026-11-28T09:00:00Z",
                "url": "/projects/3f2a1b0c-9d8e-4f7a-b6c5-d4e3f2a1b0c9/gate/",
            }
        ],
    },
)


def _payload(groups: list[InboxGroup]) -> dict[str, Any]:
    return {
        "total": inbox_total(groups),
        "counts": [
            {"kind": group.kind, "kind_label": group.label, "count": group.count}
            for group in groups
        ],
        "items": [item for group in groups for item in group.items],
    }


class MyInboxViewSet(ApiViewSet):
    """Waiting for me: what needs my action, across every project I can see."""

    pagination_class = None  # one document of groups, never paged

    @extend_schema(
        summary="What waits for me",
        description=(
            "Scope versions to review, gate sign-offs, evidence to judge, compliance checks to "
            "review or due, serious incidents to report, incidents you own, modifications to "
            "assess, rollout plans to approve, feedback rounds closing and your open tasks — "
            "only what the permission policy lets you act on. Not paginated."
        ),
        responses={200: InboxOutputSerializer, **problems(*READ)},
        examples=[INBOX_EXAMPLE],
    )
    def list(self, request: Request) -> Response:
        groups = inbox_for_user(user=signed_in_user(request))
        return Response(InboxOutputSerializer(_payload(groups)).data)


app_name = "inbox-api"

router = SimpleRouter(trailing_slash=True)
router.register("me/inbox", MyInboxViewSet, basename="my-inbox")

urlpatterns = router.urls
