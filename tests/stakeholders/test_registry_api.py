"""The stakeholder registry API: create, list, search, update; linking people to a project;
the influence/interest grid; bad input; query budgets."""

import pytest

from accounts.models import OrganizationMembership
from stakeholders import services
from stakeholders.models import ProjectStakeholder, Stakeholder
from tests.helpers import assert_problem, client_for, event_count, new_events
from tests.stakeholders.helpers import assert_no_personal_data_in_trail

pytestmark = pytest.mark.django_db

OrgRole = OrganizationMembership.Role


def _registry(org) -> str:
    return f"/api/v1/organizations/{org.pk}/stakeholders/"


def test_create_answers_the_stakeholder_and_keeps_personal_data_off_the_trail(org, manager):
    before = event_count()

    response = client_for(manager).post(
        _registry(org),
        {
            "name": "Dana Reyes",
            "email": "Dana.Reyes@Acme.example",
            "unit": "Claims operations",
            "kind": "end_user",
            "influence": 2,
            "interest": 5,
            "preferred_contact": "meeting",
            "notes": "Prefers mornings.",
            "user": str(manager.pk),
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    person = Stakeholder.objects.get(pk=body["id"])
    assert body == {
        "id": str(person.pk),
        "organization": str(org.pk),
        "name": "Dana Reyes",
        "email": "dana.reyes@acme.example",
        "unit": "Claims operations",
        "kind": "end_user",
        "influence": 2,
        "interest": 5,
        "quadrant": "keep_informed",
        "preferred_contact": "meeting",
        "notes": "Prefers mornings.",
        "user": str(manager.pk),
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }
    [event] = new_events(before)
    assert (event.action, event.actor_id, event.target_id) == (
        "stakeholder.created",
        manager.pk,
        str(person.pk),
    )
    assert event.data["personal_fields"] == ["email", "name", "notes"]
    assert (event.data["influence"], event.data["interest"]) == (2, 5)
    assert_no_personal_data_in_trail("dana", "reyes", "mornings")


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"influence": 6}, ["influence"]),
        ({"interest": 0}, ["interest"]),
        ({"influence": "high"}, ["influence"]),
        ({"kind": "alien"}, ["kind"]),
        ({"preferred_contact": "pigeon"}, ["preferred_contact"]),
        ({"email": "not-an-email"}, ["email"]),
        ({"email": "DANA@example.com"}, ["email"]),  # taken, whatever the case
        ({"name": ""}, ["name"]),
        ({"name": "n" * 151}, ["name"]),
        ({"notes": "n" * 5001}, ["notes"]),
        ({"organization": "x"}, ["organization"]),
        ({"quadrant": "monitor"}, ["quadrant"]),
        ({"user": "someone"}, ["user"]),
    ],
)
def test_create_refuses_bad_input_and_writes_nothing(org, manager, payload, fields):
    services.stakeholder_create(
        actor=manager, organization=org, name="Dana", email="dana@example.com"
    )
    before = (Stakeholder.objects.count(), event_count())

    response = client_for(manager).post(
        _registry(org), {"name": "Lee", "email": "lee@example.com", **payload}, format="json"
    )

    assert sorted(assert_problem(response, 400)["errors"]) == fields
    assert (Stakeholder.objects.count(), event_count()) == before


def test_create_refuses_an_account_outside_the_organisation(org, manager, outsider):
    before = (Stakeholder.objects.count(), event_count())
    response = client_for(manager).post(
        _registry(org), {"name": "Lee", "email": "lee@example.com", "user": str(outsider.pk)}
    )
    assert assert_problem(response, 400)["errors"] == {
        "user": ["Pick a member of the stakeholder's organisation."]
    }
    assert (Stakeholder.objects.count(), event_count()) == before


@pytest.fixture
def registry(org, manager):
    rows = [
        ("Zoe Legal", "zoe@law.example", "Legal", "legal"),
        ("Ann Claims", "ann@acme.example", "Claims", "end_user"),
        ("Bob Board", "bob@acme.example", "Board", "executive"),
        ("Cy Claims", "cy@acme.example", "Claims operations", "end_user"),
    ]
    return {
        name: services.stakeholder_create(
            actor=manager, organization=org, name=name, email=email, unit=unit, kind=kind
        )
        for name, email, unit, kind in rows
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["Ann Claims", "Bob Board", "Cy Claims", "Zoe Legal"]),
        ({"q": "claims"}, ["Ann Claims", "Cy Claims"]),
        ({"q": "law.example"}, ["Zoe Legal"]),
        ({"q": "operations"}, ["Cy Claims"]),
        ({"kind": "end_user"}, ["Ann Claims", "Cy Claims"]),
        ({"kind": "end_user", "q": "ann"}, ["Ann Claims"]),
        ({"kind": "regulator"}, []),
    ],
)
def test_list_searches_and_filters(org, registry, org_member, query, expected):
    body = client_for(org_member(OrgRole.MEMBER)).get(_registry(org), query).json()
    assert [row["name"] for row in body["results"]] == expected
    assert body["count"] == len(expected)


@pytest.mark.parametrize(("query", "field"), [({"kind": "alien"}, "kind"), ({"q": "x" * 101}, "q")])
def test_list_refuses_bad_filters(org, manager, query, field):
    body = assert_problem(client_for(manager).get(_registry(org), query), 400)
    assert list(body["errors"]) == [field]


def test_list_query_count_does_not_grow(org, manager, django_assert_num_queries):
    client = client_for(manager)

    def fill(up_to):
        Stakeholder.objects.bulk_create(
            Stakeholder(organization=org, name=f"Person {n:03}", email=f"p{n}@example.com")
            for n in range(Stakeholder.objects.count(), up_to)
        )

    fill(5)
    # session, user, organisation, roles, count, page
    with django_assert_num_queries(6):
        first = client.get(_registry(org), {"page_size": 100})
    fill(50)
    with django_assert_num_queries(6):
        second = client.get(_registry(org), {"page_size": 100})

    assert (len(first.json()["results"]), len(second.json()["results"])) == (5, 50)


def test_update_changes_only_the_fields_given(org, admin, registry):
    ann = registry["Ann Claims"]
    before = event_count()

    response = client_for(admin).patch(
        f"/api/v1/stakeholders/{ann.pk}/",
        {"influence": 5, "email": "ANN.CLAIMS@acme.example", "notes": "Key user."},
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["influence"], body["interest"], body["quadrant"]) == (5, 3, "manage_closely")
    assert (body["email"], body["name"], body["notes"]) == (
        "ann.claims@acme.example",
        "Ann Claims",
        "Key user.",
    )
    [event] = new_events(before)
    assert event.action == "stakeholder.updated"
    # Old and new of the public fields; personal fields by name only.
    assert event.data == {
        "influence": {"old": 3, "new": 5},
        "personal_fields": ["email", "notes"],
    }
    assert_no_personal_data_in_trail("ann@", "ann.claims", "key user")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"influence": 6}, "influence"),
        ({"email": "bob@acme.example"}, "email"),
        ({"kind": "alien"}, "kind"),
        ({"id": "x"}, "id"),
    ],
)
def test_update_refuses_bad_input_and_changes_nothing(admin, registry, payload, field):
    ann = registry["Ann Claims"]
    before_row = Stakeholder.objects.filter(pk=ann.pk).values().get()
    before = event_count()

    response = client_for(admin).patch(f"/api/v1/stakeholders/{ann.pk}/", payload)

    assert list(assert_problem(response, 400)["errors"]) == [field]
    assert Stakeholder.objects.filter(pk=ann.pk).values().get() == before_row
    assert event_count() == before


def test_update_with_nothing_new_writes_no_event(admin, registry):
    ann = registry["Ann Claims"]
    before = event_count()
    response = client_for(admin).patch(f"/api/v1/stakeholders/{ann.pk}/", {"unit": "Claims"})
    assert response.status_code == 200
    assert event_count() == before


def test_stakeholders_are_not_deleted_through_the_api(manager, registry):
    ann = registry["Ann Claims"]
    response = client_for(manager).delete(f"/api/v1/stakeholders/{ann.pk}/")
    assert_problem(response, 405)
    assert Stakeholder.objects.filter(pk=ann.pk).exists()


# --- stakeholders of a project --------------------------------------------------------------


def test_link_list_grid_and_unlink(project, manager, admin, registry):
    client = client_for(manager)
    base = f"/api/v1/projects/{project.pk}/stakeholders/"
    # Not linked to a project yet: an administrator sets their grid position.
    services.stakeholder_update(actor=admin, stakeholder=registry["Zoe Legal"], influence=5)
    services.stakeholder_update(actor=admin, stakeholder=registry["Bob Board"], interest=1)
    services.stakeholder_update(
        actor=admin, stakeholder=registry["Cy Claims"], influence=1, interest=2
    )
    for name in ("Zoe Legal", "Ann Claims", "Cy Claims"):
        role = "Counsel" if name == "Zoe Legal" else ""
        response = client.post(base, {"stakeholder": str(registry[name].pk), "role": role})
        assert response.status_code == 201, response.content
    before = event_count()

    listed = client.get(base).json()["results"]
    grid = client.get(f"{base}grid/").json()

    assert [(r["stakeholder"]["name"], r["role"], r["quadrant"]) for r in listed] == [
        ("Ann Claims", "", "manage_closely"),
        ("Cy Claims", "", "monitor"),
        ("Zoe Legal", "Counsel", "manage_closely"),
    ]
    assert {quadrant: [p["name"] for p in people] for quadrant, people in grid.items()} == {
        "manage_closely": ["Ann Claims", "Zoe Legal"],
        "keep_satisfied": [],
        "keep_informed": [],
        "monitor": ["Cy Claims"],
    }
    assert grid["monitor"][0] == {
        "id": str(registry["Cy Claims"].pk),
        "name": "Cy Claims",
        "unit": "Claims operations",
        "kind": "end_user",
        "influence": 1,
        "interest": 2,
    }

    zoe_link = ProjectStakeholder.objects.get(project=project, stakeholder=registry["Zoe Legal"])
    assert client.get(f"{base}{zoe_link.pk}/").json()["role"] == "Counsel"
    assert client.delete(f"{base}{zoe_link.pk}/").status_code == 204
    [event] = new_events(before)
    assert (event.action, event.target_id, event.data) == (
        "project_stakeholder.removed",
        str(zoe_link.pk),
        {"stakeholder_id": str(registry["Zoe Legal"].pk)},
    )
    assert Stakeholder.objects.filter(pk=registry["Zoe Legal"].pk).exists()
    assert [r["stakeholder"]["name"] for r in client.get(base).json()["results"]] == [
        "Ann Claims",
        "Cy Claims",
    ]


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        ({"stakeholder": "ANN"}, {"stakeholder": ["This stakeholder is already on the project."]}),
        ({"stakeholder": "nope"}, {"stakeholder": ["Must be a valid UUID."]}),
        (
            {"stakeholder": "00000000-0000-4000-8000-000000000000"},
            {"stakeholder": ["Unknown stakeholder."]},
        ),
        ({}, {"stakeholder": ["This field is required."]}),
        (
            {"stakeholder": "BOB", "role": "r" * 151},
            {"role": ["Ensure this field has no more than 150 characters."]},
        ),
        (
            {"stakeholder": "BOB", "quadrant": "monitor"},
            {"quadrant": ["This field cannot be set here."]},
        ),
    ],
)
def test_link_refuses_bad_input(project, manager, registry, payload, errors):
    services.stakeholder_link(actor=manager, project=project, stakeholder=registry["Ann Claims"])
    ids = {"ANN": str(registry["Ann Claims"].pk), "BOB": str(registry["Bob Board"].pk)}
    payload = {k: ids.get(v, v) for k, v in payload.items()}
    before = (ProjectStakeholder.objects.count(), event_count())

    response = client_for(manager).post(f"/api/v1/projects/{project.pk}/stakeholders/", payload)

    assert assert_problem(response, 400)["errors"] == errors
    assert (ProjectStakeholder.objects.count(), event_count()) == before
