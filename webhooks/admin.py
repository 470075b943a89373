"""The Django admin's outbox page, with the dead letters' actions (retry, discard) through the
audited services, and the task runs, read-only."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from outbox.admin import OutboxMessageAdmin
from outbox.models import OutboxMessage, TaskRun
from webhooks import services

admin.site.unregister(OutboxMessage)


@admin.register(OutboxMessage)
class DeadLetterAwareOutboxAdmin(OutboxMessageAdmin):
    list_display: tuple[str, ...] = (
        *OutboxMessageAdmin.list_display,
        "organization_id",
        "last_error",
    )
    actions = ["retry_dead", "discard_dead"]

    def _change(self, request: HttpRequest, rows: QuerySet[OutboxMessage], *, retry: bool) -> None:
        change = services.dead_letter_retry if retry else services.dead_letter_discard
        done = 0
        for message in rows.filter(status=OutboxMessage.Status.DEAD):
            try:
                change(actor=request.user, organization=None, message_id=message.pk)  # type: ignore[arg-type]
            except (ValidationError, OutboxMessage.DoesNotExist):
                continue
            done += 1
        self.message_user(request, f"{done} dead message(s) changed.", messages.SUCCESS)

    @admin.action(description="Retry the selected dead messages")
    def retry_dead(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        self._change(request, queryset, retry=True)

    @admin.action(description="Discard the selected dead messages")
    def discard_dead(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        self._change(request, queryset, retry=False)


@admin.register(TaskRun)
class TaskRunAdmin(admin.ModelAdmin):
    list_display = ("task_name", "started_at", "duration_ms", "outcome", "error")
    list_filter = ("outcome", "task_name")
    readonly_fields = [f.name for f in TaskRun._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
