"""The form that publishes a project's fact sheet: which of its fields the public page shows."""

from django import forms

from compliance.fact_sheet import FIELDS


class PublishForm(forms.Form):
    shown = forms.MultipleChoiceField(
        choices=list(FIELDS.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one field of the fact sheet to publish."},
    )
