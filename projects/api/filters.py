"""Query-string filters of the projects API (django-filter): validated, documented, applied
to the policy-scoped queryset."""

from django_filters import rest_framework as filters

from projects.models import Project


class ProjectFilter(filters.FilterSet):
    organization = filters.UUIDFilter(field_name="organization_id", help_text="Organisation id.")
    phase = filters.ChoiceFilter(choices=Project.Phase.choices)
    status = filters.ChoiceFilter(choices=Project.Status.choices)
    owner = filters.UUIDFilter(field_name="owner_id", help_text="Owner's user id.")
    risk_tier = filters.ChoiceFilter(choices=Project.RiskTier.choices, help_text="EU AI Act tier.")

    class Meta:
        model = Project
        fields = ("organization", "phase", "status", "owner", "risk_tier")
