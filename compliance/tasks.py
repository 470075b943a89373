"""Celery tasks of compliance: thin, idempotent wrappers over services."""

from celery import shared_task


@shared_task(acks_late=True)
def evidence_expire_due() -> int:
    """Expire evidence past its expiry date and send the met checks it proved back to review;
    expired evidence is skipped on a second run, so a re-delivered message does nothing."""
    from compliance.services import evidence_expire_due as service

    return service()
