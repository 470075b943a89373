"""Forms of a project's Integrate & operate tab: a deployment's rollout plan written as lines,
and an incident."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from models_registry.models import Deployment, Incident

BAD_STAGE = "Line {n}: write “percent, start date (YYYY-MM-DD), exit criteria”."


class DeploymentForm(forms.Form):
    name = forms.CharField(max_length=160)
    environment = forms.ChoiceField(choices=Deployment.Environment.choices)
    environment_name = forms.CharField(max_length=80, required=False, label="Other environment")
    model_version = forms.ChoiceField()
    stages = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Rollout stages",
        help_text="One per line: percent of traffic, start date, exit criteria — e.g. "
        "“5, 2027-01-11, error rate under 1 % for 3 days”.",
    )

    def clean_stages(self) -> list[dict[str, Any]]:
        rows = []
        for n, line in enumerate(self.cleaned_data["stages"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split(",", 2)]
            try:
                percent, starts_on, criteria = int(parts[0]), date.fromisoformat(parts[1]), parts[2]
            except (ValueError, IndexError):
                raise forms.ValidationError(BAD_STAGE.format(n=n)) from None
            rows.append(
                {"traffic_percent": percent, "starts_on": starts_on, "exit_criteria": criteria}
            )
        return rows


class IncidentForm(forms.Form):
    title = forms.CharField(max_length=200)
    severity = forms.ChoiceField(choices=Incident.Severity.choices)
    deployment = forms.ChoiceField(required=False)
    description = forms.CharField(
        max_length=10000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class IncidentFilterForm(forms.Form):
    """The organisation's open incidents, as the dashboard's figures link to them."""

    severity = forms.ChoiceField(
        required=False, choices=[("", "Any severity"), *Incident.Severity.choices]
    )
