"""What every mailing handler of the outbox shares."""

from __future__ import annotations

from smtplib import SMTPException
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from outbox.models import OutboxMessage

# What a mail server that is down or busy raises: worth a retry (a `Handler`'s `transient`).
MAIL_ERRORS: tuple[type[BaseException], ...] = (OSError, SMTPException)


def message_id(message: OutboxMessage) -> str:
    """The email's Message-ID for this outbox message: the same on every attempt, so the
    receiving servers drop a repeat."""
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].rstrip(">").strip() or "charter"
    return f"<outbox-{message.pk}@{domain}>"
