"""Secrets for links and API tokens: generated once, stored only as SHA-256."""

import hashlib
import secrets

API_TOKEN_PREFIX = "chr"  # noqa: S105 (a public marker)


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def new_link_secret() -> str:
    """A URL-safe secret with 256 bits of entropy (invitation links)."""
    return secrets.token_urlsafe(32)


def new_api_token(marker: str = API_TOKEN_PREFIX) -> tuple[str, str]:
    """(prefix, full token). The prefix identifies the token in lists and logs; the full
    token `<marker>_<prefix>_<secret>` (`chr_…` for personal tokens) is shown once."""
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    return prefix, f"{marker}_{prefix}_{secret}"


def split_api_token(token: str, marker: str = API_TOKEN_PREFIX) -> str | None:
    """The prefix of a well-formed token of that kind (`marker`), else None."""
    parts = (token or "").split("_", 2)
    if len(parts) != 3 or parts[0] != marker or len(parts[1]) != 8:
        return None
    return parts[1]
