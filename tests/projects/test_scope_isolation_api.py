"""Who reads the Scope-phase API, and isolation: everyone on a project reads every list and
detail; someone of another organisation gets 404 on every endpoint, list and detail, whatever
they send; lists never show other organisations' rows; a row under another project's URL is a
404 too."""

import pytest

from accounts.models import OrganizationMembership
from audit.models import AuditEvent
from projects import services
from projects.models import (
    FeasibilityStudy,
    GateApproval,
    GateRequest,
    Project,
    Risk,
    ScopeVersion,
    Task,
    UseCaseProposal,
)
from tests.factories import ProjectFactory, ProjectMembershipFactory
from tests.helpers import assert_problem, client_for
from tests.projects.scope_api_helpers import matrix
from tests.projects.scope_helpers import (
    GO_STUDY,
    approved_scope,
    assessed_risk,
    go_feasibility,
    held_workshop,
    reviewer_for,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"
PROPOSAL = {
    "title": "Clause finder",
    "problem": "Manual search.",
    "intended_users": "Lawyers",
    "data_involved": "Contracts",
    "expected_benefit": "Time",
}


@pytest.fixture
def ours(org, project, manager, project_member, org_member):
    """Our organisation's project with a row of every kind, and a pending gate request."""
    approved_scope(project, manager, reviewer_for(project, project_member))
    held_workshop(project, manager)
    go_feasibility(project, manager)
    risk = assessed_risk(project, manager)
    draft = services.scope_version_create(actor=manager, project=project, goals="Next.")
    study = services.feasibility_create(actor=manager, project=project, **GO_STUDY)
    task = services.task_create(actor=manager, project=project, title="DPIA", assignee=manager)
    gate = services.gate_request(actor=manager, project=project)
    proposal = services.proposal_submit(
        actor=org_member(OrganizationMembership.Role.MEMBER), organization=org, **PROPOSAL
    )
    return {
        "org": org,
        "project": project,
        "version": draft,
        "study": study,
        "risk": risk,
        "task": task,
        "gate": gate,
        "proposal": proposal,
    }


def _every_endpoint(rows):
    """(method, path, body) of every Scope-phase endpoint, on these rows."""
    p = f"{API}/projects/{rows['project'].pk}"
    v = f"{p}/scope/versions/{rows['version'].pk}"
    s = f"{p}/feasibility-studies/{rows['study'].pk}"
    r = f"{p}/risks/{rows['risk'].pk}"
    g = f"{API}/gate-requests/{rows['gate'].pk}"
    proposal = f"{API}/proposals/{rows['proposal'].pk}"
    return [
        ("get", f"{API}/organizations/{rows['org'].pk}/proposals/", None),
        ("post", f"{API}/organizations/{rows['org'].pk}/proposals/", PROPOSAL),
        ("get", f"{proposal}/", None),
        ("post", f"{proposal}/request-info/", {"note": "Why?"}),
        ("post", f"{proposal}/resubmit/", {"title": "Mine"}),
        ("post", f"{proposal}/accept/", {}),
        ("post", f"{proposal}/reject/", {"reason": "No."}),
        ("get", f"{p}/scope/versions/", None),
        ("post", f"{p}/scope/versions/", {"goals": "Mine."}),
        ("get", f"{v}/", None),
        ("post", f"{v}/submit/", None),
        ("post", f"{v}/approve/", {}),
        ("post", f"{v}/request-changes/", {"comment": "No."}),
        ("post", f"{v}/comments/", {"body": "Hello."}),
        ("get", f"{v}/diff/?against={rows['version'].pk}", None),
        ("get", f"{p}/feasibility-studies/", None),
        ("post", f"{p}/feasibility-studies/", {"title": "Mine"}),
        ("get", f"{s}/", None),
        ("patch", f"{s}/", {"version": 1, "title": "Mine"}),
        ("post", f"{s}/sign-off/", None),
        ("get", f"{p}/risks/", None),
        ("post", f"{p}/risks/", {"library_ref": "owasp-llm:LLM01"}),
        ("get", f"{p}/risks/heat-map/", None),
        ("get", f"{r}/", None),
        ("patch", f"{r}/", {"version": 1, "likelihood": 1}),
        ("get", f"{p}/tasks/", None),
        ("post", f"{p}/tasks/", {"title": "Mine"}),
        ("get", f"{API}/tasks/{rows['task'].pk}/", None),
        ("patch", f"{API}/tasks/{rows['task'].pk}/", {"status": "done"}),
        ("get", f"{p}/gate/", None),
        ("post", f"{p}/gate/request/", {}),
        ("get", f"{g}/", None),
        ("post", f"{g}/approve/", {"capacity": "manager"}),
        ("post", f"{g}/reject/", {"capacity": "manager", "comment": "No."}),
        ("post", f"{g}/withdraw/", None),
        ("post", f"{p}/move-back/", {"reason": "Mine."}),
        ("get", f"{p}/phase-history/", None),
    ]


def _state():
    """Everything an endpoint could change."""
    return [
        list(model.objects.order_by("pk").values())
        for model in (
            UseCaseProposal,
            Project,
            ScopeVersion,
            FeasibilityStudy,
            Risk,
            Task,
            GateRequest,
            GateApproval,
        )
    ] + [AuditEvent.objects.count()]


def test_another_organisation_gets_404_on_every_endpoint(ours, outsider):
    client = client_for(outsider)  # an administrator of their own organisation
    before = _state()

    for method, path, body in _every_endpoint(ours):
        response = getattr(client, method)(path, body, format="json")
        assert response.status_code == 404, (method, path)
        assert_problem(response, 404)

    assert _state() == before


def test_their_lists_never_show_our_rows(ours, other_org, outsider):
    theirs = services.project_create(actor=outsider, organization=other_org, name="Theirs")
    services.risk_create(actor=outsider, project=theirs, title="Theirs", category="data")
    services.task_create(actor=outsider, project=theirs, title="Theirs", assignee=outsider)
    services.proposal_submit(actor=outsider, organization=other_org, **PROPOSAL)
    client = client_for(outsider)

    lists = {
        "proposals": client.get(f"{API}/organizations/{other_org.pk}/proposals/"),
        "risks": client.get(f"{API}/projects/{theirs.pk}/risks/"),
        "tasks": client.get(f"{API}/projects/{theirs.pk}/tasks/"),
        "my tasks": client.get(f"{API}/me/tasks/"),
        "versions": client.get(f"{API}/projects/{theirs.pk}/scope/versions/"),
        "studies": client.get(f"{API}/projects/{theirs.pk}/feasibility-studies/"),
        "phases": client.get(f"{API}/projects/{theirs.pk}/phase-history/"),
    }
    gate = client.get(f"{API}/projects/{theirs.pk}/gate/").json()

    seen = {name: [row["id"] for row in r.json()["results"]] for name, r in lists.items()}
    assert seen == {
        "proposals": [str(UseCaseProposal.objects.get(organization=other_org).pk)],
        "risks": [str(theirs.risks.get().pk)],
        "tasks": [str(theirs.tasks.get().pk)],
        "my tasks": [str(theirs.tasks.get().pk)],
        "versions": [],
        "studies": [],
        "phases": [],
    }
    assert (gate["pending_request"], gate["history"]) == (None, [])
    ours_ids = {str(row.pk) for row in ours.values() if hasattr(row, "pk")}
    assert not ours_ids & {i for ids in seen.values() for i in ids}


def test_a_row_under_another_projects_url_is_404(org, ours, manager):
    """Someone on two projects cannot reach one project's rows through the other's URL."""
    other = ProjectFactory(organization=org, owner=manager, name="Other")
    ProjectMembershipFactory(project=other, user=manager, role="manager")
    client = client_for(manager)
    wrong = f"{API}/projects/{other.pk}"
    before = _state()

    for path, body in (
        (f"{wrong}/scope/versions/{ours['version'].pk}/", None),
        (f"{wrong}/scope/versions/{ours['version'].pk}/submit/", {}),
        (f"{wrong}/feasibility-studies/{ours['study'].pk}/", None),
        (f"{wrong}/feasibility-studies/{ours['study'].pk}/sign-off/", {}),
        (f"{wrong}/risks/{ours['risk'].pk}/", None),
    ):
        method = "get" if body is None else "post"
        assert_problem(getattr(client, method)(path, body, format="json"), 404)
    assert_problem(
        client.patch(f"{wrong}/risks/{ours['risk'].pk}/", {"version": 1, "impact": 1}), 404
    )
    assert_problem(
        client.patch(
            f"{wrong}/feasibility-studies/{ours['study'].pk}/", {"version": 1, "title": "x"}
        ),
        404,
    )
    assert _state() == before


@pytest.mark.parametrize(("role", "status"), matrix("view"))
def test_read_matrix(ours, role, status, as_role):
    user = as_role(role)
    client = client_for(user)
    reads = [path for method, path, _ in _every_endpoint(ours) if method == "get"]
    # The organisation's inventory is for every member, project or not: checked in
    # test_intake_api; here, the project's records.
    reads = [path for path in reads if "/proposals/" not in path]

    for path in reads:
        response = client.get(path)
        assert response.status_code == status, path
        if status != 200:
            assert_problem(response, status)
    assert len(reads) == 13
