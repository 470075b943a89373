"""The background jobs' runs, as the workers record them: staff and the administrators of an
organisation (task runs name no one's data) — the API of the Background jobs page."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.types import signed_in_user
from core.api.schema import problems
from core.api.viewsets import ApiViewSet
from webhooks import selectors


@extend_schema_serializer(component_name="TaskRunSummary")
class TaskSummaryOutputSerializer(serializers.Serializer):
    task = serializers.CharField(help_text="The task's name, e.g. outbox.tasks.deliver_due.")
    schedule = serializers.CharField(
        help_text="Its periodic entry and interval; empty for a task run on demand."
    )
    enabled = serializers.BooleanField(allow_null=True, help_text="null: no periodic entry.")
    last_run_at = serializers.DateTimeField(
        allow_null=True, help_text="Beat's last tick of the entry."
    )
    runs = serializers.IntegerField(help_text="Runs recorded within the retention.")
    failures = serializers.IntegerField()
    last_started_at = serializers.DateTimeField(allow_null=True)
    last_duration_ms = serializers.IntegerField(allow_null=True)
    last_outcome = serializers.CharField(help_text="Empty before a first recorded run.")
    last_error = serializers.CharField(help_text="The exception's class and message.")


class TaskRunViewSet(ApiViewSet):
    """Every periodic and on-demand task, by name."""

    @extend_schema(
        summary="List the background jobs and their last runs",
        description="Staff and the administrators of an organisation; anyone else 403.",
        responses={200: TaskSummaryOutputSerializer, **problems(401, 403, 429)},
    )
    def list(self, request: Request) -> Response:
        # The same question the page asks: no organisation's data, so no organisation in the path.
        if not selectors.may_see_task_runs(signed_in_user(request)):
            raise PermissionDenied
        page = self.paginate_queryset(selectors.task_run_summary())
        return self.get_paginated_response(TaskSummaryOutputSerializer(page, many=True).data)
