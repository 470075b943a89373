"""Celery tasks of the outbox: thin wrappers over its services."""

from celery import shared_task


@shared_task(acks_late=True)
def outbox_deliver(*, message_id: str) -> str:
    """Deliver one outbox message (announced when the change that asked for it committed)."""
    from outbox.services import outbox_deliver as service

    return service(message_id=message_id)


@shared_task(acks_late=True)
def outbox_sweep() -> int:
    """Deliver every message that is due and that no worker holds: the safety net. Also
    prunes the task runs past their retention."""
    from outbox.services import outbox_deliver_due as service
    from outbox.services import task_runs_prune

    task_runs_prune()
    return service()
