"""Domain errors that services raise and every adapter (HTML, API, tasks) understands."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError


class ConflictError(Exception):
    """The request is valid but clashes with the current state (HTTP 409).

    Examples: an edit made from a stale version, a gate requested with unmet criteria.
    `details` carries what the client needs to resolve it (e.g. the unmet criteria).
    """

    def __init__(self, message: str, *, code: str = "conflict", details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.details = details


UNKNOWN_FIELD = "This field cannot be set here."


def reject_unknown_fields(
    given: Iterable[str], allowed: Iterable[str], message: str = UNKNOWN_FIELD
) -> None:
    """Raise a field-keyed ValidationError for every name in `given` not in `allowed`."""
    unknown = sorted(set(given) - set(allowed))
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, message))
