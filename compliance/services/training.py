"""The AI-literacy register (EU AI Act Art. 4): training each person of the organisation
completed, kept by its administrators and compliance officers."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Organization, OrganizationMembership, User
from accounts.permissions import Perm, require
from audit.writer import audit_record
from compliance.audit_actions import ComplianceAction as Action
from compliance.models import TrainingRecord
from core.services import model_update

FIELDS = ("person", "course", "provider", "completed_on", "renews_on")
NOT_A_MEMBER = "Choose a member of the organisation."
RENEWS_AFTER = "The renewal date comes after the completion date."
NOT_IN_FUTURE = "A completion date cannot be in the future."


def _check(record: TrainingRecord) -> None:
    if not OrganizationMembership.objects.filter(
        organization_id=record.organization_id, user_id=record.person_id
    ).exists():
        raise ValidationError({"person": NOT_A_MEMBER})
    if record.renews_on is not None and record.renews_on <= record.completed_on:
        raise ValidationError({"renews_on": RENEWS_AFTER})
    if record.completed_on > timezone.localdate():
        raise ValidationError({"completed_on": NOT_IN_FUTURE})


@transaction.atomic
def training_record_create(
    *,
    actor: User,
    organization: Organization,
    person: User,
    course: str,
    provider: str,
    completed_on: date,
    renews_on: date | None = None,
) -> TrainingRecord:
    """Record a training a member of the organisation completed."""
    require(actor, Perm.LITERACY_MANAGE, organization)
    record = TrainingRecord(
        organization=organization,
        person=person,
        course=course.strip(),
        provider=provider.strip(),
        completed_on=completed_on,
        renews_on=renews_on,
        recorded_by=actor,
    )
    _check(record)
    record.full_clean()
    record.save()
    audit_record(
        actor=actor,
        action=Action.TRAINING_RECORDED,
        target=record,
        organization=organization,
        data={
            "person": str(person.pk),
            "course": record.course,
            "completed_on": completed_on,
            "renews_on": renews_on,
        },
    )
    return record


@transaction.atomic
def training_record_update(
    *, actor: User, record: TrainingRecord, **changes: Any
) -> TrainingRecord:
    """Correct a training record (course, provider, dates, the person)."""
    require(actor, Perm.LITERACY_MANAGE, record)
    locked = TrainingRecord.objects.select_for_update().get(pk=record.pk)
    for field in ("course", "provider"):
        if isinstance(changes.get(field), str):
            changes[field] = changes[field].strip()
    locked, changed = model_update(instance=locked, fields=FIELDS, data=changes, check=_check)
    if changed:  # people by id (model_update's snapshot), never by name
        audit_record(
            actor=actor,
            action=Action.TRAINING_UPDATED,
            target=locked,
            organization=locked.organization,
            data=changed,
        )
    return locked


@transaction.atomic
def training_record_delete(*, actor: User, record: TrainingRecord) -> None:
    """Remove a record made in error (the trail keeps that it existed)."""
    require(actor, Perm.LITERACY_MANAGE, record)
    locked = (
        TrainingRecord.objects.select_for_update().select_related("organization").get(pk=record.pk)
    )
    audit_record(
        actor=actor,
        action=Action.TRAINING_DELETED,
        target=locked,
        organization=locked.organization,
        data={"person": str(locked.person_id), "course": locked.course},
    )
    locked.delete()
