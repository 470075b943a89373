"""Forms of the compliance pages."""

from typing import Any

from django import forms

from compliance.selectors import SYSTEM_ACTOR
from core.forms import choice_field


class AuditFilterForm(forms.Form):
    """Filters of the audit-trail page; the actor choices are the organisation's members."""

    action = forms.CharField(
        required=False,
        max_length=80,
        help_text="An action or its start: “project.” finds every project event.",
    )
    actor = forms.ChoiceField(required=False, label="Who")

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "actor").choices = [
            ("", "Anyone"),
            *people,
            (SYSTEM_ACTOR, "System (no person)"),
        ]
