"""The abstract base every Charter model stands on."""

import re
import uuid
from collections.abc import Collection
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from core.fields import LimitedTextField

# C0 controls and DEL. A single-line field (a CharField) holding one of these would break the
# formats it is copied into: an email subject, an iCalendar line, a CSV cell, a log line.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
SINGLE_LINE = (
    "Use one line of text: line breaks, tabs and other control characters are not allowed."
)


def control_character_errors(
    instance: models.Model, exclude: Collection[str]
) -> dict[str, list[ValidationError]]:
    """{field: [error]} for every single-line text field of `instance` holding a control
    character; multi-line text lives in TextFields, which may hold line breaks."""
    errors: dict[str, list[ValidationError]] = {}
    for field in instance._meta.concrete_fields:
        if not isinstance(field, models.CharField) or field.name in exclude:
            continue
        value = getattr(instance, field.attname)
        if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
            errors[field.name] = [ValidationError(SINGLE_LINE, code="control_characters")]
    return errors


def project_id_of(obj: Any) -> Any:
    """The project id of a governed row, walking its `policy_project_path` (the convention
    the permission policy reads: "project", "template__project", …)."""
    *path, last = obj.policy_project_path.split("__")
    for part in path:
        obj = getattr(obj, part)
    return getattr(obj, f"{last}_id")


class BaseModel(models.Model):
    """UUID primary key (never enumerable in URLs), creation and update times."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        """Django's field checks, and single-line text fields stay on one line (services call
        `full_clean`, so this holds for pages, the API, jobs and commands alike)."""
        errors: dict[str, list[ValidationError]] = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for name, field_errors in control_character_errors(self, exclude or ()).items():
            errors.setdefault(name, []).extend(field_errors)
        if errors:
            raise ValidationError(errors)


class SignOff(BaseModel):
    """One person's sign-off, in one capacity, of a record that needs the project manager's
    and the compliance officer's (a gate request, a decision record). The concrete model adds
    the record, the verdict, and the constraints that each capacity signs once and one person
    gives at most one of them; the policy refuses a second sign-off by the same person."""

    class Capacity(models.TextChoices):
        MANAGER = "manager", "Project manager"
        COMPLIANCE = "compliance", "Compliance officer"

    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    capacity = models.CharField(max_length=16, choices=Capacity.choices)
    comment = LimitedTextField(blank=True, max_length=5000)

    class Meta(BaseModel.Meta):
        abstract = True
        ordering = ["created_at"]


class IdempotentRequest(BaseModel):
    """A POST sent with an `Idempotency-Key`, and the answer it got (core/api/idempotency.py).

    A client that timed out does not know whether its create happened; sending the same key
    again returns the first answer instead of creating a second row. The key is the client's,
    so it is scoped to the credential's user: two clients may use the same key unharmed.
    """

    # Off the trail (audit/personal.py): a replay cache, not a governed record. The stored
    # answer may name people (the created row as the client saw it), so it is personal.
    personal_fields = ("response_body",)
    audit_excluded_fields = ("key", "fingerprint", "owner", "method", "path", "status_code")
    audit_safe_fields = ("completed_at", "location")

    owner = models.CharField(max_length=64)  # "<user id>": whose key it is
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=2000)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of method, path and body
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    location = models.CharField(max_length=2000, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="idempotent_request_key"),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.key})"
