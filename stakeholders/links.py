"""Personal links: signed, expiring, and useless without the site's key.

Two kinds, each signed with its own salt so one can never stand for the other: the feedback
link (one invite, revocable through its nonce) and the consent withdrawal link (one
stakeholder, mailed with every feedback email).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

from stakeholders.models import FeedbackInvite, Stakeholder

SALT = "charter.feedback-link"
WITHDRAWAL_SALT = "charter.consent-withdrawal-link"
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


# --- consent withdrawal ----------------------------------------------------------------------


def make_withdrawal_token(stakeholder: Stakeholder) -> str:
    """The token in a stakeholder's withdrawal link: their id, signed with a timestamp.

    It names the person, not one consent: it withdraws whatever consent they hold when used.
    """
    return signing.TimestampSigner(salt=WITHDRAWAL_SALT).sign(str(stakeholder.pk))


def withdrawal_url(stakeholder: Stakeholder) -> str:
    return f"{settings.SITE_URL}/consent/withdraw/{make_withdrawal_token(stakeholder)}/"


@dataclass(frozen=True)
class WithdrawalClaim:
    """What a withdrawal token says: whose it is, or that it expired (the signature held,
    so the person's link is genuine but too old), or neither (tampered or garbled)."""

    stakeholder_id: str | None
    expired: bool = False


def read_withdrawal_token(token: str) -> WithdrawalClaim:
    """Read a withdrawal token; the caller still looks the stakeholder up."""
    signer = signing.TimestampSigner(salt=WITHDRAWAL_SALT)
    if not token or len(token) > 300:
        return WithdrawalClaim(None)
    try:
        value = signer.unsign(token, max_age=MAX_AGE_SECONDS)
    except signing.SignatureExpired:
        return WithdrawalClaim(None, expired=True)
    except signing.BadSignature:
        return WithdrawalClaim(None)
    return WithdrawalClaim(value or None)
