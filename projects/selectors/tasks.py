"""Tasks: one project's action items and "My work"."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet
from django.utils import timezone

from accounts.models import Organization
from accounts.permissions import Actor, visible
from accounts.selectors import visible_object_get
from projects.models import (
    Project,
    Task,
)


def task_list_for_user(
    *,
    user: Actor,
    project: Project | None = None,
    mine: bool = False,
    open_only: bool = True,
    overdue_in: Organization | None = None,
) -> QuerySet[Task]:
    """Tasks of the projects the user can see: one project's, or the user's own ("My work");
    `overdue_in` keeps the open ones past due in that organisation (the dashboard's figure)."""
    tasks = visible(user, Task).select_related("project", "assignee")
    if project is not None:
        tasks = tasks.filter(project=project)
    if overdue_in is not None:
        tasks = tasks.filter(
            project__organization=overdue_in,
            status__in=[Task.Status.OPEN, Task.Status.IN_PROGRESS],
            due_date__lt=timezone.localdate(),
        )
    if mine:
        tasks = tasks.filter(assignee=user)
    if open_only:
        tasks = tasks.filter(status__in=[Task.Status.OPEN, Task.Status.IN_PROGRESS])
    return tasks.order_by(F("due_date").asc(nulls_last=True), "created_at")


def task_get_for_user(*, user: Actor, id: Any) -> Task:
    return visible_object_get(
        user=user,
        model=Task,
        id=id,
        queryset=visible(user, Task).select_related("project__organization", "assignee"),
    )
