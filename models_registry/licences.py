"""Licences of catalogue models: an SPDX expression where one exists, anything else flagged."""

from __future__ import annotations

from functools import cache

from license_expression import Licensing, get_spdx_licensing


@cache
def _spdx() -> Licensing:
    return get_spdx_licensing()  # builds its index of SPDX ids once per process


def normalise_licence(text: str) -> tuple[str, bool]:
    """(the licence as stored, whether it is a valid SPDX expression). A valid expression is
    stored in its canonical spelling ("apache-2.0" → "Apache-2.0"); any other text is kept as
    written, so a custom or proprietary licence is recorded and flagged rather than refused."""
    cleaned = " ".join(text.split())
    if not cleaned:
        return "", False
    result = _spdx().validate(cleaned)
    if result.errors or not result.normalized_expression:
        return cleaned, False
    return result.normalized_expression, True
