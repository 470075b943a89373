"""Helpers of the Scope-phase API tests: clients, problem assertions, audit-event bookkeeping
and users in every role towards a project."""

from collections.abc import Callable
from typing import Any

from rest_framework.test import APIClient

from accounts.models import OrganizationMembership, User
from audit.models import AuditEvent
from projects.models import Project

PROBLEM = "application/problem+json"
OrgRole = OrganizationMembership.Role


def client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def assert_problem(response, status: int) -> dict:
    """The response is an RFC 9457 problem with this status, about this request."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert (body["status"], body["instance"]) == (status, response.wsgi_request.path)
    return body


def events_since(count: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.order_by("occurred_at", "sequence")[count:])


def act(
    client: APIClient,
    method: str,
    url: str,
    data: Any = None,
    *,
    status: int,
    events: list[tuple[str, Any]],
) -> Any:
    """Call the API, check the status and that exactly `events` — (action, actor id) — were
    recorded, all from the API; answer the JSON body."""
    before = AuditEvent.objects.count()
    response = getattr(client, method)(url, data, format="json")
    assert response.status_code == status, response.content
    recorded = events_since(before)
    assert [(e.action, e.actor_id) for e in recorded] == events
    assert {e.origin for e in recorded} <= {"api"}
    return response.json()


def refused(
    client: APIClient, method: str, url: str, data: Any = None, *, status: int
) -> dict[str, Any]:
    """Call the API expecting a problem with `status` and no audit event at all."""
    before = AuditEvent.objects.count()
    body = assert_problem(getattr(client, method)(url, data, format="json"), status)
    assert AuditEvent.objects.count() == before
    return body


def role_maker(
    project: Project,
    *,
    org_member: Callable[..., User],
    project_member: Callable[..., User],
    admin: User,
    compliance_officer: User,
    outsider: User,
) -> Callable[[str], User | None]:
    """make(role) → a user holding that role towards `project` (None: anonymous)."""

    def make(role: str) -> User | None:
        if role == "anon":
            return None
        if role == "outsider":
            return outsider
        if role == "org_member":
            return org_member(OrgRole.MEMBER)
        if role == "manager":
            return project.owner
        if role == "org_admin":
            return admin
        if role == "compliance_officer":
            return compliance_officer
        return project_member(project, role)

    return make


ROLES = (
    "anon",
    "outsider",
    "org_member",
    "viewer",
    "contributor",
    "reviewer",
    "manager",
    "org_admin",
    "compliance_officer",
)
# What each project permission lets through, per role (the policy in accounts/permissions.py);
# any other signed-in role of the organisation gets 403, an outsider 404, anonymous 401.
ALLOWED = {
    "view": {"viewer", "contributor", "reviewer", "manager", "org_admin", "compliance_officer"},
    "contribute": {"contributor", "manager", "org_admin"},
    "review": {"reviewer", "manager", "compliance_officer"},
    "contribute_or_review": {
        "contributor",
        "reviewer",
        "manager",
        "org_admin",
        "compliance_officer",
    },
    "manage": {"manager", "org_admin"},
    "compliance": {"compliance_officer"},
}


def matrix(perm: str, ok: int = 200) -> list[tuple[str, int]]:
    """(role, expected status) for every role, for an action needing `perm`."""

    def expected(role: str) -> int:
        if role == "anon":
            return 401
        if role in ("outsider", "org_member"):
            return 404  # an organisation member not on the project does not see it
        return ok if role in ALLOWED[perm] else 403

    return [(role, expected(role)) for role in ROLES]


# The Select gate's criteria as the API lists them when unmet.
CRITERIA = {
    "scope_document_approved": {
        "key": "scope_document_approved",
        "label": "An approved scope document",
        "met": False,
        "detail": "No scope document version has been approved yet.",
        "section": "scope",
        "owner_app": "projects",
    },
    "workshop_held": {
        "key": "workshop_held",
        "label": "At least one stakeholder workshop held",
        "met": False,
        "detail": "No workshop has been recorded as held.",
        "section": "workshops",
        "owner_app": "stakeholders",
    },
    "feasibility_go": {
        "key": "feasibility_go",
        "label": 'A signed-off feasibility study with a "go" verdict',
        "met": False,
        "detail": "No signed-off feasibility study concludes go.",
        "section": "feasibility",
        "owner_app": "projects",
    },
    "risks_scored": {
        "key": "risks_scored",
        "label": "Risks identified, and every risk scored",
        "met": False,
        "detail": "The risk register is empty.",
        "section": "risks",
        "owner_app": "projects",
    },
    "high_risks_mitigated": {
        "key": "high_risks_mitigated",
        "label": "Every high risk has a mitigation plan and an owner",
        "met": False,
        "detail": "1 high risk(s) without a mitigation plan or an owner.",
        "section": "risks",
        "owner_app": "projects",
    },
}
