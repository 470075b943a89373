"""Enqueue Celery tasks after the surrounding transaction commits, never inside it."""

import logging
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Any, **kwargs: Any) -> None:
    """`task.delay(**kwargs)` once the transaction commits.

    A broker that is down must not turn a committed change into an error page: the failure
    is logged (with the task name) and the change stands; beat jobs or a retry pick it up.
    """

    def _send() -> None:
        try:
            task.apply_async(kwargs=kwargs, retry=False)
        except Exception:
            logger.exception("could not enqueue %s: broker unavailable", task.name)

    transaction.on_commit(_send)


def enqueue_named_on_commit(task_name: str, **kwargs: Any) -> None:
    """Like `enqueue_on_commit`, naming the task instead of importing it: a service then never
    imports a tasks module (the layers rule), and the app that defines the task may sit above.
    """
    from celery import current_app

    def _send() -> None:
        try:
            current_app.send_task(task_name, kwargs=kwargs, retry=False)
        except Exception:
            logger.exception("could not enqueue %s: broker unavailable", task_name)

    transaction.on_commit(_send)
