"""Project pages of the foundation: list with filters, create, the project page with its
people, edit and audit — by role, with bad input, over htmx, and across organisations."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import ProjectMembership
from audit.models import AuditEvent
from audit.writer import audit_record
from projects.models import Project
from projects.services import project_create
from tests.factories import ProjectFactory
from tests.pages import found

pytestmark = pytest.mark.django_db

HTMX_TABLE = {"HX-Request": "true", "HX-Target": "project-table"}


def rows(body: str) -> list[str]:
    """Project names in the list's table, in order."""
    return re.findall(r'<td><a href="/projects/[0-9a-f-]{36}/">([^<]+)</a>', body)


# --- list -----------------------------------------------------------------------------------------


def test_list_shows_only_visible_projects_of_the_current_organisation(
    client, org, project, project_member, org_member, outsider
):
    ProjectFactory(organization=outsider.org_memberships.get().organization, name="Hidden")
    ProjectFactory(organization=org, name="Not mine")
    viewer = project_member(project, "viewer")
    client.force_login(viewer)
    body = client.get("/projects/").content.decode()
    assert f"<h1>Projects of {org.name}</h1>" in body
    assert rows(body) == ["Claims assistant"]

    client.force_login(org_member())  # a plain member on no project
    body = client.get("/projects/").content.decode()
    assert rows(body) == []
    assert "No projects yet." in body


def test_admins_and_officers_see_every_project_of_the_organisation(
    client, org, project, admin, compliance_officer
):
    ProjectFactory(organization=org, owner=admin, name="Another")
    for user in (admin, compliance_officer):
        client.force_login(user)
        assert rows(client.get("/projects/").content.decode()) == ["Another", "Claims assistant"]


def test_search_and_filters_answer_htmx_with_the_table_only(client, org, admin):
    ProjectFactory(organization=org, owner=admin, name="Support chatbot")
    ProjectFactory(organization=org, owner=admin, name="Underwriting summariser", status="on_hold")
    client.force_login(admin)

    response = client.get("/projects/?q=CHAT", headers=HTMX_TABLE)
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="project-table"')
    assert rows(body) == ["Support chatbot"]
    assert "<html" not in body
    assert response["Vary"].count("HX-Request") == 1

    full = client.get("/projects/?status=on_hold").content.decode()
    assert "<html" in full
    assert rows(full) == ["Underwriting summariser"]
    assert '<option value="on_hold" selected>On hold</option>' in full
    assert client.get("/projects/?phase=select").content.decode().count("No project matches") == 1


def test_the_filter_form_works_without_javascript_and_drives_htmx(client, admin):
    client.force_login(admin)
    body = client.get("/projects/").content.decode()
    form = found(r'<form method="get" action="/projects/"[^>]*>', body).group(0)
    assert 'hx-get="/projects/"' in form
    assert 'hx-target="#project-table"' in form
    assert 'hx-push-url="true"' in form
    assert "from:#id_q" in form
    assert '<input type="search" name="q" id="id_q"' in body


def test_bad_filter_values_list_everything_instead_of_failing(client, org, admin):
    ProjectFactory(organization=org, owner=admin, name="Alpha")
    client.force_login(admin)
    response = client.get("/projects/?phase=bogus&status=' OR 1=1&page=x")
    assert response.status_code == 200
    assert rows(response.content.decode()) == ["Alpha"]


def test_the_list_pages_by_25(client, org, admin):
    ProjectFactory.create_batch(30, organization=org, owner=admin)
    client.force_login(admin)
    first = client.get("/projects/").content.decode()
    assert len(rows(first)) == 25
    assert "Page 1 of 2" in first
    assert 'href="?page=2"' in first
    second = client.get("/projects/?page=2", headers=HTMX_TABLE).content.decode()
    assert len(rows(second)) == 5
    assert "<html" not in second
    filtered = client.get("/projects/?status=active").content.decode()
    assert 'href="?status=active&amp;page=2"' in filtered


def test_list_queries_do_not_grow_with_rows(client, org, admin, django_assert_max_num_queries):
    client.force_login(admin)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/projects/").status_code == 200
        return len(queries)

    ProjectFactory.create_batch(5, organization=org, owner=admin)
    with_five = count_queries()
    ProjectFactory.create_batch(45, organization=org, owner=admin)
    with_fifty = count_queries()
    assert with_five == with_fifty
    with django_assert_max_num_queries(with_five):
        client.get("/projects/")
    with django_assert_max_num_queries(12):
        client.get("/projects/")


# --- create ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "compliance_officer", "member"])
def test_every_organisation_role_may_create_a_project(client, org_member, role):
    client.force_login(org_member(role))
    page = client.get("/projects/new/")
    assert page.status_code == 200
    assert "<h1>New project in Acme Insurance</h1>" in page.content.decode()
    assert 'href="/projects/new/"' in client.get("/projects/").content.decode()


def test_create_project_and_bad_input(client, org, admin):
    client.force_login(admin)
    for data, message in (
        ({"name": "", "description": "x"}, "This field is required."),
        ({"name": "x" * 161}, "Ensure this value has at most 160 characters"),
    ):
        response = client.post("/projects/new/", data)
        assert response.status_code == 400
        assert message in response.content.decode()
    assert (Project.objects.count(), AuditEvent.objects.count()) == (0, 0)

    response = client.post(
        "/projects/new/", {"name": "Contract finder", "description": "Find clauses."}
    )
    project = Project.objects.get()
    assert response["Location"] == f"/projects/{project.pk}/"
    assert (project.owner, project.phase) == (admin, "scope")
    assert ProjectMembership.objects.get(project=project).role == "manager"
    assert AuditEvent.objects.filter(action="project.created", project=project).count() == 1

    events = AuditEvent.objects.count()
    clash = client.post("/projects/new/", {"name": "contract FINDER"})
    assert clash.status_code == 400
    assert "A project with this name already exists" in clash.content.decode()
    assert (Project.objects.count(), AuditEvent.objects.count()) == (1, events)


# --- the project page -------------------------------------------------------------------------


ROLE_MATRIX = [
    # project role, may manage
    ("manager", True),
    ("contributor", False),
    ("reviewer", False),
    ("viewer", False),
]


@pytest.mark.parametrize(("role", "may_manage"), ROLE_MATRIX)
def test_project_pages_by_role(client, project, project_member, role, may_manage):
    user = project.owner if role == "manager" else project_member(project, role)
    client.force_login(user)
    page = client.get(f"/projects/{project.pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "<h1>Claims assistant</h1>" in body
    assert 'aria-current="step">Scope</li>' in body
    assert (f'action="/projects/{project.pk}/members/"' in body) is may_manage
    assert client.get(f"/projects/{project.pk}/audit/").status_code == 200
    assert client.get(f"/projects/{project.pk}/edit/").status_code == (200 if may_manage else 403)

    edit = client.post(f"/projects/{project.pk}/edit/", {"name": "Renamed", "status": "active"})
    assert edit.status_code == (302 if may_manage else 403)
    assert Project.objects.get(pk=project.pk).name == (
        "Renamed" if may_manage else "Claims assistant"
    )


@pytest.mark.parametrize(("role", "may_manage"), [("admin", True), ("compliance_officer", False)])
def test_organisation_roles_see_every_project(
    client, project, admin, compliance_officer, role, may_manage
):
    client.force_login(admin if role == "admin" else compliance_officer)
    assert client.get(f"/projects/{project.pk}/").status_code == 200
    assert client.get(f"/projects/{project.pk}/edit/").status_code == (200 if may_manage else 403)


def test_a_member_not_on_the_project_gets_404(client, project, org_member):
    client.force_login(org_member())
    for url in (f"/projects/{project.pk}/", f"/projects/{project.pk}/audit/"):
        assert client.get(url).status_code == 404, url


def test_edit_with_bad_input_changes_nothing(client, project):
    client.force_login(project.owner)
    response = client.post(f"/projects/{project.pk}/edit/", {"name": "", "status": "sleeping"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "This field is required." in body
    assert "Select a valid choice." in body
    assert Project.objects.get(pk=project.pk).name == "Claims assistant"
    assert AuditEvent.objects.count() == 0


def test_outsider_gets_404_on_every_project_page(client, project, outsider):
    membership = project.memberships.get()
    client.force_login(outsider)
    for method, url in [
        ("get", f"/projects/{project.pk}/"),
        ("get", f"/projects/{project.pk}/edit/"),
        ("post", f"/projects/{project.pk}/edit/"),
        ("get", f"/projects/{project.pk}/audit/"),
        ("post", f"/projects/{project.pk}/members/"),
        ("post", f"/projects/{project.pk}/members/{membership.pk}/role/"),
        ("post", f"/projects/{project.pk}/members/{membership.pk}/remove/"),
        ("get", "/projects/not-a-uuid/"),
    ]:
        assert getattr(client, method)(url).status_code == 404, url
    assert ProjectMembership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.count() == 0


def test_a_membership_of_another_project_is_404(client, org, project, admin):
    other = project_create(actor=admin, organization=org, name="Other")
    their_membership = other.memberships.get()
    client.force_login(project.owner)
    url = f"/projects/{project.pk}/members/{their_membership.pk}/role/"
    assert client.post(url, {"role": "viewer"}).status_code == 404
    assert ProjectMembership.objects.get(pk=their_membership.pk).role == "manager"


def test_manager_adds_changes_and_removes_a_member(client, project, org_member):
    colleague = org_member(full_name="Cora Colleague")
    client.force_login(project.owner)
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert f'<option value="{colleague.pk}">{colleague.email}</option>' in page

    added = client.post(
        f"/projects/{project.pk}/members/", {"user": str(colleague.pk), "role": "reviewer"}
    )
    assert added["Location"] == f"/projects/{project.pk}/"
    membership = ProjectMembership.objects.get(project=project, user=colleague)
    assert membership.role == "reviewer"
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert "Cora Colleague joined the project." in page
    assert f'<option value="{colleague.pk}">' not in page  # no longer a candidate

    client.post(f"/projects/{project.pk}/members/{membership.pk}/role/", {"role": "contributor"})
    assert ProjectMembership.objects.get(pk=membership.pk).role == "contributor"
    client.post(f"/projects/{project.pk}/members/{membership.pk}/remove/")
    assert not ProjectMembership.objects.filter(pk=membership.pk).exists()
    assert list(
        AuditEvent.objects.filter(project=project)
        .order_by("sequence")
        .values_list("action", flat=True)
    ) == [
        "project_membership.created",
        "project_membership.role_changed",
        "project_membership.removed",
    ]


def test_bad_member_input_changes_nothing(client, project, org_member, outsider):
    colleague = org_member()
    client.force_login(project.owner)
    for data in (
        {"user": "not-a-member", "role": "viewer"},
        {"user": str(outsider.pk), "role": "viewer"},  # not of this organisation
        {"user": str(colleague.pk), "role": "owner"},
    ):
        response = client.post(f"/projects/{project.pk}/members/", data)
        assert response.status_code == 400, data
        assert "Select a valid choice." in response.content.decode()
    already = client.post(
        f"/projects/{project.pk}/members/", {"user": str(project.owner.pk), "role": "viewer"}
    )
    assert already.status_code == 400  # people on the project are not offered again
    assert "Select a valid choice." in already.content.decode()
    owner_membership = project.memberships.get()
    last_manager = client.post(
        f"/projects/{project.pk}/members/{owner_membership.pk}/role/",
        {"role": "viewer"},
        follow=True,
    )
    assert "A project must keep at least one manager." in last_manager.content.decode()
    assert ProjectMembership.objects.get(pk=owner_membership.pk).role == "manager"
    assert ProjectMembership.objects.filter(project=project).count() == 1
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize("role", ["contributor", "reviewer", "viewer"])
def test_non_managers_get_403_on_member_actions(client, project, project_member, role):
    user = project_member(project, role)
    own = ProjectMembership.objects.get(project=project, user=user)
    client.force_login(user)
    assert (
        client.post(
            f"/projects/{project.pk}/members/", {"user": str(user.pk), "role": "manager"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/projects/{project.pk}/members/{own.pk}/role/", {"role": "manager"}
        ).status_code
        == 403
    )
    assert client.post(f"/projects/{project.pk}/members/{own.pk}/remove/").status_code == 403
    assert ProjectMembership.objects.get(pk=own.pk).role == role
    assert AuditEvent.objects.count() == 0


def test_project_audit_lists_the_projects_events_only(client, org, project, admin):
    other = ProjectFactory(organization=org, owner=admin, name="Elsewhere")
    audit_record(actor=admin, action="project.updated", target=project, project=project)
    audit_record(actor=admin, action="project.phase_changed", target=other, project=other)
    client.force_login(project.owner)
    body = client.get(f"/projects/{project.pk}/audit/").content.decode()
    assert "<code>project.updated</code>" in body
    assert "project.phase_changed" not in body


def test_list_filters_by_owner_and_risk_tier(client, org, admin, org_member):
    other_owner = org_member()
    ProjectFactory(organization=org, owner=admin, name="Mine, high", risk_tier="high")
    ProjectFactory(organization=org, owner=other_owner, name="Theirs, limited", risk_tier="limited")
    client.force_login(admin)

    by_tier = client.get("/projects/?risk_tier=high").content.decode()
    assert "Mine, high" in by_tier
    assert "Theirs, limited" not in by_tier
    by_owner = client.get(f"/projects/?owner={other_owner.pk}").content.decode()
    assert "Theirs, limited" in by_owner
    assert "Mine, high" not in by_owner
    assert client.get("/projects/?owner=not-a-uuid").status_code == 200  # ignored, not a 500
