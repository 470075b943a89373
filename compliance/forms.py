"""Forms of the compliance pages."""

from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.utils import timezone

from compliance.selectors import SYSTEM_ACTOR
from core.forms import choice_field


class AuditFilterForm(forms.Form):
    """Filters of the audit-trail page and its exports; the actor and project choices are the
    organisation's members and the projects the user sees. Dates are days in the user's time
    zone, both ends included; `cleaned_filters()` turns them into the selector's half-open
    range."""

    project = forms.ChoiceField(required=False)
    actor = forms.ChoiceField(required=False, label="Who")
    action = forms.CharField(
        required=False,
        max_length=80,
        help_text="An action or its start: “project.” finds every project event.",
    )
    target_type = forms.CharField(
        required=False, max_length=80, label="Object type", help_text="e.g. projects.project"
    )
    start = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(
        self,
        *args: Any,
        people: list[tuple[str, str]],
        projects: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "actor").choices = [
            ("", "Anyone"),
            *people,
            (SYSTEM_ACTOR, "System (no person)"),
        ]
        choice_field(self, "project").choices = [("", "Any project"), *(projects or [])]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", START_AFTER_END)
        return cleaned

    def cleaned_filters(self) -> dict[str, Any]:
        """The valid filters as the selector takes them (empty ones left out)."""
        return filters_from_form_values(self.cleaned_data)


START_AFTER_END = "The range ends before it starts: “To” must be on or after “From”."


def filters_from_form_values(values: dict[str, Any]) -> dict[str, Any]:
    """Form values (days in the current time zone) as selector filters (aware datetimes,
    the end day included)."""
    filters = {
        name: values[name]
        for name in ("project", "actor", "action", "target_type")
        if values.get(name)
    }
    zone = timezone.get_current_timezone()
    if values.get("start"):
        filters["occurred_after"] = datetime.combine(values["start"], time.min, tzinfo=zone)
    if values.get("end"):
        next_day = values["end"] + timedelta(days=1)
        filters["occurred_before"] = datetime.combine(next_day, time.min, tzinfo=zone)
    return filters
