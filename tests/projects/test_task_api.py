"""Tasks through the REST API: a project's action items, one task, and "my work"."""

from datetime import date

import pytest

from projects import services
from projects.models import Task
from tests.factories import ProjectFactory, ProjectMembershipFactory
from tests.helpers import act, assert_problem, client_for, refused
from tests.projects.scope_api_helpers import matrix

pytestmark = pytest.mark.django_db

API = "/api/v1"


def _row(task):
    return Task.objects.filter(pk=task.pk).values().get()


@pytest.fixture
def assignee(project, project_member):
    return project_member(project, "viewer")


@pytest.fixture
def task(project, manager, assignee):
    return services.task_create(
        actor=manager,
        project=project,
        title="Draft the DPIA",
        assignee=assignee,
        due_date=date(2027, 1, 15),
    )


def test_create_answers_the_task(project, manager, assignee):
    body = act(
        client_for(manager),
        "post",
        f"{API}/projects/{project.pk}/tasks/",
        {"title": "Draft the DPIA", "assignee": str(assignee.pk), "due_date": "2027-01-15"},
        status=201,
        events=[("task.created", manager.pk)],
    )
    task = Task.objects.get()
    assert body == {
        "id": str(task.pk),
        "project": {"id": str(project.pk), "name": "Claims assistant"},
        "title": "Draft the DPIA",
        "description": "",
        "assignee": {
            "id": str(assignee.pk),
            "email": assignee.email,
            "full_name": assignee.full_name,
        },
        "due_date": "2027-01-15",
        "status": "open",
        "is_open": True,
        "source": "manual",
        "source_type": "",
        "source_id": "",
        "created_by": str(manager.pk),
        "completed_at": None,
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }


@pytest.mark.parametrize(("role", "status"), matrix("contribute_or_review", 201))
def test_create_matrix(project, as_role, role, status):
    user = as_role(role)
    url = f"{API}/projects/{project.pk}/tasks/"
    if status == 201:
        act(
            client_for(user),
            "post",
            url,
            {"title": "Follow up"},
            status=201,
            events=[("task.created", user.pk)],
        )
    else:
        refused(client_for(user), "post", url, {"title": "Follow up"}, status=status)
        assert Task.objects.count() == 0


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        ({"title": ""}, {"title": ["This field may not be blank."]}),
        ({"title": "t" * 201}, {"title": ["Ensure this field has no more than 200 characters."]}),
        (
            {"assignee": "OUTSIDER"},
            {"assignee": ["The assignee must be someone who can see this project."]},
        ),
        (
            {"assignee": "MEMBER"},
            {"assignee": ["The assignee must be someone who can see this project."]},
        ),
        (
            {"due_date": "2027-13-01"},
            {"due_date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]},
        ),
        ({"status": "done"}, {"status": ["This field cannot be set here."]}),
        ({"source": "workshop"}, {"source": ["This field cannot be set here."]}),
    ],
)
def test_bad_tasks_are_refused(project, manager, outsider, org_member, payload, errors):
    replace = {"OUTSIDER": str(outsider.pk), "MEMBER": str(org_member().pk)}
    payload = {key: replace.get(value, value) for key, value in payload.items()}
    body = refused(
        client_for(manager),
        "post",
        f"{API}/projects/{project.pk}/tasks/",
        {"title": "Follow up"} | payload,
        status=400,
    )
    assert body["errors"] == errors
    assert Task.objects.count() == 0


@pytest.mark.parametrize(("role", "status"), matrix("contribute"))
def test_edit_matrix(task, as_role, role, status):
    user = as_role(role)
    before = _row(task)
    url = f"{API}/tasks/{task.pk}/"
    if status == 200:
        body = act(
            client_for(user),
            "patch",
            url,
            {"title": "Draft and file the DPIA", "due_date": None},
            status=200,
            events=[("task.updated", user.pk)],
        )
        assert (body["title"], body["due_date"]) == ("Draft and file the DPIA", None)
    else:
        refused(client_for(user), "patch", url, {"title": "Mine"}, status=status)
        assert _row(task) == before


def test_the_assignee_moves_their_task_along_but_does_not_edit_it(task, assignee):
    client = client_for(assignee)
    url = f"{API}/tasks/{task.pk}/"
    refused(client, "patch", url, {"title": "Something else"}, status=403)
    refused(client, "patch", url, {"status": "finished"}, status=400)

    body = act(
        client, "patch", url, {"status": "done"}, status=200, events=[("task.updated", assignee.pk)]
    )

    assert (body["status"], body["is_open"]) == ("done", False)
    assert body["completed_at"] is not None
    assert client.get(f"{API}/me/tasks/").json()["results"] == []


def test_tasks_are_never_replaced_or_deleted(task, manager):
    refused(client_for(manager), "put", f"{API}/tasks/{task.pk}/", {"title": "x"}, status=405)
    refused(client_for(manager), "delete", f"{API}/tasks/{task.pk}/", status=405)
    assert Task.objects.filter(pk=task.pk).exists()


def test_project_list_open_by_default(project, manager, task, as_role):
    done = services.task_create(actor=manager, project=project, title="Kick-off")
    services.task_update(actor=manager, task=done, status="done")
    undated = services.task_create(actor=manager, project=project, title="Someday")
    client = client_for(as_role("viewer"))
    url = f"{API}/projects/{project.pk}/tasks/"

    open_only = client.get(url).json()
    everything = client.get(url, {"include_closed": "true"}).json()

    assert [row["id"] for row in open_only["results"]] == [str(task.pk), str(undated.pk)]
    assert {row["id"] for row in everything["results"]} == {
        str(task.pk),
        str(undated.pk),
        str(done.pk),
    }
    assert list(assert_problem(client.get(url, {"include_closed": "perhaps"}), 400)["errors"]) == [
        "include_closed"
    ]


def test_my_work_lists_my_open_tasks_across_projects(
    org, other_org, project, manager, assignee, task, outsider
):
    second = ProjectFactory(organization=org, owner=manager, name="Second")
    ProjectMembershipFactory(project=second, user=manager, role="manager")
    ProjectMembershipFactory(project=second, user=assignee, role="contributor")
    later = services.task_create(
        actor=manager, project=second, title="Review prompts", assignee=assignee
    )
    services.task_create(actor=manager, project=project, title="Not mine", assignee=manager)
    closed = services.task_create(actor=manager, project=second, title="Old", assignee=assignee)
    services.task_update(actor=manager, task=closed, status="cancelled")
    theirs = ProjectFactory(organization=other_org, owner=outsider, name="Theirs")
    ProjectMembershipFactory(project=theirs, user=outsider, role="manager")
    services.task_create(actor=outsider, project=theirs, title="Theirs", assignee=outsider)

    body = client_for(assignee).get(f"{API}/me/tasks/").json()

    assert [(row["title"], row["project"]["name"]) for row in body["results"]] == [
        ("Draft the DPIA", "Claims assistant"),
        ("Review prompts", "Second"),
    ]
    assert str(later.pk) == body["results"][1]["id"]
    assert [
        row["title"] for row in client_for(outsider).get(f"{API}/me/tasks/").json()["results"]
    ] == ["Theirs"]
    assert_problem(client_for(None).get(f"{API}/me/tasks/"), 401)


def test_task_lists_query_count_does_not_grow_with_rows(
    project, manager, project_member, django_assert_num_queries
):
    people = [manager, project_member(project, "contributor"), project_member(project, "viewer")]
    me = client_for(manager)

    def add(count):
        for n in range(count):
            services.task_create(
                actor=manager,
                project=project,
                title=f"Task {n}",
                assignee=people[n % 3] if n % 2 else manager,
                due_date=date(2027, 1, 1 + n % 28),
            )

    add(5)
    mine_before = Task.objects.filter(assignee=manager).count()
    # project list: session, user, project, org roles, project role, count, page
    with django_assert_num_queries(7):
        small = me.get(f"{API}/projects/{project.pk}/tasks/", {"page_size": 100}).json()
    # my work: session, user, count, page (project and assignee joined)
    with django_assert_num_queries(4):
        mine_small = me.get(f"{API}/me/tasks/", {"page_size": 100}).json()
    add(45)
    with django_assert_num_queries(7):
        large = me.get(f"{API}/projects/{project.pk}/tasks/", {"page_size": 100}).json()
    with django_assert_num_queries(4):
        mine_large = me.get(f"{API}/me/tasks/", {"page_size": 100}).json()

    assert (len(small["results"]), len(large["results"])) == (5, 50)
    assert (len(mine_small["results"]), len(mine_large["results"])) == (
        mine_before,
        Task.objects.filter(assignee=manager).count(),
    )
    assert mine_before == 4
