"""The filter of a framework's requirements on its catalogue page."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from compliance.models import Requirement


class RequirementFilterForm(forms.Form):
    text = forms.CharField(required=False, max_length=200, label="Text")
    group = forms.ChoiceField(required=False, label="Group")
    kind = forms.ChoiceField(required=False, label="Kind")

    def __init__(self, *args: Any, groups: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["group"]).choices = [
            ("", "Any"),
            *((group, group) for group in groups),
        ]
        cast(forms.ChoiceField, self.fields["kind"]).choices = [
            ("", "Any"),
            *Requirement.Kind.choices,
        ]
