"""The projects REST API: list with filters, search and ordering; create, read, update (no
delete); project members; role matrices, isolation between organisations, bad input and query
budgets."""

import uuid

import pytest

from accounts.models import OrganizationMembership, ProjectMembership
from audit.models import AuditEvent
from projects.models import Project
from tests.factories import (
    OrganizationMembershipFactory,
    ProjectFactory,
    ProjectMembershipFactory,
    UserFactory,
)
from tests.helpers import assert_problem, client_for, new_events

pytestmark = pytest.mark.django_db

OrgRole = OrganizationMembership.Role
ProjectRole = ProjectMembership.Role


def snapshot(project: Project) -> dict[str, object]:
    return dict(Project.objects.filter(pk=project.pk).values().get())


READ_MATRIX = [
    ("anon", 401),
    ("outsider", 404),
    ("org_member", 404),
    ("viewer", 200),
    ("contributor", 200),
    ("reviewer", 200),
    ("manager", 200),
    ("org_admin", 200),
    ("compliance_officer", 200),
]
MANAGE_MATRIX = [
    ("anon", 401),
    ("outsider", 404),
    ("org_member", 404),
    ("viewer", 403),
    ("contributor", 403),
    ("reviewer", 403),
    ("manager", 200),
    ("org_admin", 200),
    ("compliance_officer", 403),
]


# --- list ---------------------------------------------------------------------------------------


def test_list_shows_only_visible_projects(org, other_org, project, as_role):
    hidden_here = ProjectFactory(organization=org, owner=project.owner, name="Hidden")
    ProjectFactory(organization=other_org, name="Globex project")
    viewer = as_role("viewer")

    by_viewer = client_for(viewer).get("/api/v1/projects/").json()
    by_admin = client_for(as_role("org_admin")).get("/api/v1/projects/").json()
    by_member = client_for(as_role("org_member")).get("/api/v1/projects/").json()

    assert [row["name"] for row in by_viewer["results"]] == ["Claims assistant"]
    assert [row["name"] for row in by_admin["results"]] == ["Claims assistant", "Hidden"]
    assert by_member == {"count": 0, "next": None, "previous": None, "results": []}
    assert str(hidden_here.pk) not in str(by_viewer)


def test_list_row_has_every_field(project):
    [row] = client_for(project.owner).get("/api/v1/projects/").json()["results"]
    assert row == {
        "id": str(project.pk),
        "organization": str(project.organization_id),
        "name": "Claims assistant",
        "description": project.description,
        "phase": "scope",
        "next_phase": "select",
        "status": "active",
        "risk_tier": "unassessed",
        "owner": {
            "id": str(project.owner.pk),
            "email": project.owner.email,
            "full_name": project.owner.full_name,
        },
        "problem_statement": "",
        "end_users": "",
        "user_expectations": "",
        "business_goals": "",
        "intended_purpose": "",
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


@pytest.fixture
def two_org_admin(org, other_org, admin, project):
    """`admin` of org, also admin of other_org, with projects in both."""
    OrganizationMembershipFactory(organization=other_org, user=admin, role=OrgRole.ADMIN)
    ProjectFactory(
        organization=org,
        owner=admin,
        name="Underwriting copilot",
        description="Prices risks.",
        phase="select",
        status="on_hold",
    )
    ProjectFactory(
        organization=other_org,
        owner=admin,
        name="Globex chatbot",
        description="answers about CLAIMS",
        status="archived",
    )
    return admin


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["Claims assistant", "Globex chatbot", "Underwriting copilot"]),
        ({"organization": "ORG"}, ["Claims assistant", "Underwriting copilot"]),
        ({"organization": "OTHER"}, ["Globex chatbot"]),
        ({"organization": str(uuid.uuid4())}, []),
        ({"phase": "select"}, ["Underwriting copilot"]),
        ({"status": "archived"}, ["Globex chatbot"]),
        ({"status": "active", "phase": "scope"}, ["Claims assistant"]),
        ({"owner": "ADMIN"}, ["Globex chatbot", "Underwriting copilot"]),
        ({"search": "claims"}, ["Claims assistant", "Globex chatbot"]),
        ({"search": "copilot"}, ["Underwriting copilot"]),
        ({"ordering": "-name"}, ["Underwriting copilot", "Globex chatbot", "Claims assistant"]),
        (
            {"ordering": "status,name"},
            ["Claims assistant", "Globex chatbot", "Underwriting copilot"],
        ),
        (
            {"ordering": "-status,-name"},
            ["Underwriting copilot", "Globex chatbot", "Claims assistant"],
        ),
        ({"ordering": "phase"}, ["Claims assistant", "Globex chatbot", "Underwriting copilot"]),
    ],
)
def test_list_filters_search_and_ordering(org, other_org, two_org_admin, query, expected):
    replace = {"ORG": str(org.pk), "OTHER": str(other_org.pk), "ADMIN": str(two_org_admin.pk)}
    query = {key: replace.get(value, value) for key, value in query.items()}

    body = client_for(two_org_admin).get("/api/v1/projects/", query).json()

    assert [row["name"] for row in body["results"]] == expected
    assert body["count"] == len(expected)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"phase": "launch"}, "phase"),
        ({"status": "deleted"}, "status"),
        ({"organization": "acme"}, "organization"),
        ({"owner": "12"}, "owner"),
    ],
)
def test_list_refuses_bad_filter_values(project, query, field):
    body = assert_problem(client_for(project.owner).get("/api/v1/projects/", query), 400)
    assert list(body["errors"]) == [field]


def test_list_outsider_sees_nothing_even_filtering_by_the_organisation(org, project, outsider):
    body = client_for(outsider).get("/api/v1/projects/", {"organization": str(org.pk)}).json()
    assert body["results"] == []


def test_list_query_count_does_not_grow_with_rows(org, admin, django_assert_num_queries):
    client = client_for(admin)
    owners = [UserFactory() for _ in range(3)]
    for n in range(5):
        ProjectFactory(organization=org, owner=owners[n % 3], name=f"Project {n:03}")
    with django_assert_num_queries(4):  # session, user, count, page (owner joined)
        first = client.get("/api/v1/projects/", {"page_size": 100})
    assert len(first.json()["results"]) == 5

    for n in range(5, 60):
        ProjectFactory(organization=org, owner=owners[n % 3], name=f"Project {n:03}")
    with django_assert_num_queries(4):
        second = client.get("/api/v1/projects/", {"page_size": 100})
    assert len(second.json()["results"]) == 60


# --- create -------------------------------------------------------------------------------------


def test_create_makes_the_caller_owner_and_manager_with_two_audit_events(org, org_member):
    user = org_member(OrgRole.MEMBER)
    before = AuditEvent.objects.count()

    response = client_for(user).post(
        "/api/v1/projects/",
        {
            "organization": str(org.pk),
            "name": "  Claims triage  ",
            "description": "Routes incoming claims.",
            "problem_statement": "Claims wait days for triage.",
        },
    )

    assert response.status_code == 201
    body = response.json()
    project = Project.objects.get(pk=body["id"])
    assert (project.name, project.owner_id, project.organization_id) == (
        "Claims triage",
        user.pk,
        org.pk,
    )
    assert project.problem_statement == body["problem_statement"] == "Claims wait days for triage."
    assert (body["phase"], body["status"], body["owner"]["id"]) == ("scope", "active", str(user.pk))
    membership = ProjectMembership.objects.get(project=project)
    assert (membership.user_id, membership.role) == (user.pk, "manager")
    assert [(e.action, e.actor_id, e.target_id, e.project_id) for e in new_events(before)] == [
        ("project.created", user.pk, str(project.pk), project.pk),
        ("project_membership.created", user.pk, str(membership.pk), project.pk),
    ]


@pytest.mark.parametrize("organization", ["OTHER", "RANDOM"])
def test_create_in_an_organisation_i_am_not_in_is_refused_alike(other_org, project, organization):
    user = project.owner
    org_id = str(other_org.pk) if organization == "OTHER" else str(uuid.uuid4())
    before = (Project.objects.count(), AuditEvent.objects.count())

    response = client_for(user).post("/api/v1/projects/", {"organization": org_id, "name": "X"})

    body = assert_problem(response, 400)
    assert body["errors"] == {"organization": ["Unknown organisation."]}
    assert (Project.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"name": "n" * 161}, ["name"]),
        ({"name": ""}, ["name"]),
        ({"name": {"text": "x"}}, ["name"]),
        ({"description": ["a"]}, ["description"]),
        ({"description": "d" * 5001}, ["description"]),
        ({"end_users": "e" * 2001}, ["end_users"]),
        ({"organization": "acme"}, ["organization"]),
        ({"organization": None}, ["organization"]),
        ({"phase": "operate"}, ["phase"]),
        ({"owner": "someone"}, ["owner"]),
        ({"name": "Claims assistant"}, ["name"]),  # taken in the organisation
        ({"name": "CLAIMS ASSISTANT"}, ["name"]),
    ],
)
def test_create_refuses_bad_input_and_writes_nothing(org, project, payload, fields):
    data = {"organization": str(org.pk), "name": "Fine", **payload}
    before = (Project.objects.count(), AuditEvent.objects.count())

    response = client_for(project.owner).post("/api/v1/projects/", data, format="json")

    assert sorted(assert_problem(response, 400)["errors"]) == fields
    assert (Project.objects.count(), AuditEvent.objects.count()) == before


def test_create_malformed_json_and_wrong_media_type(org, project):
    client = client_for(project.owner)
    before = (Project.objects.count(), AuditEvent.objects.count())

    broken = client.generic(
        "POST", "/api/v1/projects/", '{"name": "x", ', content_type="application/json"
    )
    form = client.post(
        "/api/v1/projects/", {"organization": str(org.pk), "name": "x"}, format="multipart"
    )

    assert_problem(broken, 400)
    assert_problem(form, 415)
    assert (Project.objects.count(), AuditEvent.objects.count()) == before


def test_create_needs_authentication(org, api_client):
    response = api_client.post("/api/v1/projects/", {"organization": str(org.pk), "name": "x"})
    assert_problem(response, 401)
    assert Project.objects.count() == 0


# --- retrieve, update, no delete ----------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), READ_MATRIX)
def test_retrieve_matrix(project, as_role, role, status):
    response = client_for(as_role(role)).get(f"/api/v1/projects/{project.pk}/")

    assert response.status_code == status
    if status == 200:
        assert response.json()["id"] == str(project.pk)
    else:
        assert_problem(response, status)


@pytest.mark.parametrize(("role", "status"), MANAGE_MATRIX)
def test_partial_update_matrix(project, as_role, role, status):
    user = as_role(role)
    before_row = snapshot(project)
    before = AuditEvent.objects.count()

    response = client_for(user).patch(
        f"/api/v1/projects/{project.pk}/", {"name": "Claims copilot", "status": "on_hold"}
    )

    assert response.status_code == status
    if status == 200:
        assert (response.json()["name"], response.json()["status"]) == (
            "Claims copilot",
            "on_hold",
        )
        [event] = new_events(before)
        assert (event.action, event.actor_id, event.target_id, event.project_id) == (
            "project.updated",
            user.pk,
            str(project.pk),
            project.pk,
        )
        assert event.data == {
            "name": {"old": "Claims assistant", "new": "Claims copilot"},
            "status": {"old": "active", "new": "on_hold"},
        }
    else:
        assert_problem(response, status)
        assert snapshot(project) == before_row
        assert AuditEvent.objects.count() == before


FULL = {
    "name": "Claims assistant",
    "description": "New description",
    "status": "active",
    "problem_statement": "p",
    "end_users": "u",
    "user_expectations": "",
    "business_goals": "",
    "intended_purpose": "",
}


@pytest.mark.parametrize(("role", "status"), MANAGE_MATRIX)
def test_put_matrix(project, as_role, role, status):
    user = as_role(role)
    before_row = snapshot(project)
    before = AuditEvent.objects.count()

    response = client_for(user).put(f"/api/v1/projects/{project.pk}/", FULL)

    assert response.status_code == status
    if status == 200:
        [event] = new_events(before)
        assert (event.action, event.actor_id) == ("project.updated", user.pk)
        assert set(event.data) == {"description", "problem_statement", "end_users"}
    else:
        assert_problem(response, status)
        assert snapshot(project) == before_row
        assert AuditEvent.objects.count() == before


def test_put_requires_every_editable_field(project):
    before_row = snapshot(project)
    response = client_for(project.owner).put(
        f"/api/v1/projects/{project.pk}/", {"name": "Only the name"}
    )
    body = assert_problem(response, 400)
    assert sorted(body["errors"]) == sorted(set(FULL) - {"name"})
    assert snapshot(project) == before_row


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "n" * 161}, "name"),
        ({"name": "   "}, "name"),
        ({"status": "deleted"}, "status"),
        ({"status": 3}, "status"),
        ({"phase": "operate"}, "phase"),
        ({"risk_tier": "minimal"}, "risk_tier"),
        ({"organization": "x"}, "organization"),
        ({"intended_purpose": "i" * 5001}, "intended_purpose"),
    ],
)
def test_partial_update_refuses_bad_input_and_changes_nothing(project, payload, field):
    before_row = snapshot(project)
    before = AuditEvent.objects.count()

    response = client_for(project.owner).patch(
        f"/api/v1/projects/{project.pk}/", payload, format="json"
    )

    assert list(assert_problem(response, 400)["errors"]) == [field]
    assert snapshot(project) == before_row
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("name", ["Fraud detector", "fraud DETECTOR"])
def test_renaming_onto_another_projects_name_is_a_name_error(org, project, name):
    ProjectFactory(organization=org, owner=project.owner, name="Fraud detector")
    before_row = snapshot(project)
    before = AuditEvent.objects.count()

    response = client_for(project.owner).patch(f"/api/v1/projects/{project.pk}/", {"name": name})

    assert assert_problem(response, 400)["errors"] == {
        "name": ["A project with this name already exists in the organisation."]
    }
    assert snapshot(project) == before_row
    assert AuditEvent.objects.count() == before


def test_partial_update_with_nothing_new_writes_no_event(project):
    before = AuditEvent.objects.count()
    response = client_for(project.owner).patch(
        f"/api/v1/projects/{project.pk}/", {"name": "Claims assistant"}
    )
    assert response.status_code == 200
    assert AuditEvent.objects.count() == before


def test_projects_are_never_deleted(project, admin):
    response = client_for(admin).delete(f"/api/v1/projects/{project.pk}/")
    assert assert_problem(response, 405)["detail"] == 'Method "DELETE" not allowed.'
    assert Project.objects.filter(pk=project.pk).exists()


def test_another_organisations_project_is_404_by_every_path(other_org, project, outsider):
    theirs = ProjectFactory(organization=other_org, owner=outsider, name="Theirs")
    ProjectMembershipFactory(project=theirs, user=outsider, role=ProjectRole.MANAGER)
    membership = ProjectMembership.objects.get(project=theirs)
    client = client_for(project.owner)
    before_row = snapshot(theirs)
    before = AuditEvent.objects.count()

    base = f"/api/v1/projects/{theirs.pk}"
    assert_problem(client.get(f"{base}/"), 404)
    assert_problem(client.patch(f"{base}/", {"name": "Mine now"}), 404)
    assert_problem(client.put(f"{base}/", FULL), 404)
    assert_problem(client.get(f"{base}/members/"), 404)
    assert_problem(
        client.post(f"{base}/members/", {"user": str(project.owner.pk), "role": "viewer"}), 404
    )
    for members in (f"{base}/members", f"/api/v1/projects/{project.pk}/members"):
        assert_problem(client.get(f"{members}/{membership.pk}/"), 404)
        assert_problem(client.patch(f"{members}/{membership.pk}/", {"role": "viewer"}), 404)
        assert_problem(client.delete(f"{members}/{membership.pk}/"), 404)
    listed = client.get("/api/v1/projects/").json()["results"]
    assert [row["id"] for row in listed] == [str(project.pk)]
    assert snapshot(theirs) == before_row
    assert ProjectMembership.objects.get(pk=membership.pk).role == "manager"
    assert AuditEvent.objects.count() == before


# --- members ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), READ_MATRIX)
def test_member_list_and_retrieve_matrix(project, as_role, role, status):
    membership = ProjectMembership.objects.get(project=project, user=project.owner)
    client = client_for(as_role(role))

    listed = client.get(f"/api/v1/projects/{project.pk}/members/")
    detail = client.get(f"/api/v1/projects/{project.pk}/members/{membership.pk}/")

    assert (listed.status_code, detail.status_code) == (status, status)
    if status == 200:
        rows = listed.json()["results"]
        assert {row["user"]["id"] for row in rows} == {
            str(pk)
            for pk in ProjectMembership.objects.filter(project=project).values_list(
                "user_id", flat=True
            )
        }
        assert detail.json() == {
            "id": str(membership.pk),
            "user": {
                "id": str(project.owner.pk),
                "email": project.owner.email,
                "full_name": project.owner.full_name,
            },
            "role": "manager",
            "created_at": detail.json()["created_at"],
        }


@pytest.mark.parametrize(
    ("role", "status"), [(r, 201 if s == 200 else s) for r, s in MANAGE_MATRIX]
)
def test_member_add_matrix(project, as_role, org_member, role, status):
    user = as_role(role)
    newcomer = org_member(OrgRole.MEMBER)
    before = AuditEvent.objects.count()

    response = client_for(user).post(
        f"/api/v1/projects/{project.pk}/members/", {"user": str(newcomer.pk), "role": "reviewer"}
    )

    assert response.status_code == status
    if status == 201:
        membership = ProjectMembership.objects.get(project=project, user=newcomer)
        assert membership.role == "reviewer"
        assert response.json()["id"] == str(membership.pk)
        [event] = new_events(before)
        assert (event.action, event.actor_id, event.target_id, event.project_id) == (
            "project_membership.created",
            user.pk,
            str(membership.pk),
            project.pk,
        )
    else:
        assert_problem(response, status)
        assert not ProjectMembership.objects.filter(project=project, user=newcomer).exists()
        assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(("role", "status"), MANAGE_MATRIX)
def test_member_role_change_matrix(project, as_role, project_member, role, status):
    target = ProjectMembership.objects.get(user=project_member(project, ProjectRole.VIEWER))
    user = as_role(role)
    before = AuditEvent.objects.count()

    response = client_for(user).patch(
        f"/api/v1/projects/{project.pk}/members/{target.pk}/", {"role": "contributor"}
    )

    assert response.status_code == status
    if status == 200:
        assert ProjectMembership.objects.get(pk=target.pk).role == "contributor"
        [event] = new_events(before)
        assert (event.action, event.actor_id, event.target_id) == (
            "project_membership.role_changed",
            user.pk,
            str(target.pk),
        )
        assert event.data["role"] == {"old": "viewer", "new": "contributor"}
    else:
        assert_problem(response, status)
        assert ProjectMembership.objects.get(pk=target.pk).role == "viewer"
        assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("role", "status"), [(r, 204 if s == 200 else s) for r, s in MANAGE_MATRIX]
)
def test_member_remove_matrix(project, as_role, project_member, role, status):
    target = ProjectMembership.objects.get(user=project_member(project, ProjectRole.VIEWER))
    user = as_role(role)
    before = AuditEvent.objects.count()

    response = client_for(user).delete(f"/api/v1/projects/{project.pk}/members/{target.pk}/")

    assert response.status_code == status
    if status == 204:
        assert not ProjectMembership.objects.filter(pk=target.pk).exists()
        [event] = new_events(before)
        assert (event.action, event.actor_id, event.target_id) == (
            "project_membership.removed",
            user.pk,
            str(target.pk),
        )
    else:
        assert_problem(response, status)
        assert ProjectMembership.objects.filter(pk=target.pk).exists()
        assert AuditEvent.objects.count() == before


def test_member_add_refuses_people_outside_the_organisation_alike(project, outsider, org_member):
    client = client_for(project.owner)
    already = org_member(OrgRole.MEMBER)
    ProjectMembershipFactory(project=project, user=already)
    before = (ProjectMembership.objects.count(), AuditEvent.objects.count())
    not_in_org = "Only members of the project's organisation can join it."

    for user_id in (str(outsider.pk), str(uuid.uuid4())):
        body = assert_problem(
            client.post(
                f"/api/v1/projects/{project.pk}/members/", {"user": user_id, "role": "viewer"}
            ),
            400,
        )
        assert body["errors"] == {"user": [not_in_org]}
    for payload, field in [
        ({"user": str(already.pk), "role": "viewer"}, "user"),
        ({"user": "x", "role": "viewer"}, "user"),
        ({"user": str(already.pk), "role": "owner"}, "role"),
        ({"user": str(already.pk)}, "role"),
    ]:
        response = client.post(f"/api/v1/projects/{project.pk}/members/", payload)
        assert list(assert_problem(response, 400)["errors"]) == [field]
    assert (ProjectMembership.objects.count(), AuditEvent.objects.count()) == before


def test_the_last_manager_stays(project):
    mine = ProjectMembership.objects.get(project=project, user=project.owner)
    client = client_for(project.owner)
    before = AuditEvent.objects.count()

    demote = client.patch(f"/api/v1/projects/{project.pk}/members/{mine.pk}/", {"role": "viewer"})
    remove = client.delete(f"/api/v1/projects/{project.pk}/members/{mine.pk}/")

    assert assert_problem(demote, 400)["errors"] == {
        "role": ["A project must keep at least one manager."]
    }
    assert list(assert_problem(remove, 400)["errors"]) == ["role"]
    assert ProjectMembership.objects.get(pk=mine.pk).role == "manager"
    assert AuditEvent.objects.count() == before


def test_a_unique_constraint_lost_to_a_concurrent_request_is_409(project, org_member, monkeypatch):
    from django.db import transaction

    import projects.api.projects as views

    newcomer = org_member(OrgRole.MEMBER)

    def lose_the_race(*, actor, project, user, role):
        # What the loser of two simultaneous adds hits after both passed the service's
        # "already on the project?" check: the database's unique constraint.
        with transaction.atomic():
            ProjectMembership.objects.create(project=project, user=project.owner, role=role)

    monkeypatch.setattr(views, "project_member_add", lose_the_race)
    before = (ProjectMembership.objects.count(), AuditEvent.objects.count())

    response = client_for(project.owner).post(
        f"/api/v1/projects/{project.pk}/members/", {"user": str(newcomer.pk), "role": "viewer"}
    )

    body = assert_problem(response, 409)
    assert body["detail"].startswith("A concurrent change clashed")
    assert (ProjectMembership.objects.count(), AuditEvent.objects.count()) == before


def test_project_list_filters_by_risk_tier(token_client, org, admin):
    from tests.factories import ProjectFactory as Factory

    Factory(organization=org, owner=admin, name="High one", risk_tier="high")
    Factory(organization=org, owner=admin, name="Minimal one", risk_tier="minimal")
    response = token_client(admin).get("/api/v1/projects/?risk_tier=high")
    assert [p["name"] for p in response.json()["results"]] == ["High one"]
    assert token_client(admin).get("/api/v1/projects/?risk_tier=extreme").status_code == 400
