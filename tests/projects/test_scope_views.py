"""Scope-phase pages: register and heat map, scope document, feasibility, tasks, gate, intake."""

import html

import pytest

from accounts.permissions import OWN_STUDY, REQUESTER_SIGNS
from audit.models import AuditEvent
from projects import services
from projects.models import FeasibilityStudy, GateRequest, Risk, ScopeVersion, Task, UseCaseProposal
from tests.factories import ProjectFactory
from tests.projects.scope_helpers import (
    GO_STUDY,
    approved_scope,
    assessed_risk,
    go_feasibility,
    held_workshop,
    reviewer_for,
)

pytestmark = pytest.mark.django_db

PAGES = [
    "",
    "risks/",
    "scope/",
    "scope/new/",
    "feasibility/",
    "feasibility/new/",
    "tasks/",
    "gate/",
    "audit/",
]


@pytest.mark.parametrize("page", PAGES)
def test_every_scope_page_renders_for_the_manager_and_is_404_for_outsiders(
    client, project, outsider, page
):
    client.force_login(project.owner)
    assert client.get(f"/projects/{project.pk}/{page}").status_code == 200
    client.force_login(outsider)
    assert client.get(f"/projects/{project.pk}/{page}").status_code == 404


@pytest.mark.parametrize("page", ["scope/new/", "feasibility/new/"])
def test_viewers_cannot_open_the_write_pages(client, project, project_member, page):
    client.force_login(project_member(project, "viewer"))
    assert client.get(f"/projects/{project.pk}/{page}").status_code == 403


def test_risk_added_by_hand_and_from_the_library_shows_on_the_heat_map(client, project):
    client.force_login(project.owner)
    bad = client.post(
        f"/projects/{project.pk}/risks/new/",
        {"title": "X", "category": "data", "likelihood": "6", "status": "open"},
    )
    assert bad.status_code == 400
    assert Risk.objects.count() == 0

    client.post(
        f"/projects/{project.pk}/risks/new/",
        {
            "title": "Hallucinated policy terms",
            "category": "technical",
            "likelihood": "4",
            "impact": "5",
            "status": "open",
        },
    )
    response = client.post(f"/projects/{project.pk}/risks/new/", {"library_ref": "owasp-llm:LLM01"})
    library_risk = Risk.objects.get(library_ref="owasp-llm:LLM01")
    assert response["Location"] == f"/projects/{project.pk}/risks/{library_risk.pk}/"

    cell = client.get(
        f"/projects/{project.pk}/risks/?likelihood=4&impact=5",
        headers={"HX-Request": "true", "HX-Target": "risk-table"},
    ).content.decode()
    assert "Hallucinated policy terms" in cell
    assert "Prompt Injection" not in cell
    assert "<html" not in cell
    page = client.get(f"/projects/{project.pk}/risks/").content.decode()
    assert 'aria-label="1 risk with likelihood 4 and impact 5"' in page


def test_a_stale_risk_edit_is_refused_with_409(client, project):
    risk = services.risk_create(actor=project.owner, project=project, title="A", category="data")
    services.risk_update(actor=project.owner, risk=risk, expected_version=1, likelihood=2)
    client.force_login(project.owner)
    response = client.post(
        f"/projects/{project.pk}/risks/{risk.pk}/",
        {"title": "A", "category": "data", "likelihood": "5", "status": "open", "version": "1"},
    )
    assert response.status_code == 409
    assert "Someone changed this risk" in response.content.decode()
    assert Risk.objects.get(pk=risk.pk).likelihood == 2


def _rows(prefix, columns, *rows):
    """A row editor's rows as the form posts them."""
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
    for n, row in enumerate(rows):
        data |= {
            f"{prefix}-{n}-{column}": value for column, value in zip(columns, row, strict=True)
        }
    return data


def test_scope_version_written_submitted_and_approved_in_the_pages(client, project, project_member):
    reviewer = reviewer_for(project, project_member)
    client.force_login(project.owner)
    bad = client.post(
        f"/projects/{project.pk}/scope/new/",
        {"goals": "G"}
        | _rows(
            "milestones", ("title", "due_date"), ("Late", "2027-05-01"), ("Early", "2027-02-01")
        )
        | _rows("criteria", ("metric", "comparison", "target", "unit")),
    )
    assert bad.status_code == 400
    assert "dated before the one above it" in bad.content.decode()
    client.post(
        f"/projects/{project.pk}/scope/new/",
        {"goals": "Halve triage time.", "out_of_scope": "Automatic decisions"}
        | _rows(
            "milestones", ("title", "due_date"), ("Pilot", "2027-02-01"), ("Go-live", "2027-05-01")
        )
        | _rows(
            "criteria",
            ("metric", "comparison", "target", "unit"),
            ("Median triage time", "lte", "4", "hours"),
        ),
    )
    version = ScopeVersion.objects.get()
    assert [m.title for m in version.milestones.all()] == ["Pilot", "Go-live"]
    assert str(version.success_criteria.get()) == "Median triage time at most 4.0000 hours"
    client.post(f"/projects/{project.pk}/scope/{version.pk}/submit/")
    client.post(f"/projects/{project.pk}/scope/{version.pk}/approve/", {"comment": "Mine"})
    assert ScopeVersion.objects.get().status == "in_review"  # the author cannot approve
    client.force_login(reviewer)
    client.post(f"/projects/{project.pk}/scope/{version.pk}/approve/", {"comment": "Clear."})
    assert ScopeVersion.objects.get().status == "approved"


def test_feasibility_written_and_signed_off(client, project, project_member):
    client.force_login(project_member(project, "contributor"))
    client.post(
        f"/projects/{project.pk}/feasibility/new/",
        {"title": "Study", "currency": "EUR", "verdict": "go", "technology_rating": "feasible"},
    )
    study = FeasibilityStudy.objects.get()
    client.force_login(project.owner)
    refused = client.post(f"/projects/{project.pk}/feasibility/{study.pk}/sign-off/", follow=True)
    assert "Before signing off" in refused.content.decode()
    assert FeasibilityStudy.objects.get().signed_off_at is None


def test_the_author_of_a_study_is_not_offered_its_sign_off(client, project, admin):
    services.feasibility_create(actor=project.owner, project=project, **GO_STUDY)
    url = f"/projects/{project.pk}/feasibility/"

    client.force_login(project.owner)
    author_page = client.get(url).content.decode()
    client.force_login(admin)
    other_page = client.get(url).content.decode()

    assert ">Sign off</button>" not in author_page
    assert f"Sign-off not offered to you: {OWN_STUDY}" in html.unescape(author_page)
    assert ">Sign off</button>" in other_page
    assert "not offered to you" not in other_page


def test_the_author_is_refused_the_sign_off_with_the_reason(client, project):
    study = services.feasibility_create(actor=project.owner, project=project, **GO_STUDY)
    client.force_login(project.owner)
    refused = client.post(f"/projects/{project.pk}/feasibility/{study.pk}/sign-off/", follow=True)
    assert OWN_STUDY in html.unescape(refused.content.decode())
    assert FeasibilityStudy.objects.get().signed_off_at is None


def test_the_gate_page_says_why_the_requester_is_not_offered_the_manager_sign_off(
    client, project, project_member
):
    manager = project.owner
    approved_scope(project, manager, reviewer_for(project, project_member))
    held_workshop(project, manager)
    go_feasibility(project, manager)
    assessed_risk(project, manager)
    request = services.gate_request(actor=manager, project=project)
    client.force_login(manager)

    page = html.unescape(client.get(f"/projects/{project.pk}/gate/").content.decode())
    assert "Approve as project manager" not in page
    assert f"Not offered to you: {REQUESTER_SIGNS}" in page

    refused = client.post(
        f"/projects/{project.pk}/gate/{request.pk}/approve/", {"capacity": "manager"}, follow=True
    )
    assert REQUESTER_SIGNS in html.unescape(refused.content.decode())
    assert request.approvals.count() == 0

    other = project_member(project, "manager")
    client.force_login(other)
    page = client.get(f"/projects/{project.pk}/gate/").content.decode()
    assert "Approve as project manager" in page
    assert "Not offered to you" not in page


def test_gate_page_lists_what_is_missing_and_refuses_the_request(client, project):
    client.force_login(project.owner)
    page = client.get(f"/projects/{project.pk}/gate/").content.decode()
    assert "An approved scope document" in page
    assert page.count('class="badge bad">missing') == 4
    response = client.post(f"/projects/{project.pk}/gate/request/", follow=True)
    assert "criteria are not all met" in response.content.decode()
    assert GateRequest.objects.count() == 0


def test_gate_passed_through_the_pages(client, project, project_member, compliance_officer):
    manager = project.owner
    approved_scope(project, manager, reviewer_for(project, project_member))
    held_workshop(project, manager)
    go_feasibility(project, manager)
    assessed_risk(project, manager)
    client.force_login(project_member(project, "manager"))
    client.post(f"/projects/{project.pk}/gate/request/", {"note": "Ready"})
    request = GateRequest.objects.get()
    client.force_login(manager)
    client.post(f"/projects/{project.pk}/gate/{request.pk}/approve/", {"capacity": "manager"})
    client.post(f"/projects/{project.pk}/gate/{request.pk}/approve/", {"capacity": "compliance"})
    assert GateRequest.objects.get().approvals.count() == 1  # the manager cannot sign twice
    client.force_login(compliance_officer)
    client.post(f"/projects/{project.pk}/gate/{request.pk}/approve/", {"capacity": "compliance"})
    project.refresh_from_db()
    assert project.phase == "select"
    assert AuditEvent.objects.filter(action="project.phase_changed").count() == 1


def test_tasks_and_my_work(client, project):
    client.force_login(project.owner)
    client.post(
        f"/projects/{project.pk}/tasks/",
        {"title": "Collect claims", "assignee": str(project.owner.pk), "due_date": "2027-01-10"},
    )
    task = Task.objects.get()
    assert "Collect claims" in client.get("/projects/my-work/").content.decode()
    client.post(f"/projects/tasks/{task.pk}/status/", {"status": "done", "back": "my-work"})
    assert Task.objects.get().status == "done"
    assert "Collect claims" not in client.get("/projects/my-work/").content.decode()


def test_intake_proposal_and_triage(client, org, org_member, compliance_officer):
    member = org_member()
    client.force_login(member)
    fields = {
        "title": "Clause finder",
        "problem": "Slow reviews",
        "intended_users": "Legal",
        "data_involved": "Contracts",
        "expected_benefit": "Faster",
        "urgency": "high",
    }
    assert client.post("/projects/proposals/", fields | {"title": ""}).status_code == 400
    client.post("/projects/proposals/", fields)
    proposal = UseCaseProposal.objects.get()
    client.post(f"/projects/proposals/{proposal.pk}/triage/", {"decision": "accept"})
    assert UseCaseProposal.objects.get().status == "submitted"  # members do not triage
    client.force_login(compliance_officer)
    response = client.post(f"/projects/proposals/{proposal.pk}/triage/", {"decision": "accept"})
    proposal.refresh_from_db()
    assert response["Location"] == f"/projects/{proposal.project_id}/"
    assert proposal.project is not None
    assert proposal.project.owner == member


def test_scope_version_of_another_project_is_404(client, project, org, admin):
    other = services.project_create(actor=admin, organization=org, name="Other")
    version = services.scope_version_create(actor=admin, project=other, goals="G")
    client.force_login(admin)
    assert client.get(f"/projects/{project.pk}/scope/{version.pk}/").status_code == 404
    assert client.get(f"/projects/{project.pk}/scope/?against=not-a-uuid").status_code == 200


def _fill(project, rows):
    start = Risk.objects.filter(project=project).count()
    Risk.objects.bulk_create(
        Risk(
            project=project,
            reference=start + n + 1,
            title=f"Risk {n}",
            category="technical",
            likelihood=n % 5 + 1,
            impact=n % 3 + 1,
            owner=project.owner,
        )
        for n in range(rows)
    )
    ProjectFactory.create_batch(rows, organization=project.organization, owner=project.owner)
    for n in range(rows):
        services.task_create(
            actor=project.owner, project=project, title=f"T{n}", assignee=project.owner
        )


PAGES_BY_ROWS = ["/projects/", "/projects/{pk}/", "/projects/{pk}/risks/", "/projects/my-work/"]


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_page_queries_do_not_grow_with_rows(client, project):
    """The same number of queries with 5 and with 200 projects, risks and tasks."""
    client.force_login(project.owner)
    _fill(project, 5)
    small = {url: _queries(client, url.format(pk=project.pk)) for url in PAGES_BY_ROWS}
    _fill(project, 195)
    large = {url: _queries(client, url.format(pk=project.pk)) for url in PAGES_BY_ROWS}
    assert Risk.objects.filter(project=project).count() == 200
    assert large == small
    assert max(small.values()) <= 25
