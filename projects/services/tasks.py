"""Tasks: action items with an assignee, a due date and a status."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.permissions import Perm, Rule, check_person_sees, require
from audit.writer import audit_record, diff, snapshot
from core.errors import reject_unknown_fields
from projects.models import Project, Task

TASK_FIELDS = ("title", "description", "assignee", "due_date", "status")
ASSIGNEE_NOT_ON_PROJECT = "The assignee must be someone who can see this project."


def _check_assignee(assignee: User | None, project: Project) -> None:
    check_person_sees(assignee, project, field="assignee", message=ASSIGNEE_NOT_ON_PROJECT)


@transaction.atomic
def task_create(
    *,
    actor: User,
    project: Project,
    title: str,
    description: str = "",
    assignee: User | None = None,
    due_date: date | None = None,
    source: str = Task.Source.MANUAL,
    source_type: str = "",
    source_id: str = "",
) -> Task:
    """Create an action item. Other apps pass `source`, `source_type` and `source_id` to say
    what the task came from (a workshop, a gate review, a check review…)."""
    require(actor, Rule.TASK_CREATE, project)
    _check_assignee(assignee, project)
    task = Task(
        project=project,
        title=title.strip(),
        description=description.strip(),
        assignee=assignee,
        due_date=due_date,
        source=source,
        source_type=source_type,
        source_id=str(source_id),
        created_by=actor,
    )
    task.full_clean()
    task.save()
    audit_record(
        actor=actor,
        action="task.created",
        target=task,
        project=project,
        data=snapshot(
            task, ["title", "assignee", "due_date", "source", "source_type", "source_id"]
        ),
    )
    return task


@transaction.atomic
def task_update(*, actor: User, task: Task, **changes: Any) -> Task:
    """Edit a task (contributors), or move one's own task along (its assignee)."""
    reject_unknown_fields(changes, TASK_FIELDS)
    only_status = set(changes) <= {"status"}
    require(actor, Rule.TASK_MOVE if only_status else Perm.PROJECT_CONTRIBUTE, task)
    locked = Task.objects.select_for_update().get(pk=task.pk)
    if "assignee" in changes:
        _check_assignee(changes["assignee"], locked.project)
    fields = list(changes)
    before = snapshot(locked, fields)
    for name, value in changes.items():
        setattr(locked, name, value)
    if "status" in changes:
        locked.completed_at = timezone.now() if locked.status == Task.Status.DONE else None
    locked.full_clean()
    changed = diff(before, snapshot(locked, fields))
    if changed:
        locked.save(update_fields=[*changed, "completed_at", "updated_at"])
        audit_record(
            actor=actor, action="task.updated", target=locked, project=locked.project, data=changed
        )
    return locked
