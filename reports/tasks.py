"""Celery tasks of scheduled reports: thin wrappers over their services."""

from celery import shared_task


@shared_task(acks_late=True)
def reports_generate_due() -> int:
    """Make every report whose period has ended and that does not exist yet (hourly)."""
    from reports.services import reports_generate_due as service

    return service()
