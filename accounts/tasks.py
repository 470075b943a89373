"""Celery tasks of accounts: thin wrappers over services."""

from smtplib import SMTPException

from celery import shared_task


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(OSError, SMTPException),
    retry_backoff=True,
    max_retries=5,
)
def invitation_send(self: object, *, invitation_id: str, link_secret: str) -> bool:
    """Send one invitation mail (idempotent: `sent_at` guards a redelivery)."""
    from accounts.services import invitation_send as service

    return service(invitation_id=invitation_id, link_secret=link_secret)


@shared_task(acks_late=True)
def invitations_expire() -> int:
    """Expire pending invitations past their date."""
    from accounts.services import invitations_expire as service

    return service()
