"""Forms of the projects pages."""

from typing import Any

from django import forms

from accounts.models import ProjectMembership
from core.forms import choice_field
from projects.models import Project

PHASE_FILTER = [("", "Any phase"), *Project.Phase.choices]
STATUS_FILTER = [("", "Any status"), *Project.Status.choices]
RISK_TIER_FILTER = [("", "Any risk tier"), *Project.RiskTier.choices]


class ProjectFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Search")
    phase = forms.ChoiceField(required=False, choices=PHASE_FILTER)
    status = forms.ChoiceField(required=False, choices=STATUS_FILTER)
    risk_tier = forms.ChoiceField(required=False, choices=RISK_TIER_FILTER, label="Risk tier")
    owner = forms.ChoiceField(required=False, label="Owner")
    # A cell of the dashboard's combined heat map: projects with an open risk there.
    likelihood = forms.IntegerField(required=False, min_value=1, max_value=5)
    impact = forms.IntegerField(required=False, min_value=1, max_value=5)

    def __init__(self, *args: Any, owners: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "owner").choices = [("", "Anyone"), *owners]


class ProjectForm(forms.Form):
    name = forms.CharField(max_length=160)
    description = forms.CharField(widget=forms.Textarea, required=False, max_length=5000)


class ProjectEditForm(ProjectForm):
    status = forms.ChoiceField(choices=Project.Status.choices)
    problem_statement = forms.CharField(widget=forms.Textarea, required=False, max_length=5000)
    end_users = forms.CharField(widget=forms.Textarea, required=False, max_length=2000)
    business_goals = forms.CharField(widget=forms.Textarea, required=False, max_length=5000)
    intended_purpose = forms.CharField(widget=forms.Textarea, required=False, max_length=5000)


class ProjectMemberForm(forms.Form):
    """Add a member of the organisation who is not on the project yet (`candidates`)."""

    user = forms.ChoiceField(label="Person")
    role = forms.ChoiceField(
        choices=ProjectMembership.Role.choices, initial=ProjectMembership.Role.VIEWER
    )

    def __init__(self, *args: Any, candidates: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # An explicit empty first option: nobody gets added by an unnoticed default.
        empty = "Choose someone…" if candidates else "Everyone here is on the project already"
        choice_field(self, "user").choices = [("", empty), *candidates]


class ProjectRoleForm(forms.Form):
    role = forms.ChoiceField(choices=ProjectMembership.Role.choices)
