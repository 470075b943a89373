"""Money: Decimal amounts with an ISO 4217 currency code."""

from decimal import Decimal

import pycountry
from django.core.exceptions import ValidationError
from django.db import models

NOT_A_CURRENCY = "Use an ISO 4217 currency code, such as EUR, USD or GBP."


def is_currency(code: str) -> bool:
    """Is `code` an active ISO 4217 alphabetic code (upper case, as the standard writes it)?"""
    return len(code) == 3 and code.isupper() and pycountry.currencies.get(alpha_3=code) is not None


def validate_currency(code: str) -> None:
    if not is_currency(code):
        raise ValidationError(NOT_A_CURRENCY, code="currency")


class CurrencyField(models.CharField):
    """An ISO 4217 code, checked by `full_clean` wherever the row is written from."""

    default_validators = [validate_currency]

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max_length", 3)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


def validate_not_negative(value: Decimal | int | None) -> None:
    if value is not None and value < 0:
        raise ValidationError("Must not be negative.", code="negative")
