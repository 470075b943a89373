"""Reading webhook endpoints and their delivery logs: administrators of the organisation only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django_celery_beat.models import PeriodicTask

from accounts.models import Organization, OrganizationMembership, User
from accounts.permissions import Perm, can
from accounts.selectors import visible_object_get
from outbox.models import OutboxMessage, TaskRun
from webhooks.models import WebhookDelivery, WebhookEndpoint

LOG_LENGTH = 50


def webhook_endpoint_list(*, user: User, organization: Organization) -> QuerySet[WebhookEndpoint]:
    """The organisation's endpoints, newest first; nothing for anyone but its administrators."""
    if not can(user, Perm.ORG_MANAGE, organization):
        return WebhookEndpoint.objects.none()
    return (
        WebhookEndpoint.objects.filter(organization=organization)
        .select_related("created_by")
        .order_by("-created_at")
    )


def webhook_endpoint_get(*, user: User, organization: Organization, id: Any) -> WebhookEndpoint:
    """One endpoint of the organisation (404 otherwise) that `user` may manage."""
    return visible_object_get(
        user=user,
        model=WebhookEndpoint,
        id=id,
        perm=Perm.ORG_MANAGE,
        queryset=WebhookEndpoint.objects.filter(organization=organization).select_related(
            "created_by", "organization"
        ),
    )


def webhook_delivery_list(*, endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    """Every logged attempt of an endpoint the caller already fetched, newest first."""
    return WebhookDelivery.objects.filter(endpoint=endpoint).order_by("-created_at", "-attempt")


DEAD_LETTERS_SHOWN = 100


def dead_letter_list(*, user: User, organization: Organization) -> QuerySet[OutboxMessage]:
    """The organisation's dead-lettered outbox messages, latest failure first; nothing for
    anyone but its administrators."""
    if not can(user, Perm.ORG_MANAGE, organization):
        return OutboxMessage.objects.none()
    return OutboxMessage.objects.filter(
        organization_id=organization.pk, status=OutboxMessage.Status.DEAD
    ).order_by("-updated_at", "-id")


# --- task runs ----------------------------------------------------------------------------------


def may_see_task_runs(user: User) -> bool:
    """Staff, and the administrators of an organisation (task runs name no one's data)."""
    return (
        bool(user.is_staff or user.is_superuser)
        or OrganizationMembership.objects.filter(
            user=user, role=OrganizationMembership.Role.ADMIN
        ).exists()
    )


@dataclass(frozen=True)
class TaskSummary:
    task: str
    schedule: str  # the periodic entry's name and interval; empty for a task run on demand
    enabled: bool | None
    last_run_at: datetime | None  # beat's own record of its last tick of the entry
    runs: int
    failures: int
    last_started_at: datetime | None
    last_duration_ms: int | None
    last_outcome: str
    last_error: str


def task_run_summary() -> list[TaskSummary]:
    """Per task: its beat entries and what the recorded runs say (last run, its duration and
    outcome, failures within the retention). Three queries, whatever the number of tasks."""
    periodic = {
        entry.task: entry
        for entry in PeriodicTask.objects.select_related("interval", "crontab").order_by("name")
    }
    stats: dict[str, dict[str, Any]] = {
        row["task_name"]: dict(row)
        for row in TaskRun.objects.values("task_name").annotate(
            runs=Count("id"),
            failures=Count("id", filter=Q(outcome=TaskRun.Outcome.FAILED)),
            last=Max("id"),
        )
    }
    last_runs = {
        run.pk: run for run in TaskRun.objects.filter(pk__in=[s["last"] for s in stats.values()])
    }
    summaries = []
    for task in sorted(set(periodic) | set(stats)):
        entry = periodic.get(task)
        row: dict[str, Any] = stats.get(task, {})
        last = last_runs.get(row.get("last", 0))
        summaries.append(
            TaskSummary(
                task=task,
                schedule=f"{entry.name} ({entry.interval or entry.crontab})" if entry else "",
                enabled=entry.enabled if entry else None,
                last_run_at=entry.last_run_at if entry else None,
                runs=row.get("runs", 0),
                failures=row.get("failures", 0),
                last_started_at=last.started_at if last else None,
                last_duration_ms=last.duration_ms if last else None,
                last_outcome=last.get_outcome_display() if last else "",
                last_error=last.error if last else "",
            )
        )
    return summaries
