"""Forms of a project's Adapt & align tab: versions, prompts, datasets, fine-tuning runs and
an evaluation entered by hand."""

from __future__ import annotations

import json
from typing import Any

from django import forms

from core.numbers import human_number
from models_registry.models import Dataset, FineTuneRun, ModelVersion

ADAPTATIONS = [c for c in ModelVersion.Adaptation.choices if c[0] != ModelVersion.Adaptation.BASE]
NOT_JSON_OBJECT = 'Write a JSON object, e.g. {"rank": 16, "alpha": 32}.'
BAD_LINE = "Line {n}: write “name, value, unit” and optionally “, key=value” for a slice."


class ModelVersionForm(forms.Form):
    parent = forms.ChoiceField(label="Adapted from")
    adaptation = forms.ChoiceField(choices=ADAPTATIONS)
    name = forms.CharField(max_length=120, required=False, help_text="Default: v<number>.")
    base_model = forms.ChoiceField(
        required=False,
        label="Base model, if it changed",
        help_text="Leave blank to keep the parent's. Another model is a change of base model.",
    )
    description = forms.CharField(
        max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    artifact_uri = forms.CharField(
        max_length=500,
        required=False,
        label="Where it lives",
        help_text="A model registry URI, an endpoint, an MLflow model version…",
    )


class PromptTemplateForm(forms.Form):
    name = forms.CharField(max_length=120)
    purpose = forms.CharField(max_length=2000, required=False)
    text = forms.CharField(
        max_length=50000,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Placeholders are written {{ name }}.",
    )


class PromptVersionForm(forms.Form):
    text = forms.CharField(max_length=50000, strip=False, widget=forms.Textarea(attrs={"rows": 8}))
    change_note = forms.CharField(max_length=300, required=False, label="What changed and why")
    model_version = forms.ChoiceField(required=False, label="Model version it targets")


class DatasetForm(forms.Form):
    name = forms.CharField(max_length=160)
    source = forms.CharField(max_length=500, help_text="Where it comes from.")
    reference = forms.CharField(max_length=500, required=False, help_text="A URI, table or hash.")
    licence = forms.CharField(max_length=200)
    personal_data = forms.BooleanField(required=False, label="Holds personal data")
    lawful_basis = forms.ChoiceField(
        choices=[("", "—"), *Dataset.LawfulBasis.choices], required=False
    )
    retention = forms.CharField(max_length=300, required=False, help_text="How long it is kept.")
    description = forms.CharField(
        max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    # The inventory record (GDPR Art. 30): the project's Privacy page shows and edits it too.
    purpose = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why this data is processed.",
    )
    personal_data_categories = forms.MultipleChoiceField(
        choices=Dataset.Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Categories of personal data",
    )
    special_categories = forms.MultipleChoiceField(
        choices=Dataset.Special.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Special categories (Art. 9(1))",
    )
    special_category_condition = forms.ChoiceField(
        choices=[("", "—"), *Dataset.SpecialCondition.choices],
        required=False,
        label="Art. 9(2) condition",
    )
    data_subjects = forms.MultipleChoiceField(
        choices=Dataset.SubjectCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Data subjects",
    )
    transfers_outside_eea = forms.BooleanField(required=False, label="Transferred outside the EEA")
    transfer_countries = forms.CharField(max_length=300, required=False, label="To which countries")
    transfer_safeguard = forms.ChoiceField(
        choices=[("", "—"), *Dataset.Safeguard.choices], required=False, label="Safeguard"
    )
    processors = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The processors that handle it, one a line.",
    )


class FineTuneRunForm(forms.Form):
    name = forms.CharField(max_length=160)
    method = forms.ChoiceField(choices=FineTuneRun.Method.choices)
    base_version = forms.ChoiceField()
    dataset = forms.ChoiceField()
    hyperparameters = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text='A JSON object, e.g. {"rank": 16, "alpha": 32, "learning_rate": 0.0002}.',
    )
    gpu_hours = forms.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)
    cost = forms.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False)
    cost_currency = forms.CharField(max_length=3, required=False, label="Currency")
    status = forms.ChoiceField(choices=FineTuneRun.Status.choices)

    def clean_hyperparameters(self) -> dict[str, Any]:
        raw = self.cleaned_data["hyperparameters"].strip()
        if not raw:
            return {}
        try:
            value = json.loads(raw)
        except ValueError:
            raise forms.ValidationError(NOT_JSON_OBJECT) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(NOT_JSON_OBJECT)
        return value


class EvaluationForm(forms.Form):
    """One field per success criterion of the approved scope (its bound figure), and more
    metrics as lines of text."""

    model_version = forms.ChoiceField()
    benchmark = forms.CharField(max_length=200, label="Dataset or benchmark")
    extra_metrics = forms.CharField(
        required=False,
        label="Other metrics",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line: name, value, unit — and “, language=de” for a slice.",
    )
    findings = forms.CharField(
        max_length=20000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, criteria: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            target = human_number(criterion.target)
            self.fields[f"criterion_{criterion.pk}"] = forms.DecimalField(
                max_digits=24,
                decimal_places=8,
                required=False,
                label=f"{criterion.metric} ({criterion.unit})",
                help_text=f"Target: {criterion.get_comparison_display()} {target}.",
            )

    def clean_extra_metrics(self) -> list[dict[str, Any]]:
        rows = []
        for n, line in enumerate(self.cleaned_data["extra_metrics"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split(",")]
            if len(parts) not in (3, 4) or not parts[0]:
                raise forms.ValidationError(BAD_LINE.format(n=n))
            row: dict[str, Any] = {"name": parts[0], "value": parts[1], "unit": parts[2]}
            if len(parts) == 4:
                key, sep, value = parts[3].partition("=")
                if not sep or not key.strip() or not value.strip():
                    raise forms.ValidationError(BAD_LINE.format(n=n))
                row |= {"slice_key": key.strip(), "slice_value": value.strip()}
            rows.append(row)
        return rows

    def metrics(self) -> list[dict[str, Any]]:
        """The batch for the service: the bound figures first, then the other lines."""
        bound = [
            {
                "name": criterion.metric,
                "value": self.cleaned_data[f"criterion_{criterion.pk}"],
                "unit": criterion.unit,
                "higher_is_better": criterion.comparison != "lte",
                "criterion": criterion.pk,
            }
            for criterion in self.criteria
            if self.cleaned_data.get(f"criterion_{criterion.pk}") is not None
        ]
        extra: list[dict[str, Any]] = self.cleaned_data["extra_metrics"]
        return bound + extra


class FeedbackForm(forms.Form):
    text = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    model_version = forms.ChoiceField(required=False, label="About version")


class UserTestForm(forms.Form):
    model_version = forms.ChoiceField()
    held_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    participants = forms.IntegerField(min_value=1, help_text="How many took part (no names).")
    tasks = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="One task per line."
    )
    attempts = forms.IntegerField(min_value=1, help_text="Task attempts in all.")
    successes = forms.IntegerField(min_value=0, help_text="Attempts that succeeded.")
    satisfaction = forms.DecimalField(
        max_digits=3,
        decimal_places=2,
        min_value=1,
        max_value=5,
        required=False,
        help_text="Mean, on a 1–5 scale.",
    )
    findings = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_tasks(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["tasks"].splitlines() if line.strip()]
