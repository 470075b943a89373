"""Forms of the Scope-phase pages. Lists are typed one item per line."""

from datetime import date
from typing import Any

from django import forms

from core.forms import choice_field
from projects.models import FeasibilityStudy, Risk, Task
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


class ScopeVersionForm(forms.Form):
    goals = forms.CharField(widget=forms.Textarea, max_length=10000)
    deliverables = forms.CharField(widget=forms.Textarea, required=False, max_length=10000)
    timeline_start = forms.DateField(required=False, widget=DATE)
    timeline_end = forms.DateField(required=False, widget=DATE)
    milestones = forms.CharField(
        widget=forms.Textarea,
        required=False,
        help_text="One per line: YYYY-MM-DD Title, in date order.",
    )
    success_criteria = forms.CharField(
        widget=forms.Textarea,
        required=False,
        help_text="One per line: metric | at least / at most / equal | target | unit.",
    )
    out_of_scope = forms.CharField(widget=forms.Textarea, required=False, help_text="One per line.")
    assumptions = forms.CharField(widget=forms.Textarea, required=False, help_text="One per line.")
    constraints = forms.CharField(widget=forms.Textarea, required=False, help_text="One per line.")
    change_summary = forms.CharField(max_length=300, required=False)

    COMPARISONS = {
        "at least": "gte",
        "at most": "lte",
        "equal": "eq",
        ">=": "gte",
        "<=": "lte",
        "=": "eq",
    }

    def clean_milestones(self) -> list[dict[str, Any]]:
        rows = []
        for number, line in enumerate(_lines(self.cleaned_data["milestones"]), start=1):
            day, _, title = line.partition(" ")
            try:
                rows.append({"due_date": date.fromisoformat(day), "title": title.strip()})
            except ValueError as error:
                raise forms.ValidationError(
                    f"Line {number}: start with a date like 2027-03-01."
                ) from error
        return rows

    def clean_success_criteria(self) -> list[dict[str, Any]]:
        rows = []
        for number, line in enumerate(_lines(self.cleaned_data["success_criteria"]), start=1):
            parts = [part.strip() for part in line.split("|")]
            if len(parts) != 4 or parts[1].lower() not in self.COMPARISONS:
                raise forms.ValidationError(
                    f"Line {number}: write metric | at least | target | unit."
                )
            rows.append(
                {
                    "metric": parts[0],
                    "comparison": self.COMPARISONS[parts[1].lower()],
                    "target": parts[2],
                    "unit": parts[3],
                }
            )
        return rows

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
