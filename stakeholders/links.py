"""Personal feedback links: signed, expiring, revocable, and useless without the site's key."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

from stakeholders.models import FeedbackInvite

SALT = "charter.feedback-link"
# A link never outlives a year, whatever the round's end date says.
MAX_AGE_SECONDS = 366 * 24 * 60 * 60


def new_nonce() -> str:
    return secrets.token_hex(16)


def make_token(invite: FeedbackInvite) -> str:
    """The token in a stakeholder's link: invite id and nonce, signed with a timestamp."""
    return signing.TimestampSigner(salt=SALT).sign(f"{invite.pk}.{invite.link_nonce}")


def feedback_url(invite: FeedbackInvite) -> str:
    return f"{settings.SITE_URL}/f/{make_token(invite)}/"


@dataclass(frozen=True)
class LinkClaim:
    invite_id: str
    nonce: str


def read_token(token: str) -> LinkClaim | None:
    """The invite a token claims, or None if it is tampered with, malformed or too old.

    The caller still checks that the invite exists with that nonce (not rotated or revoked)
    and that its round accepts answers.
    """
    if not token or len(token) > 300:
        return None
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(token, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    invite_id, _, nonce = value.partition(".")
    if not invite_id or not nonce:
        return None
    return LinkClaim(invite_id, nonce)
