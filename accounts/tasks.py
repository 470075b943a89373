"""Celery tasks of accounts: thin wrappers over services. (Its mails go through the outbox,
whose own task delivers them: see accounts/outbox.py.)"""

from celery import shared_task


@shared_task(acks_late=True)
def invitations_expire() -> int:
    """Expire pending invitations past their date."""
    from accounts.services import invitations_expire as service

    return service()
