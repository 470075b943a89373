"""Numbers as people write them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def plain_number(value: Any) -> str:
    """A decimal without trailing zeros or an exponent: 0.93000000 → "0.93", 820.0 → "820"
    (Decimal's own `normalize` gives "8.2E+2"). Anything else is shown as it is."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float):
        return "" if value is None else str(value)
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        return str(number)
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "") else text
