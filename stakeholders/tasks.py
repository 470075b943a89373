"""Celery tasks of stakeholders: thin, idempotent wrappers over services."""

from smtplib import SMTPException
from typing import TypedDict

from celery import shared_task


class _RetryOptions(TypedDict):
    # Typed, so that `shared_task(**RETRY)` is checked against Celery's options.
    acks_late: bool
    autoretry_for: tuple[type[BaseException], ...]
    retry_backoff: bool
    max_retries: int


RETRY: _RetryOptions = {
    "acks_late": True,
    "autoretry_for": (OSError, SMTPException),
    "retry_backoff": True,
    "max_retries": 5,
}


@shared_task(acks_late=True)
def feedback_rounds_close_due() -> int:
    """Close rounds past their end date."""
    from stakeholders.services import feedback_rounds_close_due as service

    return service()
