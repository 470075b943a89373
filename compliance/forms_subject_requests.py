"""Forms of data-subject requests (recording one, extending, refusing, confirming an erasure,
the list's filters) and of the retention periods."""

from __future__ import annotations

from typing import Any

from django import forms

from compliance.models import DataSubjectRequest
from compliance.retention import RECORD_TYPE_CHOICES
from compliance.services.retention import DAYS_POSITIVE
from core.forms import choice_field


class SubjectRequestForm(forms.Form):
    kind = forms.ChoiceField(choices=DataSubjectRequest.Kind.choices)
    subject = forms.ChoiceField(
        label="Who is the request about?",
        help_text="A stakeholder of the organisation, or one of its members.",
    )
    received_at = forms.DateTimeField(
        required=False,
        label="Received at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Empty: now. The deadline is one calendar month later (Art. 12(3)).",
    )
    owner = forms.ChoiceField(
        required=False, help_text="An administrator or compliance officer; empty: you."
    )

    def __init__(
        self,
        *args: Any,
        subjects: list[tuple[str, str]],
        owners: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "subject").choices = [("", "—"), *subjects]
        choice_field(self, "owner").choices = [("", "Me"), *owners]


class ExtendForm(forms.Form):
    months = forms.TypedChoiceField(
        choices=[(1, "One month"), (2, "Two months")], coerce=int, label="Extend by"
    )
    reason = forms.CharField(
        max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), help_text="Told to the subject."
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(
        max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), help_text="Told to the subject."
    )


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label="I confirm the erasure: the subject's personal data is replaced for good.",
        error_messages={"required": "Confirm the erasure: it cannot be undone."},
    )


class SubjectRequestFilterForm(forms.Form):
    show = forms.ChoiceField(
        required=False,
        choices=[("open", "Open"), ("overdue", "Overdue"), ("all", "All")],
        initial="open",
    )
    kind = forms.ChoiceField(
        required=False, choices=[("", "Every kind"), *DataSubjectRequest.Kind.choices]
    )

    def filters(self) -> dict[str, Any]:
        """The selector's filters; an invalid query shows the open requests."""
        if not self.is_valid():
            return {"open": True}
        show = self.cleaned_data.get("show") or "open"
        return {
            "open": show == "open",
            "overdue": show == "overdue",
            "kind": self.cleaned_data.get("kind") or "",
        }


class RetentionRuleForm(forms.Form):
    record_type = forms.ChoiceField(choices=RECORD_TYPE_CHOICES)
    days = forms.IntegerField(
        label="Keep for (days)",
        help_text="Past this many days, the daily job flags the records for erasure.",
    )

    def clean_days(self) -> int:
        days: int = self.cleaned_data["days"]
        if days < 1:
            raise forms.ValidationError(DAYS_POSITIVE)
        return days
