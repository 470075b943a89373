"""Forms of a project's bias audits: scheduling one, conducting it, signing it off."""

from __future__ import annotations

from django import forms


class ScheduleForm(forms.Form):
    due_on = forms.DateField(label="Due on", widget=forms.DateInput(attrs={"type": "date"}))
    recurrence_months = forms.IntegerField(
        min_value=1, max_value=24, required=False, label="Repeat every (months)"
    )


class ConductForm(forms.Form):
    findings = forms.CharField(max_length=20000, widget=forms.Textarea(attrs={"rows": 3}))
    actions = forms.CharField(
        max_length=20000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SignOffForm(forms.Form):
    comment = forms.CharField(max_length=5000, required=False)
