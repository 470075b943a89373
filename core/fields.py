"""Model fields Charter needs beyond Django's."""

from typing import Any

from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.functional import cached_property


class LimitedTextField(models.TextField):
    """A TextField whose `max_length` is enforced by `full_clean`.

    Django passes a TextField's max_length to form widgets only; services validate with
    full_clean, so the limit must be a validator to hold for the API and tasks too. It is
    added at run time (not to `_validators`) so migrations do not repeat it.
    """

    @cached_property
    def validators(self) -> list[Any]:
        found = super().validators
        if self.max_length is None:
            return found
        return [*found, MaxLengthValidator(self.max_length)]
