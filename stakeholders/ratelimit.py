"""The rate limits of the public feedback form (counted by core/ratelimit.py)."""

from __future__ import annotations

from core.ratelimit import hit

# The public feedback form: a stakeholder answers a handful of times, a script thousands.
PUBLIC_FORM_LIMIT = 20
PUBLIC_FORM_WINDOW_SECONDS = 10 * 60


def public_form_allows(*, client_ip: str | None, token: str, link_is_genuine: bool) -> bool:
    """Count one POST to the public form.

    A genuine link (its signature holds) counts per client address and per link. A forged or
    garbled one counts in a budget of its own per address, so a script posting garbage can
    exhaust only that budget, never a stakeholder's.
    """
    address = client_ip or "unknown"
    if not link_is_genuine:
        return hit(
            "feedback-bad-link",
            address,
            limit=PUBLIC_FORM_LIMIT,
            window=PUBLIC_FORM_WINDOW_SECONDS,
        )
    by_ip = hit("feedback-ip", address, limit=PUBLIC_FORM_LIMIT, window=PUBLIC_FORM_WINDOW_SECONDS)
    by_token = hit(
        "feedback-token", token, limit=PUBLIC_FORM_LIMIT, window=PUBLIC_FORM_WINDOW_SECONDS
    )
    return by_ip and by_token
