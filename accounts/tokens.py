"""Secrets for links and API tokens: generated once, stored only as SHA-256."""

import hashlib
import secrets

API_TOKEN_PREFIX = "chr"  # noqa: S105 (a public marker)


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def new_link_secret() -> str:
    """A URL-safe secret with 256 bits of entropy (invitation links)."""
    return secrets.token_urlsafe(32)


def new_api_token() -> tuple[str, str]:
    """(prefix, full token). The prefix identifies the token in lists and logs; the full
    token `chr_<prefix>_<secret>` is shown to its owner once."""
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    return prefix, f"{API_TOKEN_PREFIX}_{prefix}_{secret}"


def split_api_token(token: str) -> str | None:
    """The prefix of a well-formed token, else None."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != API_TOKEN_PREFIX or len(parts[1]) != 8:
        return None
    return parts[1]
