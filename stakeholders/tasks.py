"""Celery tasks of stakeholders: thin, idempotent wrappers over services."""

from smtplib import SMTPException

from celery import shared_task

RETRY = {
    "acks_late": True,
    "autoretry_for": (OSError, SMTPException),
    "retry_backoff": True,
    "max_retries": 5,
}


@shared_task(**RETRY)
def feedback_invites_send(*, round_id: str) -> int:
    """Mail each stakeholder of an open round their personal link, once."""
    from stakeholders.services import feedback_invites_send as service

    return service(round_id=round_id)


@shared_task(**RETRY)
def feedback_summary_send(*, round_id: str) -> int:
    """Mail the "you said, we did" summary to respondents, once per revision."""
    from stakeholders.services import feedback_summary_send as service

    return service(round_id=round_id)


@shared_task(acks_late=True)
def feedback_rounds_close_due() -> int:
    """Close rounds past their end date."""
    from stakeholders.services import feedback_rounds_close_due as service

    return service()
