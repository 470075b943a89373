"""Project pages: list with filters, create, detail, edit, members, audit — roles and isolation."""

import pytest

from accounts.models import ProjectMembership
from audit.models import AuditEvent
from projects.models import Project
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_list_shows_only_visible_projects_of_the_current_organisation(
    client, org, project, project_member, org_member, outsider
):
    ProjectFactory(organization=outsider.org_memberships.get().organization, name="Hidden")
    viewer = project_member(project, "viewer")
    client.force_login(viewer)
    body = client.get("/projects/").content.decode()
    assert "Claims assistant" in body
    assert "Hidden" not in body

    client.force_login(org_member())  # a plain member on no project
    assert "Claims assistant" not in client.get("/projects/").content.decode()


def test_search_and_filters_answer_htmx_with_the_table_only(client, org, admin):
    ProjectFactory(organization=org, owner=admin, name="Support chatbot")
    ProjectFactory(organization=org, owner=admin, name="Underwriting summariser", status="on_hold")
    client.force_login(admin)

    response = client.get(
        "/projects/?q=chat", headers={"HX-Request": "true", "HX-Target": "project-table"}
    )
    body = response.content.decode()
    assert "Support chatbot" in body
    assert "Underwriting" not in body
    assert "<html" not in body
    assert response["Vary"].count("HX-Request") == 1
    full = client.get("/projects/?status=on_hold").content.decode()
    assert "<html" in full
    assert "Underwriting summariser" in full
    assert "Support chatbot" not in full


@pytest.mark.parametrize("rows", [5, 50])
def test_list_queries_do_not_grow(client, org, admin, rows, django_assert_max_num_queries):
    ProjectFactory.create_batch(rows, organization=org, owner=admin)
    client.force_login(admin)
    with django_assert_max_num_queries(12):
        assert client.get("/projects/").status_code == 200


def test_create_project_and_bad_input(client, org, admin):
    client.force_login(admin)
    assert client.post("/projects/new/", {"name": "", "description": "x"}).status_code == 400
    assert client.post("/projects/new/", {"name": "x" * 161}).status_code == 400
    assert Project.objects.count() == 0
    response = client.post(
        "/projects/new/", {"name": "Contract finder", "description": "Find clauses."}
    )
    project = Project.objects.get()
    assert response["Location"] == f"/projects/{project.pk}/"
    assert client.post("/projects/new/", {"name": "contract FINDER"}).status_code == 400


ROLE_MATRIX = [
    # role, may view, may manage
    ("manager", True, True),
    ("contributor", True, False),
    ("reviewer", True, False),
    ("viewer", True, False),
]


@pytest.mark.parametrize(("role", "may_view", "may_manage"), ROLE_MATRIX)
def test_project_pages_by_role(client, project, project_member, role, may_view, may_manage):
    user = project.owner if role == "manager" else project_member(project, role)
    client.force_login(user)
    assert client.get(f"/projects/{project.pk}/").status_code == (200 if may_view else 404)
    assert client.get(f"/projects/{project.pk}/audit/").status_code == 200
    edit = client.post(f"/projects/{project.pk}/edit/", {"name": "Renamed", "status": "active"})
    assert edit.status_code == (302 if may_manage else 403)
    assert Project.objects.get(pk=project.pk).name == (
        "Renamed" if may_manage else "Claims assistant"
    )


def test_outsider_gets_404_on_every_project_page(client, project, outsider):
    membership = project.memberships.get()
    client.force_login(outsider)
    for method, url in [
        ("get", f"/projects/{project.pk}/"),
        ("get", f"/projects/{project.pk}/edit/"),
        ("get", f"/projects/{project.pk}/audit/"),
        ("post", f"/projects/{project.pk}/members/"),
        ("post", f"/projects/{project.pk}/members/{membership.pk}/role/"),
        ("post", f"/projects/{project.pk}/members/{membership.pk}/remove/"),
    ]:
        assert getattr(client, method)(url).status_code == 404, url
    assert ProjectMembership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.count() == 0


def test_manager_adds_changes_and_removes_a_member(client, project, org_member):
    colleague = org_member()
    client.force_login(project.owner)
    added = client.post(
        f"/projects/{project.pk}/members/", {"user": str(colleague.pk), "role": "reviewer"}
    )
    assert added.status_code == 302
    membership = ProjectMembership.objects.get(project=project, user=colleague)
    client.post(f"/projects/{project.pk}/members/{membership.pk}/role/", {"role": "contributor"})
    assert ProjectMembership.objects.get(pk=membership.pk).role == "contributor"
    client.post(f"/projects/{project.pk}/members/{membership.pk}/remove/")
    assert not ProjectMembership.objects.filter(pk=membership.pk).exists()
    bad = client.post(
        f"/projects/{project.pk}/members/", {"user": "not-a-member", "role": "viewer"}
    )
    assert bad.status_code == 400
