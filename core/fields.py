"""Model fields Charter needs beyond Django's."""

from typing import Any

from django.core.validators import MaxLengthValidator
from django.db import models


class LimitedTextField(models.TextField):
    """A TextField whose `max_length` is enforced by `full_clean`.

    Django passes a TextField's max_length to form widgets only; services validate with
    full_clean, so the limit must be a validator to hold for the API and tasks too.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self._validators.append(MaxLengthValidator(self.max_length))
