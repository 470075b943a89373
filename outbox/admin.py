from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from outbox.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read-only: what was sent, what waits, and what failed for good (DEAD)."""

    list_display: tuple[str, ...] = ("kind", "key", "status", "attempts", "available_at", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("key",)
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
