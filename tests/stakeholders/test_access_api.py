"""Who may do what through the stakeholders API: one role matrix over every write, 404 for
another organisation on every endpoint, and lists that never cross organisations."""

import pytest

from accounts.models import OrganizationMembership, ProjectMembership
from audit.models import AuditEvent
from projects.models import Task
from stakeholders.models import (
    FeedbackInvite,
    FeedbackRound,
    IntakeKey,
    ProjectStakeholder,
    Stakeholder,
    Workshop,
    WorkshopInvitation,
)
from tests.factories import ProjectFactory, ProjectMembershipFactory
from tests.helpers import assert_problem, client_for, event_count, new_events
from tests.stakeholders.helpers import build_world

pytestmark = pytest.mark.django_db

ProjectRole = ProjectMembership.Role
OrgRole = OrganizationMembership.Role


def _link(world, person):
    return ProjectStakeholder.objects.get(project=world.project, stakeholder=person)


def _invite(world, feedback_round, person):
    return FeedbackInvite.objects.get(round=feedback_round, stakeholder=person)


# name: (permission, method, path, body, success status, audit actions)
WRITES = {
    "stakeholder_create": (
        "org",
        "post",
        lambda w: f"/api/v1/organizations/{w.project.organization_id}/stakeholders/",
        lambda w: {"name": "Nia New", "email": "nia.new@example.com", "influence": 4},
        201,
        ["stakeholder.created"],
    ),
    # A stakeholder's details: contributors of a project they take part in (and admins).
    "stakeholder_update": (
        "contribute",
        "patch",
        lambda w: f"/api/v1/stakeholders/{w.dana.pk}/",
        lambda w: {"influence": 5, "unit": "Sales"},
        200,
        ["stakeholder.updated"],
    ),
    "link": (
        "contribute",
        "post",
        lambda w: f"/api/v1/projects/{w.project.pk}/stakeholders/",
        lambda w: {"stakeholder": str(w.sam.pk), "role": "Sponsor"},
        201,
        ["project_stakeholder.created"],
    ),
    "unlink": (
        "contribute",
        "delete",
        lambda w: f"/api/v1/projects/{w.project.pk}/stakeholders/{_link(w, w.lee).pk}/",
        lambda w: None,
        204,
        ["project_stakeholder.removed"],
    ),
    "workshop_schedule": (
        "contribute",
        "post",
        lambda w: f"/api/v1/projects/{w.project.pk}/workshops/",
        lambda w: {
            "title": "Risks workshop",
            "starts_at": "2030-05-02T14:00:00+02:00",
            "time_zone": "Europe/Berlin",
            "stakeholders": [str(w.dana.pk)],
        },
        201,
        ["workshop.scheduled"],
    ),
    "workshop_reschedule": (
        "contribute",
        "post",
        lambda w: f"/api/v1/workshops/{w.upcoming.pk}/reschedule/",
        lambda w: {"duration_minutes": 60},
        200,
        ["workshop.rescheduled"],
    ),
    "workshop_cancel": (
        "contribute",
        "post",
        lambda w: f"/api/v1/workshops/{w.upcoming.pk}/cancel/",
        lambda w: {"reason": "Budget freeze"},
        200,
        ["workshop.cancelled"],
    ),
    "workshop_invite": (
        "contribute",
        "post",
        lambda w: f"/api/v1/workshops/{w.upcoming.pk}/invite/",
        lambda w: {"stakeholders": [str(w.lee.pk)]},
        200,
        ["workshop.invited"],
    ),
    "workshop_outcome": (
        "contribute",
        "post",
        lambda w: f"/api/v1/workshops/{w.past.pk}/outcome/",
        lambda w: {
            "minutes": "Walked through triage.",
            "attended": [str(w.dana.pk)],
            "decisions": ["Start with motor claims"],
            "action_items": [
                {
                    "title": "Collect samples",
                    "assignee": str(w.manager.pk),
                    "due_date": "2030-02-01",
                }
            ],
        },
        200,
        ["task.created", "workshop.held"],
    ),
    "round_create": (
        "contribute",
        "post",
        lambda w: f"/api/v1/projects/{w.project.pk}/feedback-rounds/",
        lambda w: {
            "title": "Second round",
            "closes_at": "2030-01-31T18:00:00Z",
            "questions": [{"kind": "rating", "prompt": "Useful?", "key": "usefulness"}],
        },
        201,
        ["feedback_round.created"],
    ),
    "round_open": (
        "contribute",
        "post",
        lambda w: f"/api/v1/feedback-rounds/{w.draft.pk}/open/",
        lambda w: {"stakeholders": [str(w.dana.pk)]},
        200,
        ["feedback_round.opened"],
    ),
    "round_close": (
        "contribute",
        "post",
        lambda w: f"/api/v1/feedback-rounds/{w.open.pk}/close/",
        lambda w: None,
        200,
        ["feedback_round.closed"],
    ),
    "round_summary": (
        "contribute",
        "post",
        lambda w: f"/api/v1/feedback-rounds/{w.closed.pk}/summary/",
        lambda w: {"you_said_we_did": "You asked for review; we added it."},
        200,
        ["feedback_round.summary_published"],
    ),
    "invite_revoke": (
        "contribute",
        "post",
        lambda w: f"/api/v1/feedback-invites/{_invite(w, w.open, w.lee).pk}/revoke/",
        lambda w: None,
        200,
        ["feedback_invite.revoked"],
    ),
    "key_create": (
        "manage",
        "post",
        lambda w: f"/api/v1/projects/{w.project.pk}/intake-keys/",
        lambda w: {"name": "Staging"},
        201,
        ["intake_key.created"],
    ),
    "key_revoke": (
        "manage",
        "post",
        lambda w: f"/api/v1/intake-keys/{w.key.pk}/revoke/",
        lambda w: None,
        200,
        ["intake_key.revoked"],
    ),
}
ALLOWED = {
    "org": {"viewer", "contributor", "manager"},
    "contribute": {"contributor", "manager"},
    "manage": {"manager"},
}
DENIED = {"anon": 401, "outsider": 404, "viewer": 403, "contributor": 403}


def state() -> tuple:
    """Everything the writes above could change."""
    return (
        list(Stakeholder.objects.order_by("pk").values_list("pk", "influence", "unit")),
        sorted(ProjectStakeholder.objects.values_list("pk", flat=True)),
        list(Workshop.objects.order_by("pk").values_list("pk", "status", "ics_sequence")),
        sorted(WorkshopInvitation.objects.values_list("pk", "attended")),
        list(FeedbackRound.objects.order_by("pk").values_list("pk", "status", "you_said_we_did")),
        sorted(FeedbackInvite.objects.values_list("pk", "link_nonce")),
        list(IntakeKey.objects.order_by("pk").values_list("pk", "revoked_at")),
        Task.objects.count(),
    )


@pytest.mark.parametrize("role", ["anon", "outsider", "viewer", "contributor", "manager"])
@pytest.mark.parametrize("name", list(WRITES))
def test_write_matrix(world, as_role, name, role):
    perm, method, path, body, success, actions = WRITES[name]
    user = as_role(role)
    url, data = path(world), body(world)
    before_state, before = state(), event_count()

    response = getattr(client_for(user), method)(url, data, format="json")

    if role in ALLOWED[perm]:
        assert response.status_code == success, response.content
        events = new_events(before)
        assert sorted(e.action for e in events) == actions
        assert {e.actor_id for e in events} == {user.pk}
        assert {e.project_id for e in events} <= {world.project.pk, None}
    else:
        assert_problem(response, DENIED[role])
        assert state() == before_state
        assert event_count() == before


READS = [
    "/api/v1/organizations/{org}/stakeholders/",
    "/api/v1/stakeholders/{dana}/",
    "/api/v1/projects/{project}/stakeholders/",
    "/api/v1/projects/{project}/stakeholders/grid/",
    "/api/v1/projects/{project}/stakeholders/{dana_link}/",
    "/api/v1/projects/{project}/workshops/",
    "/api/v1/workshops/{upcoming}/",
    "/api/v1/workshops/{upcoming}/ics/",
    "/api/v1/projects/{project}/feedback-rounds/",
    "/api/v1/feedback-rounds/{open}/",
    "/api/v1/feedback-rounds/{open}/results/",
    "/api/v1/feedback-rounds/{open}/results.csv",
    "/api/v1/feedback-rounds/{open}/outstanding/",
    "/api/v1/feedback-invites/{dana_invite}/",
    "/api/v1/projects/{project}/feedback-trend/?key=usefulness",
    "/api/v1/projects/{project}/intake-keys/",
    "/api/v1/intake-keys/{key}/",
    "/api/v1/projects/{project}/product-feedback/",
    "/api/v1/projects/{project}/product-feedback/summary/",
]


def _ids(world) -> dict:
    return {
        "org": world.project.organization_id,
        "project": world.project.pk,
        "dana": world.dana.pk,
        "dana_link": _link(world, world.dana).pk,
        "upcoming": world.upcoming.pk,
        "open": world.open.pk,
        "dana_invite": _invite(world, world.open, world.dana).pk,
        "key": world.key.pk,
    }


def test_another_organisation_gets_404_on_every_endpoint(world, outsider):
    client = client_for(outsider)
    ids = _ids(world)
    before_state, before = state(), event_count()

    for template in READS:
        assert_problem(client.get(template.format(**ids)), 404)
    for name, (_, method, path, body, _, _) in WRITES.items():
        response = getattr(client, method)(path(world), body(world), format="json")
        assert response.status_code == 404, name
        assert_problem(response, 404)

    assert state() == before_state
    assert event_count() == before


def test_reads_succeed_for_a_viewer(world, project_member):
    """The same paths answer a viewer of the project (managers only for the keys)."""
    viewer = project_member(world.project, ProjectRole.VIEWER)
    client = client_for(viewer)
    ids = _ids(world)
    statuses = {template: client.get(template.format(**ids)).status_code for template in READS}
    assert statuses == {template: 403 if "intake-keys" in template else 200 for template in READS}


def test_an_organisation_member_off_the_project_sees_the_registry_only(world, org_member):
    member = org_member(OrgRole.MEMBER)
    client = client_for(member)
    ids = _ids(world)
    statuses = {template: client.get(template.format(**ids)).status_code for template in READS}
    registry = {"/api/v1/organizations/{org}/stakeholders/", "/api/v1/stakeholders/{dana}/"}
    assert statuses == {template: 200 if template in registry else 404 for template in READS}


@pytest.fixture
def their_world(other_org, outsider):
    theirs = ProjectFactory(organization=other_org, owner=outsider, name="Globex bot")
    ProjectMembershipFactory(project=theirs, user=outsider, role=ProjectRole.MANAGER)
    return build_world(theirs)


def test_lists_never_cross_organisations(world, their_world):
    mine = client_for(world.manager)
    org_id, their_org_id = world.project.organization_id, their_world.project.organization_id

    people = mine.get(f"/api/v1/organizations/{org_id}/stakeholders/").json()["results"]
    theirs = client_for(their_world.manager).get(
        f"/api/v1/organizations/{their_org_id}/stakeholders/"
    )

    assert {row["id"] for row in people} == {
        str(world.dana.pk),
        str(world.lee.pk),
        str(world.sam.pk),
    }
    assert {row["organization"] for row in theirs.json()["results"]} == {str(their_org_id)}
    assert_problem(mine.get(f"/api/v1/organizations/{their_org_id}/stakeholders/"), 404)
    base = f"/api/v1/projects/{world.project.pk}"
    listed = {
        "stakeholders": mine.get(f"{base}/stakeholders/").json()["results"],
        "workshops": mine.get(f"{base}/workshops/").json()["results"],
        "rounds": mine.get(f"{base}/feedback-rounds/").json()["results"],
        "keys": mine.get(f"{base}/intake-keys/").json()["results"],
    }
    assert {row["stakeholder"]["id"] for row in listed["stakeholders"]} == {
        str(world.dana.pk),
        str(world.lee.pk),
    }
    assert {row["id"] for row in listed["workshops"]} == {
        str(world.upcoming.pk),
        str(world.past.pk),
    }
    assert {row["id"] for row in listed["rounds"]} == {
        str(r.pk) for r in (world.draft, world.open, world.closed)
    }
    assert [row["id"] for row in listed["keys"]] == [str(world.key.pk)]


def test_their_rows_are_404_under_my_project_and_400_in_my_bodies(world, their_world):
    client = client_for(world.manager)
    base = f"/api/v1/projects/{world.project.pk}"
    their_link = _link(their_world, their_world.dana)
    before_state, before = state(), event_count()

    assert_problem(client.get(f"{base}/stakeholders/{their_link.pk}/"), 404)
    assert_problem(client.delete(f"{base}/stakeholders/{their_link.pk}/"), 404)
    linked = client.post(f"{base}/stakeholders/", {"stakeholder": str(their_world.sam.pk)})
    scheduled = client.post(
        f"{base}/workshops/",
        {
            "title": "Mixed",
            "starts_at": "2030-05-02T14:00:00Z",
            "stakeholders": [str(their_world.dana.pk)],
        },
    )
    invited = client.post(
        f"/api/v1/workshops/{world.upcoming.pk}/invite/",
        {"stakeholders": [str(their_world.lee.pk)]},
    )
    opened = client.post(
        f"/api/v1/feedback-rounds/{world.draft.pk}/open/",
        {"stakeholders": [str(their_world.dana.pk)]},
    )

    assert assert_problem(linked, 400)["errors"] == {"stakeholder": ["Unknown stakeholder."]}
    assert list(assert_problem(scheduled, 400)["errors"]) == ["stakeholders"]
    assert list(assert_problem(invited, 400)["errors"]) == ["stakeholders"]
    assert list(assert_problem(opened, 400)["errors"]) == ["stakeholders"]
    assert state() == before_state
    assert event_count() == before
    assert AuditEvent.objects.filter(organization=their_world.project.organization).exists()
