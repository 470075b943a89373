"""Projects services: what each role may change, and the trail each change leaves."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import OrganizationMembership, ProjectMembership
from audit.models import AuditEvent
from projects import services
from projects.models import Project

pytestmark = pytest.mark.django_db

ProjectRole = ProjectMembership.Role


def test_project_create_makes_the_creator_manager_and_audits(org, org_member):
    member = org_member(OrganizationMembership.Role.MEMBER)

    project = services.project_create(
        actor=member, organization=org, name="  Support chatbot ", description="RAG over FAQ"
    )

    assert (project.name, project.phase, project.owner) == ("Support chatbot", "scope", member)
    assert ProjectMembership.objects.get(project=project, user=member).role == "manager"
    created = AuditEvent.objects.get(action="project.created")
    assert (created.actor, created.project, created.organization) == (member, project, org)
    assert created.data["name"] == "Support chatbot"
    assert AuditEvent.objects.filter(action="project_membership.created").count() == 1


def test_project_names_are_unique_per_organisation_case_insensitively(project, manager):
    with pytest.raises(ValidationError, match="already exists"):
        services.project_create(
            actor=manager, organization=project.organization, name=project.name.upper()
        )
    assert Project.objects.count() == 1


def test_outsider_cannot_create_in_another_organisation(org, outsider):
    with pytest.raises(PermissionDenied):
        services.project_create(actor=outsider, organization=org, name="Sneaky")
    assert Project.objects.count() == 0
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (ProjectRole.MANAGER, True),
        (ProjectRole.CONTRIBUTOR, False),
        (ProjectRole.REVIEWER, False),
        (ProjectRole.VIEWER, False),
    ],
)
def test_who_may_update_a_project(project, project_member, role, allowed):
    user = project_member(project, role)
    if allowed:
        services.project_update(actor=user, project=project, status="on_hold")
        assert Project.objects.get(pk=project.pk).status == "on_hold"
        event = AuditEvent.objects.get(action="project.updated")
        assert event.data == {"status": {"old": "active", "new": "on_hold"}}
    else:
        with pytest.raises(PermissionDenied):
            services.project_update(actor=user, project=project, status="on_hold")
        assert Project.objects.get(pk=project.pk).status == "active"
        assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize(
    "changes",
    [
        {"name": "x" * 161},
        {"name": "   "},
        {"status": "deleted"},
        {"phase": "operate"},  # phases move through gates only
        {"organization": None},
    ],
)
def test_bad_updates_are_refused_and_change_nothing(project, manager, changes):
    with pytest.raises(ValidationError):
        services.project_update(actor=manager, project=project, **changes)
    fresh = Project.objects.get(pk=project.pk)
    assert (fresh.name, fresh.status, fresh.phase) == ("Claims assistant", "active", "scope")
    assert AuditEvent.objects.count() == 0


def test_an_update_that_changes_nothing_writes_no_event(project, manager):
    services.project_update(actor=manager, project=project, name=project.name)
    assert AuditEvent.objects.count() == 0


def test_members_come_from_the_organisation_only(project, manager, outsider, org_member):
    with pytest.raises(ValidationError, match="organisation"):
        services.project_member_add(
            actor=manager, project=project, user=outsider, role=ProjectRole.VIEWER
        )
    colleague = org_member()
    membership = services.project_member_add(
        actor=manager, project=project, user=colleague, role=ProjectRole.REVIEWER
    )
    assert membership.role == "reviewer"
    with pytest.raises(ValidationError, match="already on the project"):
        services.project_member_add(
            actor=manager, project=project, user=colleague, role=ProjectRole.VIEWER
        )


def test_the_last_manager_stays(project, manager):
    membership = ProjectMembership.objects.get(project=project, user=manager)
    with pytest.raises(ValidationError, match="at least one manager"):
        services.project_member_change_role(
            actor=manager, membership=membership, role=ProjectRole.VIEWER
        )
    with pytest.raises(ValidationError, match="at least one manager"):
        services.project_member_remove(actor=manager, membership=membership)
    assert ProjectMembership.objects.get(pk=membership.pk).role == "manager"


def test_org_admin_manages_members_of_any_project(project, admin, org_member):
    colleague = org_member()
    membership = services.project_member_add(
        actor=admin, project=project, user=colleague, role=ProjectRole.CONTRIBUTOR
    )
    services.project_member_change_role(
        actor=admin, membership=membership, role=ProjectRole.MANAGER
    )
    services.project_member_remove(actor=admin, membership=membership)
    assert list(
        AuditEvent.objects.filter(project=project)
        .order_by("sequence")
        .values_list("action", flat=True)
    ) == [
        "project_membership.created",
        "project_membership.role_changed",
        "project_membership.removed",
    ]


def test_setting_the_same_role_writes_nothing(project, manager, project_member):
    viewer = project_member(project, ProjectRole.VIEWER)
    membership = ProjectMembership.objects.get(project=project, user=viewer)
    services.project_member_change_role(actor=manager, membership=membership, role="viewer")
    assert AuditEvent.objects.count() == 0
