"""The audit trail in the Django admin: read-only, and the base class that audits admin writes."""

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest

from audit.actions import AuditAction
from audit.models import AuditEvent, AuditVerification
from audit.personal import off_the_trail, personal_fields
from audit.writer import audit_record
from core import context
from core.services import snapshot

# ModelAdmin is generic only in django-stubs; at runtime it cannot be subscripted (and
# django-stubs-ext, which would patch that, is a development tool here, not a dependency).
if TYPE_CHECKING:
    _AuditEventAdminBase = admin.ModelAdmin[AuditEvent]
    _AuditVerificationAdminBase = admin.ModelAdmin[AuditVerification]
    _ModelAdminBase = admin.ModelAdmin[models.Model]
else:
    _AuditEventAdminBase = _AuditVerificationAdminBase = _ModelAdminBase = admin.ModelAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(_AuditEventAdminBase):
    """Read-only: the trail is written by services, never edited."""

    list_display = ("occurred_at", "chain", "sequence", "action", "actor", "target_type")
    list_filter = ("action", "origin")
    search_fields = ("action", "target_id", "request_id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AuditVerification)
class AuditVerificationAdmin(_AuditVerificationAdminBase):
    """Each chain's outcome in each verification run, newest first; read-only."""

    list_display = ("at", "chain", "status", "checked_up_to", "error")
    list_filter = ("status",)
    search_fields = ("chain", "run")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class AuditedModelAdmin(_ModelAdminBase):
    """A ModelAdmin whose saves and deletes go on the audit trail like any service write.

    The admin is a write path outside the services; this keeps it on the trail with the
    acting staff user and `origin="admin"`.
    """

    def _changed(self, obj: models.Model, names: list[str]) -> tuple[list[str], list[str]]:
        """The changed fields whose values may be copied, and the personal ones (named only);
        the model's declaration says which is which (audit/personal.py)."""
        concrete = {f.name for f in obj._meta.concrete_fields}
        changed = [n for n in names if n in concrete]
        personal = personal_fields(obj)
        hidden = off_the_trail(obj)
        return [n for n in changed if n not in hidden], [n for n in changed if n in personal]

    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        fields, personal = self._changed(obj, list(form.changed_data))
        token = context.bind(origin="admin")
        try:
            audit_record(
                actor=_staff_user(request),
                action=AuditAction.RECORD_CHANGED_IN_ADMIN
                if change
                else AuditAction.RECORD_CREATED_IN_ADMIN,
                target=obj,
                project=_project_of(obj),
                data={"fields": fields, "new": snapshot(obj, fields)}
                # Personal fields are named, never copied (like the stakeholder registry).
                | ({"personal_fields": sorted(personal)} if personal else {}),
            )
        finally:
            context.reset(token)

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        self._record_delete(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(
        self, request: HttpRequest, queryset: models.QuerySet[models.Model]
    ) -> None:
        for obj in queryset:
            self._record_delete(request, obj)
        super().delete_queryset(request, queryset)

    def _record_delete(self, request: HttpRequest, obj: models.Model) -> None:
        token = context.bind(origin="admin")
        try:
            audit_record(
                actor=_staff_user(request),
                action=AuditAction.RECORD_DELETED_IN_ADMIN,
                target=obj,
                project=_project_of(obj),
            )
        finally:
            context.reset(token)


def _staff_user(request: HttpRequest) -> AbstractBaseUser:
    # The admin site only serves signed-in staff; the check narrows the type, nothing more.
    if not request.user.is_authenticated:
        raise PermissionDenied
    return request.user


def _project_of(obj: models.Model) -> models.Model | None:
    if obj._meta.label_lower == "projects.project":
        return obj
    return getattr(obj, "project", None)
