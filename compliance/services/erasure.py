"""Erasure: a subject's personal data replaced by tombstones wherever Charter holds it.

The rows stay (the audit trail and the project history refer to them by id); their personal
fields (audit/personal.py) are overwritten: the name by "Erased stakeholder" / "Erased user",
an address by an undeliverable one unique per row (`erased-<id>@erased.invalid`, RFC 2606),
any other text by "[erased]". Nothing personal is in a hashed payload or a captured row
change, so the chain still verifies afterwards.

Erasing twice gives the same rows and writes nothing the second time: a field already holding
its tombstone is left alone. The erasure event names the request, the subject's id and the
fields erased per model — never their values.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.apps import apps as django_apps
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Cast
from django.utils import timezone

from accounts.models import APIToken, Organization, OrganizationMembership, User
from accounts.permissions import Perm, require
from accounts.services import session_epoch_raise
from audit.personal import personal_fields
from compliance.audit_actions import ComplianceAction as Action
from compliance.models import DataSubjectRequest
from compliance.personal_data import ADDRESS_FIELDS, subject_holdings
from compliance.services.subject_requests import subject_request_close, subject_request_lock
from core.errors import ConflictError
from core.models import IdempotentRequest
from outbox.models import OutboxMessage

ERASED_TEXT = "[erased]"
ERASED_NAMES = {
    ("stakeholders.stakeholder", "name"): "Erased stakeholder",
    ("accounts.user", "full_name"): "Erased user",
}
NOT_AN_ERASURE = "Only an erasure request erases the subject's data."
CONFIRM = "Confirm the erasure: it cannot be undone."
ONLY_ADMIN = (
    "This person is the only administrator of the organisation: make someone else an "
    "administrator first, then erase their account."
)
# Work for the subject that has not gone out yet would go to the tombstone address: dropped.
UNDELIVERED = (OutboxMessage.Status.PENDING, OutboxMessage.Status.DEAD)

ErasedFields = dict[str, list[str]]
# Libraries' tables that keep a person's address or name as text: the sign-in guard's logs
# (django-axes, by username = address) and the admin's history (`str()` of the object).
LIBRARY_TRACES = (
    ("axes", "axes", "AccessAttempt", "username"),
    ("axes", "axes", "AccessFailureLog", "username"),
    ("axes", "axes", "AccessLog", "username"),
    ("django.contrib.admin", "admin", "LogEntry", "object_repr"),
)


def erased_address(row: models.Model) -> str:
    return f"erased-{row.pk}@erased.invalid"


def tombstone(row: models.Model, name: str) -> Any:
    """What replaces field `name` of `row`; an empty value stays empty."""
    field = row._meta.get_field(name)
    value = getattr(row, name)
    if value in ("", None, [], {}):
        return value
    label = row._meta.label_lower
    if (label, name) in ERASED_NAMES:
        return ERASED_NAMES[(label, name)]
    if isinstance(field, models.EmailField) or (label, name) in ADDRESS_FIELDS:
        return erased_address(row)
    if isinstance(field, models.JSONField):
        return type(value)()
    return ERASED_TEXT


def records_erase(rows: list[models.Model]) -> ErasedFields:
    """Tombstone the personal fields of `rows` (inside the caller's transaction); returns the
    fields changed per model label (nothing for rows erased before)."""
    erased: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        changed = []
        for name in personal_fields(row):
            new = tombstone(row, name)
            if getattr(row, name) != new:
                setattr(row, name, new)
                changed.append(name)
        if isinstance(row, OutboxMessage) and row.status in UNDELIVERED:
            row.status = OutboxMessage.Status.SUPERSEDED
            changed.append("status")
        if changed:
            fields = [*changed, "updated_at"] if hasattr(row, "updated_at") else changed
            row.save(update_fields=fields)
            erased[row._meta.label_lower].update(n for n in changed if n != "status")
    return {label: sorted(names) for label, names in sorted(erased.items()) if names}


def _only_admin_of(user: User) -> bool:
    """Is `user` the only active administrator of an organisation they administer?"""
    administered = OrganizationMembership.objects.filter(
        user=user, role=OrganizationMembership.Role.ADMIN
    ).values("organization_id")
    others = (
        OrganizationMembership.objects.filter(
            organization_id__in=administered,
            role=OrganizationMembership.Role.ADMIN,
            user__is_active=True,
        )
        .exclude(user=user)
        .values("organization_id")
    )
    return administered.exclude(organization_id__in=others).exists()


def _account_close(user: User) -> dict[str, Any]:
    """Deactivate an erased user's account: no password, every session ended, every API token
    revoked (tokens are revoked in bulk here: `api_token_revoke` serves a token's owner)."""
    locked = session_epoch_raise(user)
    changed = []
    if locked.is_active:
        locked.is_active = False
        changed.append("is_active")
    if locked.has_usable_password():
        locked.password = make_password(None)
        changed.append("password")
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
    revoked = APIToken.objects.filter(user=locked, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return {"deactivated": "is_active" in changed, "api_tokens_revoked": revoked}


def _library_traces_erase(values: list[str]) -> ErasedFields:
    """Replace the libraries' text copies of a person's address or name; returns the fields
    changed per model label."""
    erased: ErasedFields = {}
    for module, app_label, model_name, field in LIBRARY_TRACES:
        if not values or not django_apps.is_installed(module):
            continue
        model = django_apps.get_model(app_label, model_name)
        rows = model._default_manager.filter(_any_of(field, values))
        if rows.update(**{field: ERASED_TEXT}):
            erased[model._meta.label_lower] = [field]
    return erased


def _any_of(field: str, values: list[str]) -> Q:
    match = Q()
    for value in values:
        match |= Q(**{f"{field}__iexact": value})
    return match


def subject_data_erase(*, subject: models.Model, organization: Organization) -> ErasedFields:
    """Tombstone everything Charter holds about `subject` in `organization` (no audit: the
    callers record why — a request, a retention rule)."""
    # Every row is found before any is changed: the lookups by address read the address the
    # subject's own row still holds.
    holdings = subject_holdings(subject=subject, organization=organization)
    # What the libraries may have copied: the values not tombstoned yet (so that erasing
    # again changes nothing).
    traces = [
        str(getattr(subject, name))
        for name in personal_fields(subject)
        if getattr(subject, name) and getattr(subject, name) != tombstone(subject, name)
    ]
    erased = records_erase([row for holding in holdings for row in holding.rows])
    return dict(
        sorted((erased | _library_traces_erase(traces) | _replay_cache_erase(traces)).items())
    )


def _replay_cache_erase(values: list[str]) -> ErasedFields:
    """Forget the API answers kept for Idempotency-Key replays (core/api/idempotency.py) that
    name the subject: a day's cache, but one that may hold the created row as it was sent."""
    if not values:
        return {}
    text = Cast("response_body", models.TextField())
    match = Q()
    for value in values:
        match |= Q(body_text__icontains=value)
    rows = IdempotentRequest.objects.annotate(body_text=text).filter(match)
    deleted, _ = IdempotentRequest.objects.filter(pk__in=rows.values("pk")).delete()
    return {IdempotentRequest._meta.label_lower: ["response_body"]} if deleted else {}


@transaction.atomic
def subject_request_erase(
    *, actor: User, request: DataSubjectRequest, confirm: bool
) -> DataSubjectRequest:
    """Carry out an erasure request, once confirmed; a completed one is returned unchanged."""
    require(actor, Perm.PRIVACY_MANAGE, request)
    if request.kind != DataSubjectRequest.Kind.ERASURE:
        raise ValidationError({"kind": NOT_AN_ERASURE})
    current = DataSubjectRequest.objects.get(pk=request.pk)
    if current.status == DataSubjectRequest.Status.COMPLETED:
        return current  # erased already: the same result, nothing written twice
    if not confirm:
        raise ValidationError({"confirm": CONFIRM})
    locked = subject_request_lock(request)
    subject = locked.subject
    if isinstance(subject, User) and _only_admin_of(subject):
        raise ConflictError(ONLY_ADMIN, code="only_administrator")
    fields = subject_data_erase(subject=subject, organization=locked.organization)
    account = _account_close(subject) if isinstance(subject, User) else {}
    return subject_request_close(
        locked,
        actor=actor,
        status=DataSubjectRequest.Status.COMPLETED,
        action=Action.SUBJECT_DATA_ERASED,
        data={"request_id": str(locked.pk), "fields": fields, **account},
    )
