"""Forms of the Scope-phase pages. Plain lists are typed one item per line; structured
rows (milestones, success criteria) have a field per column."""

from __future__ import annotations

from typing import Any

from django import forms

from core.forms import choice_field, quiet, rows_data
from projects.models import FeasibilityStudy, Risk, SuccessCriterion, Task
from projects.models.feasibility import Rating
from projects.risk_library import risk_library

SCALE = [("", "—"), *[(n, str(n)) for n in range(1, 6)]]
DATE = forms.DateInput(attrs={"type": "date"})


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class RiskForm(forms.Form):
    title = forms.CharField(max_length=200)
    category = forms.ChoiceField(choices=Risk.Category.choices)
    description = forms.CharField(widget=forms.Textarea, required=False, max_length=5000)
    likelihood = forms.TypedChoiceField(choices=SCALE, coerce=int, empty_value=None, required=False)
    impact = forms.TypedChoiceField(choices=SCALE, coerce=int, empty_value=None, required=False)
    owner = forms.ChoiceField(required=False)
    mitigation_plan = forms.CharField(widget=forms.Textarea, required=False, max_length=5000)
    status = forms.ChoiceField(choices=Risk.Status.choices, initial=Risk.Status.OPEN)
    review_date = forms.DateField(required=False, widget=DATE)
    residual_likelihood = forms.TypedChoiceField(
        choices=SCALE, coerce=int, empty_value=None, required=False
    )
    residual_impact = forms.TypedChoiceField(
        choices=SCALE, coerce=int, empty_value=None, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "owner").choices = [("", "Nobody yet"), *people]


class LibraryRiskForm(forms.Form):
    library_ref = forms.ChoiceField(label="Library risk")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "library_ref").choices = [
            (entry.ref, f"{entry.source_id} {entry.name}") for entry in risk_library()
        ]


class RiskFilterForm(forms.Form):
    category = forms.ChoiceField(
        required=False, choices=[("", "Any category"), *Risk.Category.choices]
    )
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Risk.Status.choices])
    likelihood = forms.TypedChoiceField(choices=SCALE, coerce=int, empty_value=None, required=False)
    impact = forms.TypedChoiceField(choices=SCALE, coerce=int, empty_value=None, required=False)
    overdue = forms.BooleanField(required=False, label="Review overdue")
    sort = forms.ChoiceField(
        required=False,
        choices=[
            ("score", "Highest score"),
            ("reference", "Reference"),
            ("review_date", "Review date"),
            ("residual", "Residual score"),
        ],
    )


MAX_ROWS = 50


class MilestoneForm(forms.Form):
    """One milestone of a scope version; a blank row is left out."""

    title = forms.CharField(max_length=200, required=False)
    due_date = forms.DateField(widget=DATE, required=False, label="Due")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        title, due = (data.get("title") or "").strip(), data.get("due_date")
        if title and not due and "due_date" not in self.errors:
            self.add_error("due_date", "Give the milestone its date.")
        if due and not title:
            self.add_error("title", "Give the milestone a title, or clear its row.")
        return data


class SuccessCriterionForm(forms.Form):
    """One measurable success criterion; a blank row is left out."""

    metric = forms.CharField(max_length=200, required=False)
    comparison = forms.ChoiceField(choices=SuccessCriterion.Comparison.choices, initial="gte")
    target = forms.DecimalField(max_digits=14, decimal_places=4, required=False)
    unit = forms.CharField(max_length=50, required=False)

    def has_changed(self) -> bool:
        # The comparison always has a value: a row counts as filled only with something typed.
        return any(self.data.get(self.add_prefix(n)) for n in ("metric", "target", "unit"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        metric = (data.get("metric") or "").strip()
        if (data.get("target") is not None or data.get("unit")) and not metric:
            self.add_error("metric", "Name the metric, or clear its row.")
        if metric and data.get("target") is None and "target" not in self.errors:
            self.add_error("target", "Give the target as a number.")
        return data


MilestoneFormSet = forms.formset_factory(
    MilestoneForm, extra=1, can_delete=True, max_num=MAX_ROWS, validate_max=True
)
SuccessCriterionFormSet = forms.formset_factory(
    SuccessCriterionForm, extra=1, can_delete=True, max_num=MAX_ROWS, validate_max=True
)


def _kept(formset: forms.BaseFormSet[Any], filled: str) -> list[dict[str, Any]]:
    return [
        row
        for row in formset.cleaned_data
        if row and not row.get("DELETE") and (row.get(filled) or "").strip()
    ]


class ScopeVersionForm(forms.Form):
    """The scope document; milestones and success criteria are rows (`milestone_rows`,
    `criterion_rows`: formsets posted with the form, prefixes "milestones" and "criteria")."""

    goals = forms.CharField(widget=forms.Textarea, max_length=10000)
    deliverables = forms.CharField(widget=forms.Textarea, required=False, max_length=10000)
    timeline_start = forms.DateField(required=False, widget=DATE)
    timeline_end = forms.DateField(required=False, widget=DATE)
    out_of_scope = forms.CharField(widget=forms.Textarea, required=False, help_text="One per line.")
    assumptions = forms.CharField(widget=forms.Textarea, required=False, help_text="One per line.")
    constraints = forms.CharField(widget=forms.Textarea, required=False, help_text="One per line.")
    change_summary = forms.CharField(max_length=300, required=False)

    def __init__(
        self,
        data: Any = None,
        *args: Any,
        milestones: list[dict[str, Any]] | None = None,
        criteria: list[dict[str, Any]] | None = None,
        add: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(data, *args, **kwargs)
        self.milestone_rows = MilestoneFormSet(
            rows_data(data, "milestones", more=int(add == "milestones"), most=MAX_ROWS),
            prefix="milestones",
            initial=milestones,
        )
        self.criterion_rows = SuccessCriterionFormSet(
            rows_data(data, "criteria", more=int(add == "criteria"), most=MAX_ROWS),
            prefix="criteria",
            initial=criteria,
        )

    def is_valid(self) -> bool:
        rows_valid = [self.milestone_rows.is_valid(), self.criterion_rows.is_valid()]
        return super().is_valid() and all(rows_valid)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (self.milestone_rows.is_valid() and self.criterion_rows.is_valid()):
            self.add_error(None, "A milestone or success criterion needs fixing: see its row.")
            return data
        data["milestones"] = [
            {"title": row["title"].strip(), "due_date": row["due_date"]}
            for row in _kept(self.milestone_rows, "title")
        ]
        data["success_criteria"] = [
            {
                "metric": row["metric"].strip(),
                "comparison": row["comparison"],
                "target": str(row["target"]),
                "unit": (row.get("unit") or "").strip(),
            }
            for row in _kept(self.criterion_rows, "metric")
        ]
        return data

    def quiet(self) -> ScopeVersionForm:
        """The form shown again to add a row: what was typed, without errors."""
        quiet(self, self.milestone_rows, self.criterion_rows)
        return self

    def clean_out_of_scope(self) -> list[str]:
        return _lines(self.cleaned_data["out_of_scope"])

    def clean_assumptions(self) -> list[str]:
        return _lines(self.cleaned_data["assumptions"])

    def clean_constraints(self) -> list[str]:
        return _lines(self.cleaned_data["constraints"])


class CommentForm(forms.Form):
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )


class FeasibilityForm(forms.Form):
    title = forms.CharField(max_length=200, initial="Feasibility study")
    technology_findings = forms.CharField(widget=forms.Textarea, required=False, max_length=10000)
    technology_rating = forms.ChoiceField(choices=[("", "—"), *Rating.choices], required=False)
    technology_open_questions = forms.CharField(
        widget=forms.Textarea, required=False, max_length=5000
    )
    data_findings = forms.CharField(widget=forms.Textarea, required=False, max_length=10000)
    data_rating = forms.ChoiceField(choices=[("", "—"), *Rating.choices], required=False)
    data_open_questions = forms.CharField(widget=forms.Textarea, required=False, max_length=5000)
    legal_findings = forms.CharField(widget=forms.Textarea, required=False, max_length=10000)
    legal_rating = forms.ChoiceField(choices=[("", "—"), *Rating.choices], required=False)
    legal_open_questions = forms.CharField(widget=forms.Textarea, required=False, max_length=5000)
    budget_findings = forms.CharField(widget=forms.Textarea, required=False, max_length=10000)
    budget_rating = forms.ChoiceField(choices=[("", "—"), *Rating.choices], required=False)
    budget_open_questions = forms.CharField(widget=forms.Textarea, required=False, max_length=5000)
    currency = forms.CharField(max_length=3, initial="EUR")
    estimated_cost = forms.DecimalField(
        max_digits=14, decimal_places=2, required=False, min_value=0
    )
    budget_available = forms.DecimalField(
        max_digits=14, decimal_places=2, required=False, min_value=0
    )
    verdict = forms.ChoiceField(choices=FeasibilityStudy.Verdict.choices)
    conditions = forms.CharField(widget=forms.Textarea, required=False, max_length=5000)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class TaskForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )
    assignee = forms.ChoiceField(required=False)
    due_date = forms.DateField(required=False, widget=DATE)

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "assignee").choices = [("", "Nobody yet"), *people]


class TaskStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Task.Status.choices)


class GateDecisionForm(forms.Form):
    capacity = forms.ChoiceField(
        choices=[("manager", "Project manager"), ("compliance", "Compliance officer")]
    )
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class ProposalForm(forms.Form):
    title = forms.CharField(max_length=160)
    problem = forms.CharField(widget=forms.Textarea, max_length=5000)
    intended_users = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    data_involved = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    expected_benefit = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    urgency = forms.ChoiceField(
        choices=[("low", "Low"), ("medium", "Medium"), ("high", "High"), ("critical", "Critical")],
        initial="medium",
    )


class TriageForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("accept", "Accept into Scope"),
            ("info", "Ask for more information"),
            ("reject", "Reject"),
        ]
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
        label="Note or reason",
    )
