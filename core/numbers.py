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


def _locale() -> str:
    """The Babel locale of the active language ("en", "de_DE"), "en" outside a request."""
    from django.utils.translation import get_language, to_locale

    return to_locale(get_language() or "en")


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        number = Decimal(str(value)) if isinstance(value, float | str) else Decimal(value)
    except (ArithmeticError, TypeError, ValueError):
        return None
    return number if number.is_finite() else None


def human_number(value: Any, *, locale: str | None = None) -> str:
    """A number for people, in the active locale: 9E+1 → "90", 120000.50 → "120,000.5",
    0.93000000 → "0.93" (every significant digit kept, none invented). Anything that is not
    a number is shown as it is."""
    number = _decimal(value)
    if number is None:
        return "" if value is None else str(value)
    from babel.numbers import format_decimal

    return format_decimal(
        number.normalize(), locale=locale or _locale(), decimal_quantization=False
    )


def human_money(value: Any, currency: Any, *, locale: str | None = None) -> str:
    """An amount with its currency, in the active locale: 120000.00 EUR → "€120,000.00"
    (de: "120.000,00 €"). A missing or unknown currency falls back to the number and the code."""
    number = _decimal(value)
    if number is None:
        return "" if value is None else str(value)
    from babel.numbers import UnknownCurrencyError, format_currency

    code = str(currency or "").strip().upper()
    if not code:
        return human_number(number, locale=locale)
    try:
        return format_currency(number, code, locale=locale or _locale())
    except (UnknownCurrencyError, ValueError):
        return f"{human_number(number, locale=locale)} {code}"
