"""Data-subject requests: recorded with their Art. 12(3) deadline, extended once, started,
completed or refused with a reason. Every change is audited with ids only: the subject is
named by its id, never by name or address."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Organization, OrganizationMembership, User
from accounts.permissions import Perm, require
from audit.writer import audit_record
from compliance.audit_actions import ComplianceAction as Action
from compliance.models import DataSubjectRequest
from compliance.services.bias_audits import add_months
from core.errors import ConflictError
from stakeholders.models import Stakeholder

Request = DataSubjectRequest
Status = DataSubjectRequest.Status
Role = OrganizationMembership.Role

# One message for every subject that is not there: another organisation's stakeholder, a
# user who is not a member, a malformed id. It says nothing about who else exists.
UNKNOWN_SUBJECT = "No such stakeholder or member in this organisation."
SUBJECT_TYPES = ("stakeholder", "user")
NOT_AN_OWNER = "The owner is an administrator or a compliance officer of the organisation."
RECEIVED_IN_FUTURE = "A request cannot be received in the future."
CLOSED = "This request is {status}: it cannot change any more."
ALREADY_EXTENDED = "The deadline was extended already: Art. 12(3) allows it once."
EXTENSION_MONTHS = "Extend by one or two months."
EXTENSION_NEEDS_REASON = "Say why the deadline is extended: the subject is told the reason."
REFUSAL_NEEDS_REASON = "Say why the request is refused: the subject is told the reason."
ERASURE_COMPLETES_BY_ERASING = "An erasure request is completed by confirming the erasure."


def add_calendar_months(moment: datetime, months: int) -> datetime:
    """The same time of day `months` calendar months later, on the month's last day when it
    is shorter (31 January + 1 → 28 or 29 February): Art. 12(3)'s "one month"."""
    day = add_months(moment.date(), months)
    return moment.replace(year=day.year, month=day.month, day=day.day)


def subject_resolve(*, organization: Organization, subject_type: str, subject_id: Any) -> Any:
    """The stakeholder or member of `organization` with that id; ValidationError on
    `subject_id` (the same text whatever the reason) otherwise."""
    try:
        if subject_type == "stakeholder":
            found: Any = Stakeholder.objects.filter(
                organization=organization, pk=subject_id
            ).first()
        elif subject_type == "user":
            found = User.objects.filter(
                pk=subject_id, org_memberships__organization=organization
            ).first()
        else:
            raise ValidationError({"subject_type": f"Choose one of {', '.join(SUBJECT_TYPES)}."})
    except (ValueError, TypeError):
        found = None
    except ValidationError as error:
        if hasattr(error, "error_dict") and "subject_type" in error.error_dict:
            raise
        found = None  # a malformed id
    if found is None:
        raise ValidationError({"subject_id": UNKNOWN_SUBJECT})
    return found


def _check_owner(organization: Organization, owner: User) -> None:
    is_keeper = OrganizationMembership.objects.filter(
        organization=organization,
        user=owner,
        user__is_active=True,
        role__in=[Role.ADMIN, Role.COMPLIANCE_OFFICER],
    ).exists()
    if not is_keeper:
        raise ValidationError({"owner": NOT_AN_OWNER})


def _subject_ids(request: DataSubjectRequest) -> dict[str, str]:
    return {"subject_type": request.subject_type, "subject_id": str(request.subject.pk)}


@transaction.atomic
def subject_request_record(
    *,
    actor: User,
    organization: Organization,
    kind: str,
    subject_type: str,
    subject_id: Any,
    received_at: datetime | None = None,
    owner: User | None = None,
) -> DataSubjectRequest:
    """Record a request received from a data subject; due one calendar month after receipt."""
    require(actor, Perm.PRIVACY_MANAGE, organization)
    subject = subject_resolve(
        organization=organization, subject_type=subject_type, subject_id=subject_id
    )
    received = received_at or timezone.now()
    if received > timezone.now():
        raise ValidationError({"received_at": RECEIVED_IN_FUTURE})
    owner = owner or actor
    _check_owner(organization, owner)
    request = DataSubjectRequest(
        organization=organization,
        kind=kind,
        stakeholder=subject if subject_type == "stakeholder" else None,
        user=subject if subject_type == "user" else None,
        received_at=received,
        due_at=add_calendar_months(received, 1),
        owner=owner,
        recorded_by=actor,
    )
    request.full_clean()
    request.save()
    audit_record(
        actor=actor,
        action=Action.SUBJECT_REQUEST_RECEIVED,
        target=request,
        organization=organization,
        data={
            "kind": request.kind,
            **_subject_ids(request),
            "received_at": request.received_at.isoformat(),
            "due_at": request.due_at.isoformat(),
            "owner_id": str(owner.pk),
        },
    )
    return request


def subject_request_lock(request: DataSubjectRequest) -> DataSubjectRequest:
    """The request's row, locked, refused (409) once it is closed."""
    locked = (
        DataSubjectRequest.objects.select_for_update(of=("self",))
        .select_related("organization", "stakeholder", "user")
        .get(pk=request.pk)
    )
    if not locked.is_open:
        status = locked.get_status_display().lower()
        raise ConflictError(CLOSED.format(status=status), code="closed")
    return locked


@transaction.atomic
def subject_request_start(*, actor: User, request: DataSubjectRequest) -> DataSubjectRequest:
    """Mark a received request as being worked on (a second call changes nothing)."""
    require(actor, Perm.PRIVACY_MANAGE, request)
    locked = subject_request_lock(request)
    if locked.status == Status.RECEIVED:
        locked.status = Status.IN_PROGRESS
        locked.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action=Action.SUBJECT_REQUEST_STARTED,
            target=locked,
            organization=locked.organization,
            data=_subject_ids(locked),
        )
    return locked


@transaction.atomic
def subject_request_extend(
    *, actor: User, request: DataSubjectRequest, months: int, reason: str
) -> DataSubjectRequest:
    """Extend the deadline once, by one or two further months, for a recorded reason."""
    require(actor, Perm.PRIVACY_MANAGE, request)
    locked = subject_request_lock(request)
    if locked.extended_months:
        raise ConflictError(ALREADY_EXTENDED, code="already_extended")
    errors: dict[str, str] = {}
    if months not in (1, 2):
        errors["months"] = EXTENSION_MONTHS
    if not reason.strip():
        errors["reason"] = EXTENSION_NEEDS_REASON
    if errors:
        raise ValidationError(errors)
    old_due = locked.due_at
    locked.extended_months = months
    locked.extension_reason = reason.strip()
    locked.due_at = add_calendar_months(old_due, months)
    locked.full_clean()
    locked.save(update_fields=["extended_months", "extension_reason", "due_at", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.SUBJECT_REQUEST_EXTENDED,
        target=locked,
        organization=locked.organization,
        data={
            **_subject_ids(locked),
            "months": months,
            "reason": locked.extension_reason,
            "old_due_at": old_due.isoformat(),
            "due_at": locked.due_at.isoformat(),
        },
    )
    return locked


def subject_request_close(
    locked: DataSubjectRequest,
    *,
    actor: User,
    status: str,
    action: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> DataSubjectRequest:
    """Close a locked request (inside the caller's transaction) and audit it."""
    locked.status = status
    locked.refusal_reason = reason
    locked.closed_at = timezone.now()
    locked.full_clean()
    locked.save(update_fields=["status", "refusal_reason", "closed_at", "updated_at"])
    audit_record(
        actor=actor,
        action=action,
        target=locked,
        organization=locked.organization,
        data={**_subject_ids(locked), "kind": locked.kind, **(data or {})}
        | ({"reason": reason} if reason else {}),
    )
    return locked


@transaction.atomic
def subject_request_complete(*, actor: User, request: DataSubjectRequest) -> DataSubjectRequest:
    """Record that an access, rectification or objection request was answered."""
    require(actor, Perm.PRIVACY_MANAGE, request)
    locked = subject_request_lock(request)
    if locked.kind == DataSubjectRequest.Kind.ERASURE:
        raise ValidationError({"status": ERASURE_COMPLETES_BY_ERASING})
    return subject_request_close(
        locked, actor=actor, status=Status.COMPLETED, action=Action.SUBJECT_REQUEST_COMPLETED
    )


@transaction.atomic
def subject_request_refuse(
    *, actor: User, request: DataSubjectRequest, reason: str
) -> DataSubjectRequest:
    """Refuse a request (Art. 12(4)), with the reason the subject is told."""
    require(actor, Perm.PRIVACY_MANAGE, request)
    locked = subject_request_lock(request)
    if not reason.strip():
        raise ValidationError({"reason": REFUSAL_NEEDS_REASON})
    return subject_request_close(
        locked,
        actor=actor,
        status=Status.REFUSED,
        action=Action.SUBJECT_REQUEST_REFUSED,
        reason=reason.strip(),
    )
