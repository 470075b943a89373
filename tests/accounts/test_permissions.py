"""The one permission policy: each role's grants, and nothing across organisations."""

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import OrganizationMembership, ProjectMembership
from accounts.permissions import (
    OWN_VERSION,
    RULES,
    SYSTEM,
    SYSTEM_RULES,
    Decision,
    Perm,
    Rule,
    audit_events_visible_to,
    can,
    can_see,
    decide,
    forget_roles,
    perms_for,
    projects_visible_to,
    require,
    users_who_can_see,
    visible,
)
from audit.writer import audit_record
from projects import services
from projects.models import Project, Task
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

OrgRole = OrganizationMembership.Role
ProjectRole = ProjectMembership.Role

P = Perm
PROJECT_PERMS_BY_PROJECT_ROLE = {
    ProjectRole.MANAGER: {P.PROJECT_VIEW, P.PROJECT_CONTRIBUTE, P.PROJECT_REVIEW, P.PROJECT_MANAGE},
    ProjectRole.CONTRIBUTOR: {P.PROJECT_VIEW, P.PROJECT_CONTRIBUTE},
    ProjectRole.REVIEWER: {P.PROJECT_VIEW, P.PROJECT_REVIEW},
    ProjectRole.VIEWER: {P.PROJECT_VIEW},
}


@pytest.mark.parametrize(("role", "expected"), PROJECT_PERMS_BY_PROJECT_ROLE.items())
def test_project_role_grants(project, project_member, role, expected):
    user = project_member(project, role)
    assert perms_for(user, project) == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (OrgRole.ADMIN, {P.PROJECT_VIEW, P.PROJECT_CONTRIBUTE, P.PROJECT_MANAGE}),
        (
            OrgRole.COMPLIANCE_OFFICER,
            {P.PROJECT_VIEW, P.PROJECT_REVIEW, P.PROJECT_APPROVE_COMPLIANCE},
        ),
        (OrgRole.MEMBER, set()),
    ],
)
def test_organisation_role_grants_on_every_project(project, org_member, role, expected):
    user = org_member(role)
    assert perms_for(user, project) == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (
            OrgRole.ADMIN,
            {
                P.ORG_VIEW,
                P.ORG_MANAGE,
                P.PROJECT_CREATE,
                P.AUDIT_VIEW_ORG,
                P.INTAKE_TRIAGE,
                P.CATALOGUE_MANAGE,
                P.VENDOR_ASSESS,
                P.COMPLIANCE_MANAGE,
                P.LITERACY_MANAGE,
                P.PRIVACY_MANAGE,
                P.CONSENT_MANAGE,
            },
        ),
        (
            OrgRole.COMPLIANCE_OFFICER,
            {
                P.ORG_VIEW,
                P.PROJECT_CREATE,
                P.AUDIT_VIEW_ORG,
                P.INTAKE_TRIAGE,
                P.VENDOR_ASSESS,
                P.COMPLIANCE_MANAGE,
                P.LITERACY_MANAGE,
                P.PRIVACY_MANAGE,
                P.CONSENT_MANAGE,
            },
        ),
        (OrgRole.MEMBER, {P.ORG_VIEW, P.PROJECT_CREATE}),
    ],
)
def test_organisation_role_grants_on_the_organisation(org, org_member, role, expected):
    assert perms_for(org_member(role), org) == expected


def test_project_manager_and_compliance_officer_roles_add_up(project, org_member):
    user = org_member(OrgRole.COMPLIANCE_OFFICER)
    ProjectMembership.objects.create(project=project, user=user, role=ProjectRole.CONTRIBUTOR)
    assert can(user, P.PROJECT_CONTRIBUTE, project)
    assert can(user, P.PROJECT_APPROVE_COMPLIANCE, project)


def test_an_outsider_has_nothing_and_sees_nothing(project, org, outsider):
    assert perms_for(outsider, project) == frozenset()
    assert perms_for(outsider, org) == frozenset()
    assert not can_see(outsider, project)
    assert not projects_visible_to(outsider).filter(pk=project.pk).exists()
    assert not visible(outsider, type(org)).filter(pk=org.pk).exists()


def test_a_project_role_without_organisation_membership_grants_nothing(project, outsider):
    """A stale project role (member removed from the org) must not leak the project."""
    ProjectMembership.objects.create(project=project, user=outsider, role=ProjectRole.MANAGER)
    assert perms_for(outsider, project) == frozenset()
    assert not projects_visible_to(outsider).filter(pk=project.pk).exists()


def test_members_see_only_their_projects_admins_and_officers_see_all(
    org, project, project_member, admin, compliance_officer, org_member
):
    other = ProjectFactory(organization=org, owner=admin)
    viewer = project_member(project, ProjectRole.VIEWER)
    plain_member = org_member(OrgRole.MEMBER)

    assert set(projects_visible_to(viewer)) == {project}
    assert set(projects_visible_to(plain_member)) == set()
    assert set(projects_visible_to(admin)) == {project, other}
    assert set(projects_visible_to(compliance_officer)) == {project, other}


def test_anonymous_and_inactive_users_get_nothing(project, manager):
    from django.contrib.auth.models import AnonymousUser

    assert perms_for(AnonymousUser(), project) == frozenset()
    assert projects_visible_to(AnonymousUser()).count() == 0
    manager.is_active = False
    assert perms_for(manager, project) == frozenset()
    assert projects_visible_to(manager).count() == 0


def test_audit_events_visible_by_role(org, project, admin, compliance_officer, project_member):
    org_event = audit_record(actor=admin, action="organization.renamed", target=org)
    project_event = audit_record(
        actor=admin, action="project.updated", target=project, project=project
    )
    viewer = project_member(project, ProjectRole.VIEWER)

    assert set(audit_events_visible_to(admin)) == {org_event, project_event}
    assert set(audit_events_visible_to(compliance_officer)) == {org_event, project_event}
    assert set(audit_events_visible_to(viewer)) == {project_event}


def test_roles_are_read_once_per_user_object(project, manager, django_assert_num_queries):
    fresh = type(manager).objects.get(pk=manager.pk)
    with django_assert_num_queries(2):  # organisation roles, then this project's role
        for _ in range(10):
            assert can(fresh, P.PROJECT_MANAGE, project)
            assert can(fresh, P.ORG_VIEW, project.organization)


def test_visible_follows_a_declared_project_path(project, project_member, outsider):
    """Models below projects declare `policy_project_path`; visible() filters through it."""
    viewer = project_member(project, ProjectRole.VIEWER)
    memberships = visible(viewer, ProjectMembership)
    assert set(memberships.values_list("project_id", flat=True)) == {project.pk}
    assert visible(outsider, ProjectMembership).count() == 0
    assert Project.objects.count() == 1


# --- object-level rules, the system actor, who can see an object ------------------------------


def test_users_who_can_see_a_project_follow_can_see(
    project, manager, project_member, admin, compliance_officer, org_member, outsider
):
    viewer = project_member(project, ProjectRole.VIEWER)
    stranger = org_member(OrgRole.MEMBER)  # in the organisation, not on the project
    gone = project_member(project, ProjectRole.VIEWER)
    gone.is_active = False
    gone.save(update_fields=["is_active"])

    people = set(users_who_can_see(project))

    assert people == {manager, viewer, admin, compliance_officer}
    everyone = [manager, viewer, admin, compliance_officer, stranger, gone, outsider]
    assert {u for u in everyone if can_see(u, project)} == people
    assert stranger in set(users_who_can_see(project.organization))
    assert outsider not in set(users_who_can_see(project.organization))


def test_users_who_can_see_is_one_query(project, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(users_who_can_see(project))


def test_the_system_actor_holds_no_role_and_only_the_listed_rules(project, manager):
    task = Task.objects.create(project=project, title="Check", assignee=None)

    assert perms_for(SYSTEM, project) == frozenset()
    assert not any(can(SYSTEM, perm, project) for perm in Perm)
    assert not can(SYSTEM, Rule.TASK_MOVE, task)
    assert not can(SYSTEM, Rule.TASK_CREATE, project)
    assert {Rule.FEEDBACK_ROUND_CLOSE, Rule.EVIDENCE_EXPIRE} == SYSTEM_RULES
    with pytest.raises(PermissionDenied):
        require(SYSTEM, Perm.PROJECT_CONTRIBUTE, project)


def test_an_assignee_moves_their_task_only_while_they_see_the_project(project, project_member):
    assignee = project_member(project, ProjectRole.VIEWER)
    task = Task.objects.create(project=project, title="Check", assignee=assignee)
    assert decide(assignee, Rule.TASK_MOVE, task) == Decision(True)
    assert not can(assignee, Perm.PROJECT_CONTRIBUTE, task)

    ProjectMembership.objects.filter(project=project, user=assignee).delete()
    forget_roles(assignee)

    assert decide(assignee, Rule.TASK_MOVE, task) == Decision(False)


def test_every_rule_is_decided_by_the_policy():
    assert set(RULES) == set(Rule)


def test_an_author_may_not_decide_their_own_scope_version(project, manager, project_member):
    reviewer = project_member(project, ProjectRole.REVIEWER)
    version = services.scope_version_create(actor=manager, project=project, goals="G")

    assert decide(manager, Rule.SCOPE_VERSION_DECIDE, version) == Decision(False, OWN_VERSION)
    assert decide(reviewer, Rule.SCOPE_VERSION_DECIDE, version) == Decision(True)
