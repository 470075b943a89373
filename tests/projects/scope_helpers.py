"""Builders that put a project's Scope phase into a known state through the services."""

from collections.abc import Callable
from datetime import date

from accounts.models import ProjectMembership, User
from projects import services
from projects.models import FeasibilityStudy, Project, ScopeVersion

GO_STUDY = {
    "technology_rating": "feasible",
    "data_rating": "with_effort",
    "legal_rating": "feasible",
    "budget_rating": "feasible",
    "verdict": "go",
    "currency": "EUR",
    "estimated_cost": "120000.00",
    "budget_available": "150000.00",
}


def approved_scope(project: Project, author, reviewer) -> ScopeVersion:
    version = services.scope_version_create(
        actor=author,
        project=project,
        goals="Cut claims triage time by half.",
        timeline_start=date(2027, 1, 4),
        timeline_end=date(2027, 6, 30),
        milestones=[
            {"title": "Pilot", "due_date": date(2027, 3, 1)},
            {"title": "Go-live", "due_date": date(2027, 6, 1)},
        ],
        success_criteria=[
            {"metric": "Median triage time", "comparison": "lte", "target": "4", "unit": "hours"}
        ],
    )
    services.scope_version_submit(actor=author, version=version)
    return services.scope_version_approve(actor=reviewer, version=version, comment="Clear.")


def study_author(project: Project):
    """A contributor who writes the project's studies: their author never signs them off."""
    from tests.factories import OrganizationMembershipFactory, ProjectMembershipFactory, UserFactory

    author = UserFactory()
    OrganizationMembershipFactory(organization=project.organization, user=author)
    ProjectMembershipFactory(project=project, user=author, role=ProjectMembership.Role.CONTRIBUTOR)
    return author


def go_feasibility(project: Project, manager) -> FeasibilityStudy:
    study = services.feasibility_create(actor=study_author(project), project=project, **GO_STUDY)
    return services.feasibility_sign_off(actor=manager, study=study)


def assessed_risk(project: Project, manager, **overrides):
    fields = {"likelihood": 2, "impact": 3, "owner": manager} | overrides
    return services.risk_create_from_library(
        actor=manager, project=project, library_ref="owasp-llm:LLM01", **fields
    )


def reviewer_for(project: Project, project_member: Callable[..., User]) -> User:
    return project_member(project, ProjectMembership.Role.REVIEWER)


def held_workshop(project: Project, manager):
    """A stakeholder workshop recorded as held (the stakeholders app's gate criterion)."""
    from datetime import timedelta

    from django.utils import timezone

    from stakeholders import services as stakeholder_services
    from stakeholders.models import Workshop

    person = stakeholder_services.stakeholder_create(
        actor=manager,
        organization=project.organization,
        name="Dana Claims",
        email=f"dana.{project.pk.hex[:6]}@example.com",
        kind="end_user",
    )
    stakeholder_services.stakeholder_link(actor=manager, project=project, stakeholder=person)
    workshop = stakeholder_services.workshop_schedule(
        actor=manager,
        project=project,
        stakeholders=[person.pk],
        title="Expectations workshop",
        starts_at=timezone.now() - timedelta(days=1),
        time_zone="Europe/Paris",
    )
    stakeholder_services.workshop_record_outcome(
        actor=manager, workshop=workshop, minutes="Agreed on scope.", attended=[person.pk]
    )
    return Workshop.objects.get(pk=workshop.pk)
