"""Celery tasks of the reminder engine: thin wrappers over its services."""

from celery import shared_task


@shared_task(acks_late=True)
def reminders_send_due() -> dict[str, int]:
    """Create and deliver every reminder that fell due and does not exist yet (every 5 min)."""
    from reminders.services import reminders_send_due as service

    return service()
