"""The portfolio dashboard: the panel registry, what each role sees, and the lists behind
every figure."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from models_registry.models import Incident
from projects import services as project_services
from projects.dashboard import PanelRegistry, panels
from tests.factories import ProjectFactory, ProjectMembershipFactory

pytestmark = pytest.mark.django_db


def _risk(project, actor, likelihood=3, impact=4):
    return project_services.risk_create_from_library(
        actor=actor,
        project=project,
        library_ref="owasp-llm:LLM02",
        likelihood=likelihood,
        impact=impact,
        owner=actor,
    )


def _managed(org, manager, name, **fields):
    project = ProjectFactory(organization=org, owner=manager, name=name, **fields)
    ProjectMembershipFactory(project=project, user=manager, role="manager")
    return project


def _figure(body, label):
    """The number in the link whose aria-label (or text) names `label`."""
    match = re.search(r'aria-label="(\d+) [^"]*' + re.escape(label), body)
    assert match, label
    return int(match.group(1))


def test_sign_in_lands_on_the_dashboard(client, manager):
    client.force_login(manager)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>Portfolio of Acme Insurance</h1>" in body
    assert f'href="{reverse("projects:project-list")}"' in body  # the nav keeps the list


def test_a_new_organisation_is_invited_to_create_its_first_project(client, admin):
    client.force_login(admin)
    body = client.get(reverse("home")).content.decode()
    assert "Create the first project" in body
    assert 'class="card panel' not in body


def test_an_app_registering_a_panel_makes_it_appear_and_a_panel_that_does_not_apply_is_hidden(
    client, manager
):
    def shown(user, organization):
        return {"greeting": "hello"}

    def hidden(user, organization):
        return None

    panels.register(
        key="test_shown",
        title="Shown panel",
        template="projects/panels/overdue_tasks.html",
        order=1,
    )(shown)
    panels.register(
        key="test_hidden",
        title="Hidden panel",
        template="projects/panels/overdue_tasks.html",
        order=2,
    )(hidden)
    try:
        client.force_login(manager)
        body = client.get(reverse("home")).content.decode()
    finally:
        panels.unregister("test_shown")
        panels.unregister("test_hidden")
    assert "Shown panel" in body
    assert "Hidden panel" not in body
    assert body.index("Shown panel") < body.index("Projects by phase")  # order decides


def test_registry_orders_panels_and_replaces_a_key_registered_again():
    registry = PanelRegistry()
    registry.register(key="b", title="B", template="t", order=20)(lambda u, o: {})
    registry.register(key="a", title="A", template="t", order=10)(lambda u, o: {})
    registry.register(key="b", title="B2", template="t", order=5)(lambda u, o: {})
    assert [p.title for p in registry.panels()] == ["B2", "A"]


def test_the_installed_apps_register_their_panels():
    keys = [p.key for p in panels.panels()]
    assert keys == [
        "pipeline",
        "heat_map",
        "overdue_tasks",
        "compliance",
        "engagement",
        "operations",
    ]


def test_a_member_sees_only_their_projects_and_never_another_organisation(
    client, org, project, manager, project_member, org_member, outsider
):
    other_org = outsider.org_memberships.get().organization
    foreign = ProjectFactory(organization=other_org, name="Globex secret")
    _risk(foreign, outsider, 5, 5)
    unseen = _managed(org, manager, "Not mine")
    _risk(unseen, manager, 1, 1)
    _risk(project, manager, 3, 4)
    viewer = project_member(project, "viewer")

    client.force_login(viewer)
    body = client.get(reverse("home")).content.decode()
    assert "Claims assistant" in body
    assert "Not mine" not in body
    assert "Globex secret" not in body
    assert _figure(body, "in Scope") == 1
    assert _figure(body, "with likelihood 3 and impact 4") == 1
    assert _figure(body, "with likelihood 1 and impact 1") == 0
    assert _figure(body, "with likelihood 5 and impact 5") == 0


def test_an_admin_and_a_compliance_officer_see_the_whole_organisation(
    client, org, project, manager, admin, compliance_officer, outsider
):
    ProjectFactory(organization=org, name="Not mine", owner=manager)
    ProjectFactory(organization=outsider.org_memberships.get().organization, name="Globex secret")
    for user in (admin, compliance_officer):
        client.force_login(user)
        body = client.get(reverse("home")).content.decode()
        assert "Not mine" in body
        assert "Claims assistant" in body
        assert "Globex secret" not in body
        assert _figure(body, "in Scope") == 2


def test_each_figure_links_to_a_list_that_shows_that_count(client, org, project, manager):
    other = _managed(org, manager, "Second", phase="select")
    _risk(project, manager, 3, 4)
    _risk(other, manager, 2, 2)
    project_services.task_create(
        actor=manager,
        project=project,
        title="Write the brief",
        assignee=manager,
        due_date=timezone.localdate() - timedelta(days=2),
    )
    project_services.task_create(actor=manager, project=project, title="Later", assignee=manager)
    client.force_login(manager)
    body = client.get(reverse("home")).content.decode()

    rows = re.compile(r'<tr>\s*<td><a href="/projects/[0-9a-f-]+/">([^<]+)</a>')
    scope = client.get(reverse("projects:project-list") + "?phase=scope").content.decode()
    assert len(rows.findall(scope)) == _figure(body, "in Scope") == 1
    select = client.get(reverse("projects:project-list") + "?phase=select").content.decode()
    assert rows.findall(select) == ["Second"]

    cell = client.get(reverse("projects:project-list") + "?likelihood=3&impact=4").content.decode()
    assert rows.findall(cell) == ["Claims assistant"]
    assert _figure(body, "with likelihood 3 and impact 4") == 1

    assert 'href="/projects/my-work/?overdue=1"><span class="figure">1</span> task past due' in body
    overdue = client.get(reverse("projects:my-work") + "?overdue=1").content.decode()
    assert "Write the brief" in overdue
    assert "Later" not in overdue


def test_incidents_of_projects_the_member_cannot_see_never_reach_their_dashboard(
    client, org, project, manager, project_member, outsider
):
    foreign = ProjectFactory(organization=outsider.org_memberships.get().organization)
    unseen = _managed(org, manager, "Not mine")
    for target, title in ((project, "Mine"), (unseen, "Unseen"), (foreign, "Foreign")):
        Incident.objects.create(
            project=target, title=f"{title} outage", severity="high", occurred_at=timezone.now()
        )
    client.force_login(project_member(project, "viewer"))
    body = client.get(reverse("home")).content.decode()
    assert "Mine outage" in body
    assert "Unseen outage" not in body
    assert "Foreign outage" not in body
    assert 'href="/incidents/?severity=high">1 high</a>' in body
    listed = client.get("/incidents/?severity=high").content.decode()
    assert "Mine outage" in listed
    assert "Unseen outage" not in listed
    assert "Foreign outage" not in listed
