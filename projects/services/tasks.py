"""Tasks: action items with an assignee, a due date and a status."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.permissions import Perm, Rule, check_person_sees, require
from audit.writer import audit_record
from core.errors import reject_unknown_fields
from core.services import model_update, snapshot
from projects.audit_actions import ProjectsAction
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
        action=ProjectsAction.TASK_CREATED,
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
    # Unknown fields are refused before the permission decision, which depends on them.
    reject_unknown_fields(changes, TASK_FIELDS)
    only_status = set(changes) <= {"status"}
    require(actor, Rule.TASK_MOVE if only_status else Perm.PROJECT_CONTRIBUTE, task)
    locked = Task.objects.select_for_update().get(pk=task.pk)
    if "assignee" in changes:
        _check_assignee(changes["assignee"], locked.project)

    def set_completed_at(locked: Task) -> None:
        if "status" in changes:
            locked.completed_at = timezone.now() if locked.status == Task.Status.DONE else None

    locked, changed = model_update(
        instance=locked,
        fields=TASK_FIELDS,
        data=changes,
        check=set_completed_at,
        save_with=("completed_at",),
    )
    if changed:
        audit_record(
            actor=actor,
            action=ProjectsAction.TASK_UPDATED,
            target=locked,
            project=locked.project,
            data=changed,
        )
    return locked
