"""Each Celery task run as a row of `TaskRun`, from the worker's task signals: started
(task_prerun), ended (task_postrun: succeeded, failed or retried) and why it failed
(task_failure). Connected in OutboxConfig.ready. Recording never breaks a task: a database
that refuses the row is logged and the task runs on."""

from __future__ import annotations

import logging
from typing import Any

from celery.signals import task_failure, task_postrun, task_prerun
from django.db import DatabaseError
from django.utils import timezone

from outbox.models import TaskRun

logger = logging.getLogger(__name__)

OUTCOMES = {"SUCCESS": TaskRun.Outcome.SUCCEEDED, "FAILURE": TaskRun.Outcome.FAILED,
            "RETRY": TaskRun.Outcome.RETRY}  # fmt: skip


def _name(task: Any, sender: Any) -> str:
    return str(getattr(task or sender, "name", "") or "")[:200]


def run_started(sender: Any = None, task_id: str = "", task: Any = None, **_: Any) -> None:
    try:
        TaskRun.objects.update_or_create(
            task_id=task_id[:64],
            defaults={
                "task_name": _name(task, sender),
                "started_at": timezone.now(),
                "finished_at": None,
                "duration_ms": None,
                "outcome": TaskRun.Outcome.RUNNING,
                "error": "",
            },
        )
    except DatabaseError:
        logger.exception("could not record the start of task %s", task_id)


def run_ended(
    sender: Any = None, task_id: str = "", task: Any = None, state: str = "", **_: Any
) -> None:
    now = timezone.now()
    try:
        run = TaskRun.objects.filter(task_id=task_id[:64]).first()
        if run is None:
            return
        run.finished_at = now
        run.duration_ms = max(round((now - run.started_at).total_seconds() * 1000), 0)
        run.outcome = OUTCOMES.get(state, TaskRun.Outcome.FAILED)
        run.save(update_fields=["finished_at", "duration_ms", "outcome"])
    except DatabaseError:
        logger.exception("could not record the end of task %s", task_id)


def run_failed(
    sender: Any = None, task_id: str = "", exception: BaseException | None = None, **_: Any
) -> None:
    error = f"{exception.__class__.__name__}: {exception}" if exception is not None else ""
    try:
        TaskRun.objects.filter(task_id=task_id[:64]).update(
            outcome=TaskRun.Outcome.FAILED, error=error[:300]
        )
    except DatabaseError:
        logger.exception("could not record the failure of task %s", task_id)


def connect() -> None:
    task_prerun.connect(run_started, weak=False, dispatch_uid="outbox.taskruns.started")
    task_postrun.connect(run_ended, weak=False, dispatch_uid="outbox.taskruns.ended")
    task_failure.connect(run_failed, weak=False, dispatch_uid="outbox.taskruns.failed")
