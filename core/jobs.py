"""Enqueue Celery tasks after the surrounding transaction commits, never inside it."""

import logging
from typing import Any

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_named_on_commit(task_name: str, **kwargs: Any) -> None:
    """Send the task named `task_name` with `kwargs` once the transaction commits.

    By name, not by import: a service then never imports a tasks module (the layers rule), and
    the app that defines the task may sit above. A broker that is down must not turn a
    committed change into an error page: the failure is logged and the change stands; beat's
    sweep picks the work up.
    """

    def _send() -> None:
        try:
            current_app.send_task(task_name, kwargs=kwargs, retry=False)
        except Exception:
            logger.exception("could not enqueue %s: broker unavailable", task_name)

    transaction.on_commit(_send)
