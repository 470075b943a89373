"""The audit-events REST API: who reads which events, filters, cursor pagination over a
growing trail, isolation between organisations, and a query budget that ignores row counts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import OrganizationMembership, User
from audit.models import AuditEvent
from audit.writer import audit_record
from core.actors import SYSTEM
from core.api.pagination import BAD_CURSOR
from tests.factories import OrganizationMembershipFactory, ProjectFactory
from tests.helpers import UNKNOWN_UUID, assert_problem, client_for

pytestmark = pytest.mark.django_db

OrgRole = OrganizationMembership.Role


def listed_actions(user: User | None, **query: str) -> list[str]:
    response = client_for(user).get("/api/v1/audit-events/", query)
    assert response.status_code == 200, response.content
    return [row["action"] for row in response.json()["results"]]


@pytest.fixture
def trail(org, other_org, project, admin, outsider):
    """Events: org-level, on `project`, on another project of org, and in other_org."""
    other_project = ProjectFactory(organization=org, owner=admin, name="Other project")
    theirs = ProjectFactory(organization=other_org, owner=outsider, name="Theirs")
    return {
        "org": audit_record(actor=admin, action="organization.renamed", target=org),
        "project": audit_record(
            actor=admin, action="project.updated", target=project, project=project
        ),
        "other_project": audit_record(
            actor=admin, action="project.created", target=other_project, project=other_project
        ),
        "theirs": audit_record(
            actor=outsider, action="project.updated", target=theirs, project=theirs
        ),
    }


# --- who reads what -----------------------------------------------------------------------------


def test_admins_and_compliance_officers_read_the_whole_organisation_trail(
    trail, admin, compliance_officer
):
    for user in (admin, compliance_officer):
        assert listed_actions(user) == [
            "project.created",
            "project.updated",
            "organization.renamed",
        ]


def test_project_members_read_only_their_projects_events(trail, project, project_member):
    for role in ("viewer", "contributor", "reviewer", "manager"):
        user = project_member(project, role)
        response = client_for(user).get("/api/v1/audit-events/")
        assert [row["id"] for row in response.json()["results"]] == [str(trail["project"].pk)]


def test_plain_members_read_nothing_and_anonymous_is_401(trail, org_member, api_client):
    assert listed_actions(org_member(OrgRole.MEMBER)) == []
    assert_problem(api_client.get("/api/v1/audit-events/"), 401)
    assert_problem(api_client.get(f"/api/v1/audit-events/{trail['org'].pk}/"), 401)


def test_outsider_reads_only_their_own_organisation(trail, outsider, org):
    ids = [row["id"] for row in client_for(outsider).get("/api/v1/audit-events/").json()["results"]]
    assert ids == [str(trail["theirs"].pk)]
    assert listed_actions(outsider, organization=str(org.pk)) == []


def test_event_detail_has_every_field(trail, admin, org, project):
    event = AuditEvent.objects.get(pk=trail["project"].pk)

    body = client_for(admin).get(f"/api/v1/audit-events/{event.pk}/").json()

    assert body == {
        "id": str(event.pk),
        "chain": str(org.pk),
        "sequence": event.sequence,
        "occurred_at": body["occurred_at"],
        "organization": str(org.pk),
        "project": str(project.pk),
        "actor": {"id": str(admin.pk), "email": admin.email},
        "action": "project.updated",
        "target_type": "projects.project",
        "target_id": str(project.pk),
        "data": {},
        "origin": event.origin,
        "request_id": event.request_id,
        "ip_address": None,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }
    assert body["occurred_at"].replace("Z", "+00:00") == event.occurred_at.isoformat()


def test_system_events_have_a_null_actor(org, admin):
    audit_record(actor=SYSTEM, action="invitation.expired", target=org)
    [row] = client_for(admin).get("/api/v1/audit-events/").json()["results"]
    assert row["actor"] is None


def test_the_actor_filter_takes_a_person_or_the_system(org, admin):
    audit_record(actor=SYSTEM, action="invitation.expired", target=org)
    audit_record(actor=admin, action="organization.renamed", target=org)
    client = client_for(admin)
    by_system = client.get("/api/v1/audit-events/", {"actor": "system"}).json()["results"]
    assert [row["action"] for row in by_system] == ["invitation.expired"]
    by_admin = client.get("/api/v1/audit-events/", {"actor": str(admin.pk)}).json()["results"]
    assert {row["action"] for row in by_admin} == {"organization.renamed"}
    assert assert_problem(client.get("/api/v1/audit-events/", {"actor": "nobody"}), 400)


@pytest.mark.parametrize(
    ("viewer", "event", "status"),
    [
        ("outsider", "org", 404),
        ("outsider", "project", 404),
        ("admin", "theirs", 404),
        ("member", "org", 404),
        ("viewer", "other_project", 404),
        ("viewer", "org", 404),
        ("viewer", "project", 200),
        ("compliance_officer", "org", 200),
    ],
)
def test_event_detail_isolation(
    trail,
    project,
    project_member,
    org_member,
    admin,
    outsider,
    compliance_officer,
    viewer,
    event,
    status,
):
    users = {
        "outsider": outsider,
        "admin": admin,
        "member": org_member(OrgRole.MEMBER),
        "viewer": project_member(project, "viewer"),
        "compliance_officer": compliance_officer,
    }
    response = client_for(users[viewer]).get(f"/api/v1/audit-events/{trail[event].pk}/")
    assert response.status_code == status
    if status == 404:
        assert_problem(response, 404)


def test_the_trail_is_read_only(trail, admin):
    client = client_for(admin)
    event = trail["org"]
    before = AuditEvent.objects.count()

    assert_problem(client.post("/api/v1/audit-events/", {"action": "x"}), 405)
    assert_problem(client.patch(f"/api/v1/audit-events/{event.pk}/", {"action": "x"}), 405)
    assert_problem(client.put(f"/api/v1/audit-events/{event.pk}/", {"action": "x"}), 405)
    assert_problem(client.delete(f"/api/v1/audit-events/{event.pk}/"), 405)
    assert AuditEvent.objects.count() == before
    assert AuditEvent.objects.get(pk=event.pk).action == "organization.renamed"


# --- filters ------------------------------------------------------------------------------------


def test_filters(trail, org, other_org, project, admin, compliance_officer):
    audit_record(
        actor=compliance_officer, action="project.phase_changed", target=project, project=project
    )
    OrganizationMembershipFactory(organization=other_org, user=admin, role=OrgRole.ADMIN)
    everything = listed_actions(admin)
    assert len(everything) == 5

    assert listed_actions(admin, organization=str(other_org.pk)) == ["project.updated"]
    assert listed_actions(admin, project=str(project.pk)) == [
        "project.phase_changed",
        "project.updated",
    ]
    assert listed_actions(admin, action="project.updated") == ["project.updated", "project.updated"]
    assert listed_actions(admin, action="organization.") == ["organization.renamed"]
    assert listed_actions(admin, actor=str(compliance_officer.pk)) == ["project.phase_changed"]
    assert listed_actions(admin, target_type="accounts.organization") == ["organization.renamed"]
    assert listed_actions(admin, target_id=str(org.pk)) == ["organization.renamed"]
    assert listed_actions(
        admin, organization=str(org.pk), action="project.", actor=str(admin.pk)
    ) == ["project.created", "project.updated"]


def test_time_window_filters(org, admin):
    old = audit_record(actor=admin, action="organization.renamed", target=org)
    new = audit_record(actor=admin, action="organization.renamed", target=org)
    middle = old.occurred_at + (new.occurred_at - old.occurred_at) / 2

    def ids(**query):
        rows = client_for(admin).get("/api/v1/audit-events/", query).json()["results"]
        return [row["id"] for row in rows]

    assert ids(occurred_after=middle.isoformat()) == [str(new.pk)]
    assert ids(occurred_before=middle.isoformat()) == [str(old.pk)]
    assert ids(occurred_after=old.occurred_at.isoformat()) == [str(new.pk), str(old.pk)]
    assert ids(occurred_before=old.occurred_at.isoformat()) == []
    later = (timezone.now() + timedelta(days=1)).isoformat()
    assert ids(occurred_after=later) == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"actor": "ada@example.com"}, "actor"),
        ({"organization": "acme"}, "organization"),
        ({"project": "1"}, "project"),
        ({"occurred_after": "yesterday"}, "occurred_after"),
        ({"occurred_before": "2026-13-40"}, "occurred_before"),
        ({"action": "a" * 81}, "action"),
    ],
)
def test_bad_filter_values_are_400(trail, admin, query, field):
    body = assert_problem(client_for(admin).get("/api/v1/audit-events/", query), 400)
    assert list(body["errors"]) == [field]


@pytest.mark.parametrize("bad_id", ["nope", UNKNOWN_UUID, "12"])
def test_unknown_event_ids_are_404(admin, bad_id):
    assert_problem(client_for(admin).get(f"/api/v1/audit-events/{bad_id}/"), 404)


# --- cursor pagination --------------------------------------------------------------------------


def test_cursor_walk_over_120_events_has_no_duplicates_and_no_gaps(org, other_org, admin, outsider):
    for n in range(120):
        audit_record(actor=admin, action="organization.renamed", target=org, data={"n": n})
        if n % 10 == 0:  # another organisation's chain interleaves and must stay out
            audit_record(actor=outsider, action="organization.renamed", target=other_org)
    expected = [
        str(pk)
        for pk in AuditEvent.objects.filter(organization=org)
        .order_by("-occurred_at", "-sequence")
        .values_list("id", flat=True)
    ]
    client = client_for(admin)

    seen: list[str] = []
    pages = 0
    url = "/api/v1/audit-events/?page_size=25"
    while url:
        body = client.get(url).json()
        assert set(body) == {"next", "previous", "results"}
        seen += [row["id"] for row in body["results"]]
        pages += 1
        if pages == 2:
            # Events written while the client walks are newer: they never shift later pages.
            for _ in range(7):
                audit_record(actor=admin, action="organization.renamed", target=org)
        url = body["next"]

    assert pages == 5
    assert len(seen) == len(set(seen)) == 120
    assert seen == expected


def test_cursor_pages_walk_back_with_previous(org, admin):
    for n in range(12):
        audit_record(actor=admin, action="organization.renamed", target=org, data={"n": n})
    client = client_for(admin)
    first = client.get("/api/v1/audit-events/", {"page_size": 5}).json()
    second = client.get(first["next"]).json()
    back = client.get(second["previous"]).json()

    assert [row["data"]["n"] for row in first["results"]] == [11, 10, 9, 8, 7]
    assert [row["data"]["n"] for row in second["results"]] == [6, 5, 4, 3, 2]
    assert back["results"] == first["results"]
    assert first["previous"] is None


def test_a_forged_cursor_is_refused_naming_the_parameter(admin):
    response = client_for(admin).get("/api/v1/audit-events/", {"cursor": "not-a-cursor"})
    assert assert_problem(response, 400)["errors"] == {"cursor": [BAD_CURSOR]}


def test_list_query_count_does_not_grow_with_rows(org, project, admin, django_assert_num_queries):
    client = client_for(admin)

    def write(count: int) -> None:
        for _ in range(count):
            audit_record(actor=admin, action="project.updated", target=project, project=project)

    write(5)
    with django_assert_num_queries(3):  # session, user, page (actor joined)
        first = client.get("/api/v1/audit-events/", {"page_size": 100})
    assert len(first.json()["results"]) == 5

    write(55)
    with django_assert_num_queries(3):
        second = client.get("/api/v1/audit-events/", {"page_size": 100})
    assert len(second.json()["results"]) == 60
