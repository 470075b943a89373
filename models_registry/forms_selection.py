"""Forms of a project's Select tab: criteria, candidates, workload, scores and the decision."""

from __future__ import annotations

from typing import Any

from django import forms

from core.forms import choice_field
from models_registry.models import MAX_SCORE, MIN_SCORE, DecisionApproval, DecisionRecord

SCORE_CHOICES = [("", "—")] + [(str(v), str(v)) for v in range(MIN_SCORE, MAX_SCORE + 1)]


class CriterionForm(forms.Form):
    name = forms.CharField(max_length=120)
    description = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    weight = forms.IntegerField(
        min_value=0, max_value=1000, help_text="Points; shown as a share of all points."
    )
    is_hard_constraint = forms.BooleanField(
        required=False,
        label="Hard constraint",
        help_text="A candidate whose mean score falls below the minimum is excluded.",
    )
    minimum_score = forms.IntegerField(min_value=MIN_SCORE, max_value=MAX_SCORE, initial=3)


class CandidateForm(forms.Form):
    catalogue_model = forms.ChoiceField(
        required=False,
        label="Catalogue model",
        help_text="Leave empty to put forward building or training a new model.",
    )
    name = forms.CharField(
        max_length=160, required=False, help_text="Required when building a new model."
    )
    rationale = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    gpu_hours_per_month = forms.DecimalField(
        min_value=0, max_digits=12, decimal_places=2, required=False, label="GPU hours a month"
    )
    gpu_hour_price = forms.DecimalField(
        min_value=0, max_digits=12, decimal_places=4, required=False, label="Price of a GPU hour"
    )
    fixed_monthly_cost = forms.DecimalField(
        min_value=0, max_digits=14, decimal_places=2, required=False, label="Fixed monthly cost"
    )
    cost_currency = forms.CharField(
        max_length=3, required=False, label="Currency of these costs", help_text="ISO 4217."
    )

    def __init__(self, *args: Any, models: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "catalogue_model").choices = [("", "Build / train a new model"), *models]


class CandidateCostForm(forms.Form):
    """The figures of a candidate that may change after it is put forward."""

    rationale = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    gpu_hours_per_month = CandidateForm.base_fields["gpu_hours_per_month"]
    gpu_hour_price = CandidateForm.base_fields["gpu_hour_price"]
    fixed_monthly_cost = CandidateForm.base_fields["fixed_monthly_cost"]
    cost_currency = CandidateForm.base_fields["cost_currency"]


class WorkloadForm(forms.Form):
    requests_per_month = forms.IntegerField(min_value=0, max_value=10**15)
    input_tokens_per_request = forms.IntegerField(min_value=0, max_value=10**7)
    output_tokens_per_request = forms.IntegerField(min_value=0, max_value=10**7)


class DecisionForm(forms.Form):
    chosen = forms.ChoiceField(label="Chosen candidate")
    rationale = forms.CharField(max_length=10000, widget=forms.Textarea(attrs={"rows": 4}))
    open_or_closed = forms.ChoiceField(
        required=False,
        choices=[("", "—"), *DecisionRecord.OpenOrClosed.choices],
        help_text="Only for a model you build: a catalogue model's source decides it.",
    )

    def __init__(self, *args: Any, candidates: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "chosen").choices = candidates
        # One "why not" per alternative, named reason_<candidate id>.
        for candidate_id, label in candidates:
            self.fields[f"reason_{candidate_id}"] = forms.CharField(
                max_length=2000,
                required=False,
                label=f"Why not {label}",
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def reasons(self) -> dict[str, str]:
        return {
            name.removeprefix("reason_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("reason_")
        }


class DecisionSignForm(forms.Form):
    verdict = forms.ChoiceField(choices=DecisionApproval.Verdict.choices)
    comment = forms.CharField(
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required to reject.",
    )


class ScoreSheetForm(forms.Form):
    """Every cell of the reviewer's sheet: a score and its justification, named
    score_<candidate id>_<criterion id> and why_<candidate id>_<criterion id>."""

    def __init__(
        self,
        *args: Any,
        candidates: list[Any],
        criteria: list[Any],
        initial_scores: dict[tuple[Any, Any], Any],
        disabled: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.cells: list[tuple[Any, Any, str, str]] = []
        for candidate in candidates:
            for criterion in criteria:
                key = f"{candidate.pk}_{criterion.pk}"
                score = initial_scores.get((candidate.pk, criterion.pk))
                self.fields[f"score_{key}"] = forms.TypedChoiceField(
                    choices=SCORE_CHOICES,
                    coerce=int,
                    empty_value=None,
                    required=False,
                    label=f"{candidate.name}: {criterion.name}",
                    initial=str(score.value) if score else "",
                    disabled=disabled,
                )
                self.fields[f"why_{key}"] = forms.CharField(
                    max_length=2000,
                    required=False,
                    label=f"Why ({candidate.name}, {criterion.name})",
                    initial=score.justification if score else "",
                    widget=forms.Textarea(attrs={"rows": 2}),
                    disabled=disabled,
                )
                self.cells.append((candidate, criterion, f"score_{key}", f"why_{key}"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for _, _, score_name, why_name in self.cells:
            value, why = data.get(score_name), (data.get(why_name) or "").strip()
            if value is not None and not why:
                self.add_error(why_name, "Say why you gave this score.")
            if value is None and why:
                self.add_error(score_name, "Give a score from 1 to 5, or clear the justification.")
        return data

    def filled(self) -> list[tuple[Any, Any, int, str]]:
        """(candidate, criterion, value, justification) of every cell the reviewer filled."""
        return [
            (candidate, criterion, self.cleaned_data[s], self.cleaned_data[w])
            for candidate, criterion, s, w in self.cells
            if self.cleaned_data.get(s) is not None
        ]

    def rows(self) -> list[dict[str, Any]]:
        """For the template: per candidate, its cells' bound fields."""
        by_candidate: dict[Any, dict[str, Any]] = {}
        for candidate, criterion, s, w in self.cells:
            row = by_candidate.setdefault(candidate.pk, {"candidate": candidate, "cells": []})
            row["cells"].append({"criterion": criterion, "score": self[s], "why": self[w]})
        return list(by_candidate.values())
