"""Celery tasks of notifications: thin wrappers over its services."""

from celery import shared_task


@shared_task(acks_late=True)
def digest_send_due() -> int:
    """Make the daily digest of everyone whose morning has come (beat: every 15 minutes)."""
    from notifications.services import digest_send_due as service

    return service()
