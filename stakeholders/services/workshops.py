"""Workshops: schedule with calendar invitations, reschedule, cancel, record what happened."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.permissions import Perm, check_person_sees, require
from audit.writer import audit_record
from core.errors import ConflictError, reject_unknown_fields
from core.services import model_update, snapshot
from core.timezones import is_time_zone
from projects.models import Project, Task
from projects.services import task_create
from stakeholders.audit_actions import StakeholdersAction
from stakeholders.models import (
    Stakeholder,
    Workshop,
    WorkshopDecision,
    WorkshopInvitation,
)
from stakeholders.outbox import workshop_invitations_enqueue

SCHEDULE_FIELDS = (
    "title",
    "purpose",
    "agenda",
    "starts_at",
    "time_zone",
    "duration_minutes",
    "location",
    "meeting_url",
    "facilitator",
)
RESCHEDULE_FIELDS = ("starts_at", "time_zone", "duration_minutes", "location", "meeting_url")
NOT_SCHEDULED = "This workshop is {status}: it can no longer be changed that way."
STAKEHOLDER_NOT_ON_PROJECT = "Invite stakeholders of this project only."


def _check_time_zone(name: str) -> None:
    if not is_time_zone(name):
        raise ValidationError({"time_zone": f"Unknown time zone {name!r}."})


def _project_stakeholders(project: Project, ids: list[Any]) -> list[Stakeholder]:
    found = list(Stakeholder.objects.filter(pk__in=ids, project_links__project=project).distinct())
    if len(found) != len(set(map(str, ids))):
        raise ValidationError({"stakeholders": STAKEHOLDER_NOT_ON_PROJECT})
    return found


@transaction.atomic
def workshop_schedule(
    *, actor: User, project: Project, stakeholders: list[Any] | None = None, **fields: Any
) -> Workshop:
    """Plan a workshop and invite stakeholders of the project; invitations go out by email
    with an .ics attachment."""
    require(actor, Perm.PROJECT_CONTRIBUTE, project)
    reject_unknown_fields(fields, SCHEDULE_FIELDS)
    _check_time_zone(fields.get("time_zone", "UTC"))
    check_person_sees(
        fields.get("facilitator"),
        project,
        field="facilitator",
        message="The facilitator must be on the project.",
    )
    invitees = _project_stakeholders(project, stakeholders or [])
    workshop = Workshop(project=project, **fields)
    workshop.full_clean()
    workshop.save()
    WorkshopInvitation.objects.bulk_create(
        WorkshopInvitation(workshop=workshop, stakeholder=s) for s in invitees
    )
    audit_record(
        actor=actor,
        action=StakeholdersAction.WORKSHOP_SCHEDULED,
        target=workshop,
        project=project,
        data=snapshot(workshop, ["title", "starts_at", "time_zone", "duration_minutes"])
        | {"invited_stakeholder_ids": sorted(str(s.pk) for s in invitees)},
    )
    workshop_invitations_enqueue(workshop)
    return workshop


def _lock_scheduled(workshop: Workshop) -> Workshop:
    locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if locked.status != Workshop.Status.SCHEDULED:
        raise ConflictError(
            NOT_SCHEDULED.format(status=locked.get_status_display().lower()),
            code="workshop_not_scheduled",
        )
    return locked


@transaction.atomic
def workshop_invite(*, actor: User, workshop: Workshop, stakeholders: list[Any]) -> Workshop:
    """Invite more stakeholders of the project to a scheduled workshop."""
    require(actor, Perm.PROJECT_CONTRIBUTE, workshop.project)
    locked = _lock_scheduled(workshop)
    invitees = _project_stakeholders(locked.project, stakeholders)
    already = set(locked.invitations.values_list("stakeholder_id", flat=True))
    new = [s for s in invitees if s.pk not in already]
    WorkshopInvitation.objects.bulk_create(
        WorkshopInvitation(workshop=locked, stakeholder=s) for s in new
    )
    audit_record(
        actor=actor,
        action=StakeholdersAction.WORKSHOP_INVITED,
        target=locked,
        project=locked.project,
        data={"stakeholder_ids": sorted(str(s.pk) for s in new)},
    )
    workshop_invitations_enqueue(locked)
    return locked


@transaction.atomic
def workshop_reschedule(*, actor: User, workshop: Workshop, **changes: Any) -> Workshop:
    """Move a workshop: everyone invited gets an updated invitation (same UID, next SEQUENCE)."""
    require(actor, Perm.PROJECT_CONTRIBUTE, workshop.project)
    # Unknown fields are refused before the time zone is looked at.
    reject_unknown_fields(changes, RESCHEDULE_FIELDS)
    if "time_zone" in changes:
        _check_time_zone(changes["time_zone"])
    locked = _lock_scheduled(workshop)
    locked, changed = model_update(
        instance=locked, fields=RESCHEDULE_FIELDS, data=changes, counter="ics_sequence"
    )
    if not changed:
        return locked
    audit_record(
        actor=actor,
        action=StakeholdersAction.WORKSHOP_RESCHEDULED,
        target=locked,
        project=locked.project,
        data=changed | {"sequence": locked.ics_sequence},
    )
    workshop_invitations_enqueue(locked)
    return locked


@transaction.atomic
def workshop_cancel(*, actor: User, workshop: Workshop, reason: str = "") -> Workshop:
    """Cancel a workshop; invitees receive a cancellation for their calendar."""
    require(actor, Perm.PROJECT_CONTRIBUTE, workshop.project)
    locked = _lock_scheduled(workshop)
    locked.status = Workshop.Status.CANCELLED
    locked.ics_sequence += 1
    locked.save(update_fields=["status", "ics_sequence", "updated_at"])
    audit_record(
        actor=actor,
        action=StakeholdersAction.WORKSHOP_CANCELLED,
        target=locked,
        project=locked.project,
        data={"reason": reason.strip(), "sequence": locked.ics_sequence},
    )
    workshop_invitations_enqueue(locked)
    return locked


@transaction.atomic
def workshop_record_outcome(
    *,
    actor: User,
    workshop: Workshop,
    minutes: str,
    attended: list[Any],
    decisions: list[str] | None = None,
    action_items: list[dict[str, Any]] | None = None,
) -> Workshop:
    """Record that a workshop was held: attendance, minutes, decisions and action items
    (the action items become tasks on the project)."""
    require(actor, Perm.PROJECT_CONTRIBUTE, workshop.project)
    locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if locked.status == Workshop.Status.CANCELLED:
        raise ConflictError(
            "A cancelled workshop cannot be recorded as held.", code="workshop_cancelled"
        )
    if locked.status == Workshop.Status.HELD:
        # A second recording would duplicate its decisions and tasks.
        raise ConflictError("This workshop's outcome is already recorded.", code="workshop_held")
    if locked.starts_at > timezone.now():
        raise ValidationError({"minutes": "The workshop has not started yet."})
    invitations = {str(i.stakeholder_id): i for i in locked.invitations.all()}
    unknown = set(map(str, attended)) - set(invitations)
    if unknown:
        raise ValidationError({"attended": "Only invited stakeholders can be marked present."})
    for key, invitation in invitations.items():
        invitation.attended = key in set(map(str, attended))
    WorkshopInvitation.objects.bulk_update(invitations.values(), ["attended"])
    locked.status, locked.minutes = Workshop.Status.HELD, minutes.strip()
    locked.full_clean()
    locked.save(update_fields=["status", "minutes", "updated_at"])
    texts = [d.strip() for d in (decisions or []) if d and d.strip()]
    for text in texts:
        decision = WorkshopDecision(workshop=locked, text=text)
        decision.full_clean()
        decision.save()
    tasks = [
        task_create(
            actor=actor,
            project=locked.project,
            title=item.get("title", ""),
            assignee=item.get("assignee"),
            due_date=_as_date(item.get("due_date")),
            source=Task.Source.WORKSHOP,
            source_type="stakeholders.workshop",
            source_id=str(locked.pk),
        )
        for item in (action_items or [])
    ]
    audit_record(
        actor=actor,
        action=StakeholdersAction.WORKSHOP_HELD,
        target=locked,
        project=locked.project,
        data={
            "attended_stakeholder_ids": sorted(k for k, i in invitations.items() if i.attended),
            "decisions": len(texts),
            "task_ids": [str(t.pk) for t in tasks],
        },
    )
    return locked


def _as_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as error:
        raise ValidationError({"action_items": f"Invalid due date {value!r}."}) from error
