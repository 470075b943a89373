"""“Waiting for me”: each source shows its item to whoever must act, and to nobody else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from redis.exceptions import RedisError

from accounts.models import OrganizationMembership, ProjectMembership
from accounts.permissions import Perm, can, org_roles, remember_project_roles
from compliance.models import Evidence
from core.models import SignOff
from inbox.selectors import KINDS, inbox_for_user, inbox_total
from projects.models import GateApproval
from tests.factories import ProjectFactory, ProjectMembershipFactory
from tests.inbox import support

pytestmark = pytest.mark.django_db

ProjectRole = ProjectMembership.Role
OrgRole = OrganizationMembership.Role


def kinds(user) -> dict[str, list[str]]:
    """{kind: [titles]} of the non-empty kinds waiting for `user`."""
    return {g.kind: [i.title for i in g.items] for g in inbox_for_user(user=user) if g.items}


@pytest.fixture
def officer(compliance_officer):
    return compliance_officer


@pytest.fixture
def foreign_project(other_org, outsider):
    """A project of another organisation with everything waiting in it."""
    project = ProjectFactory(organization=other_org, owner=outsider, name="Globex bot")
    ProjectMembershipFactory(project=project, user=outsider, role=ProjectRole.MANAGER)
    support.scope_in_review(project, outsider)
    support.pending_gate(project, outsider)
    support.pending_evidence(project, outsider)
    support.open_flag(project)
    support.incident(project, serious=True)
    return project


def test_the_issue_compliance_officer_sees_the_scope_review_and_gate_signoff(
    project, manager, officer, foreign_project
):
    # Given a scope version in review and a gate request, both by the manager
    support.scope_in_review(project, manager)
    support.pending_gate(project, manager)
    # Then the organisation's compliance officer sees both, and nothing of the other org
    waiting = kinds(officer)
    assert waiting == {
        "scope_review": ["Scope version 1"],
        "gate_signoff": ["Gate scope → select"],
    }
    group = next(g for g in inbox_for_user(user=officer) if g.kind == "gate_signoff")
    assert group.items[0].detail == "Your sign-off as compliance officer"
    assert group.items[0].url == f"/projects/{project.pk}/gate/"
    assert group.items[0].project_name == "Claims assistant"


def test_nobody_else_sees_them(project, manager, officer, project_member, org_member, outsider):
    support.scope_in_review(project, manager)
    support.pending_gate(project, manager)
    viewer = project_member(project, ProjectRole.VIEWER)
    member = org_member(OrgRole.MEMBER)
    for person in (viewer, member, outsider):
        assert kinds(person) == {}, person
    # the author/requester may neither review their own version nor (by default) sign
    assert kinds(manager) == {}


def test_gate_signoff_per_capacity(project, manager, officer, project_member, admin):
    request = support.pending_gate(project, manager)
    other_manager = project_member(project, ProjectRole.MANAGER)
    assert kinds(other_manager) == {"gate_signoff": ["Gate scope → select"]}
    # Once the compliance officer has signed, it no longer waits for them; the manager's
    # sign-off is still missing.
    GateApproval.objects.create(
        request=request, approver=officer, capacity=SignOff.Capacity.COMPLIANCE, decision="approve"
    )
    assert kinds(officer) == {}
    assert kinds(other_manager) == {"gate_signoff": ["Gate scope → select"]}
    GateApproval.objects.create(
        request=request,
        approver=other_manager,
        capacity=SignOff.Capacity.MANAGER,
        decision="approve",
    )
    assert kinds(other_manager) == {}
    assert kinds(admin) == {}


def test_gate_requester_sees_it_when_the_organisation_allows(project, manager, org):
    support.pending_gate(project, manager)
    assert kinds(manager) == {}
    org.allow_gate_requester_signoff = True
    org.save()
    assert kinds(manager) == {"gate_signoff": ["Gate scope → select"]}


def test_evidence_to_judge_not_by_its_owner(project, manager, officer, project_member):
    reviewer = project_member(project, ProjectRole.REVIEWER)
    support.pending_evidence(project, officer, title="Officer's own")
    support.pending_evidence(project, manager, title="DPIA")
    Evidence.objects.create(
        project=project,
        kind="url",
        title="Judged",
        url="https://e.org/",
        owner=manager,
        status="accepted",
    )
    assert kinds(officer) == {"evidence_judgement": ["DPIA"]}
    assert kinds(reviewer) == {"evidence_judgement": ["DPIA", "Officer's own"]}
    # a project manager reviews too: the officer's evidence is theirs to judge
    assert kinds(manager) == {"evidence_judgement": ["Officer's own"]}


def test_checks_to_review(project, manager, officer, project_member, compliance_officer):
    someone = project_member(project, ProjectRole.REVIEWER)
    unassigned = support.check(project, status="in_review", owner=manager)
    support.check(project, status="in_review", owner=manager, reviewer=someone)
    own = support.check(project, status="in_review", owner=officer)
    support.check(project, status="in_progress", owner=manager)
    titles = kinds(officer)["check_review"]
    assert titles == [f"{unassigned.requirement} Transparency"]
    assert f"{own.requirement} Transparency" not in titles
    assert len(kinds(someone)["check_review"]) == 3  # the one assigned, and two unassigned
    # the manager reviews too, but not the checks they own
    assert kinds(manager)["check_review"] == [f"{own.requirement} Transparency"]


def test_checks_due_for_their_owner(project, manager, officer):
    today = timezone.localdate()
    overdue = support.check(project, owner=manager, due_date=today - timedelta(days=2))
    soon = support.check(project, owner=manager, due_date=today + timedelta(days=7))
    support.check(project, owner=manager, due_date=today + timedelta(days=8))
    support.check(project, owner=manager, due_date=today - timedelta(days=1), status="met")
    support.check(project, owner=officer, due_date=today)
    group = next(g for g in inbox_for_user(user=manager) if g.kind == "check_due")
    assert [i.title for i in group.items] == [
        f"{overdue.requirement} Transparency",
        f"{soon.requirement} Transparency",
    ]
    assert [i.is_overdue for i in group.items] == [True, False]


def test_open_tasks_of_their_assignee(project, manager, project_member):
    contributor = project_member(project, ProjectRole.CONTRIBUTOR)
    support.task(project, contributor, title="Later", due_date=timezone.localdate() + timedelta(9))
    support.task(project, contributor, title="Soon", due_date=timezone.localdate())
    support.task(project, contributor, title="Done", status="done")
    support.task(project, manager, title="Not mine")
    assert kinds(contributor) == {"task": ["Soon", "Later"]}


def test_feedback_rounds_closing_within_three_days(project, manager, officer, project_member):
    contributor = project_member(project, ProjectRole.CONTRIBUTOR)
    viewer = project_member(project, ProjectRole.VIEWER)
    support.feedback_round(project, manager, timedelta(days=2))
    later = support.feedback_round(project, manager, timedelta(days=10))
    assert kinds(manager) == {"feedback_round_closing": ["Pilot feedback"]}
    assert kinds(contributor) == {"feedback_round_closing": ["Pilot feedback"]}
    assert kinds(viewer) == {}  # cannot close it
    assert kinds(officer) == {}  # not on the project
    assert later.status == "open"  # open, yet not listed: it closes in more than three days


def test_modifications_to_assess_for_compliance(project, manager, officer, admin):
    support.open_flag(project)
    assert kinds(officer) == {"modification_assessment": ["4-bit quantization"]}
    assert kinds(manager) == {}
    assert kinds(admin) == {}


def test_rollout_plans_for_a_manager_who_did_not_write_them(project, manager, project_member):
    other_manager = project_member(project, ProjectRole.MANAGER)
    support.planned_deployment(project, manager)
    assert kinds(other_manager) == {"rollout_approval": ["Claims triage prod"]}
    assert kinds(manager) == {}


def test_incidents_owned_and_serious_reports(project, manager, officer, project_member):
    contributor = project_member(project, ProjectRole.CONTRIBUTOR)
    support.incident(project, owner=contributor)
    resolved = support.incident(project, owner=contributor)
    resolved.status, resolved.resolution, resolved.resolved_at = "resolved", "Fixed", timezone.now()
    resolved.save()
    support.incident(project, serious=True)
    assert kinds(contributor) == {"incident": ["Wrong routing"]}
    assert kinds(officer) == {"incident_report": ["Wrong routing"]}
    assert kinds(manager) == {"incident_report": ["Wrong routing"]}


def test_another_organisations_items_never(project, manager, officer, foreign_project, outsider):
    assert kinds(officer) == {}
    waiting = kinds(outsider)
    # in their own organisation the outsider wrote the rest; the report is theirs to make
    assert waiting == {"incident_report": ["Wrong routing"]}
    for group in inbox_for_user(user=outsider):
        assert all(item.project_id == foreign_project.pk for item in group.items)


# --- the page, the navigation, the API ------------------------------------------------------


def test_page_groups_by_kind_with_counts(client, project, manager, officer):
    support.scope_in_review(project, manager)
    support.pending_gate(project, manager)
    client.force_login(officer)
    html = client.get("/inbox/").content.decode()
    assert "<h1>Waiting for me</h1>" in html
    assert 'data-testid="count-gate_signoff">1<' in html
    assert 'data-testid="count-scope_review">1<' in html
    assert html.index("Gate sign-offs") < html.index("Scope versions to review")
    assert f'href="/projects/{project.pk}/gate/"' in html
    assert "Waiting for me <span" in html  # the nav, counted in place
    assert "(2)" in html
    assert "inbox-empty" not in html


def test_page_empty_state(client, officer):
    client.force_login(officer)
    html = client.get("/inbox/").content.decode()
    assert 'data-testid="inbox-empty"' in html


def test_page_needs_sign_in(client):
    response = client.get("/inbox/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_every_page_loads_the_nav_count_lazily(client, project, manager, officer):
    support.pending_gate(project, manager)
    client.force_login(officer)
    html = client.get("/projects/").content.decode()
    assert 'hx-get="/inbox/nav/" hx-trigger="load"' in html
    assert "My work</a>" not in html
    partial = client.get("/inbox/nav/", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial
    assert "Waiting for me" in partial
    assert "(1)" in partial


def test_api_shape_and_counts(project, manager, officer, token_client):
    support.scope_in_review(project, manager)
    support.pending_gate(project, manager)
    support.open_flag(project)
    body = token_client(officer).get("/api/v1/me/inbox/").json()
    assert body["total"] == 3
    assert [c["kind"] for c in body["counts"]] == list(KINDS)
    counts = {c["kind"]: c["count"] for c in body["counts"]}
    assert counts["gate_signoff"] == counts["scope_review"] == 1
    assert counts["modification_assessment"] == 1
    assert sum(counts.values()) == len(body["items"]) == 3
    item = body["items"][0]
    assert set(item) == {
        "kind",
        "kind_label",
        "title",
        "detail",
        "project",
        "due",
        "is_overdue",
        "since",
        "url",
    }
    assert item["kind"] == "gate_signoff"
    assert item["project"] == {"id": str(project.pk), "name": "Claims assistant"}
    assert item["url"] == f"/projects/{project.pk}/gate/"


def test_api_needs_credentials(api_client):
    response = api_client.get("/api/v1/me/inbox/")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")


# --- query budget: constant in the number of items ------------------------------------------


def _fill(project, manager, officer, n):
    """n of every kind waiting for the officer (or, for tasks, the officer as assignee)."""
    today = timezone.localdate()
    for i in range(n):
        extra = ProjectFactory(organization=project.organization, owner=manager, name=f"P{n}-{i}")
        ProjectMembershipFactory(project=extra, user=manager, role=ProjectRole.MANAGER)
        ProjectMembershipFactory(project=extra, user=officer, role=ProjectRole.CONTRIBUTOR)
        support.scope_in_review(extra, manager)
        support.pending_gate(extra, manager)
        support.pending_evidence(extra, manager)
        support.check(extra, status="in_review", owner=manager)
        support.check(extra, owner=officer, due_date=today)
        support.task(extra, officer)
        support.feedback_round(extra, manager, timedelta(days=1))
        support.open_flag(extra)
        support.incident(extra, owner=officer)
        support.incident(extra, serious=True)


def _queries(fetch) -> int:
    with CaptureQueriesContext(connection) as captured:
        fetch()
    return len(captured)


def test_queries_do_not_grow_with_the_items(client, project, manager, officer, token_client):
    _fill(project, manager, officer, 1)
    client.force_login(officer)
    api = token_client(officer)
    api.get("/api/v1/me/inbox/")  # the token's first use is recorded once: not part of a read
    assert inbox_total(inbox_for_user(user=officer)) == 10
    few = (_queries(lambda: client.get("/inbox/")), _queries(lambda: api.get("/api/v1/me/inbox/")))
    _fill(project, manager, officer, 6)
    assert inbox_total(inbox_for_user(user=officer)) == 70
    many = (_queries(lambda: client.get("/inbox/")), _queries(lambda: api.get("/api/v1/me/inbox/")))
    assert few == many
    assert many[0] <= 30


def test_project_roles_are_loaded_in_one_query(
    project, org, manager, project_member, django_assert_num_queries
):
    second = ProjectFactory(organization=org, owner=manager, name="Second")
    reviewer = project_member(project, ProjectRole.REVIEWER)
    org_roles(reviewer)  # the organisation roles: one query of their own
    with django_assert_num_queries(1):
        remember_project_roles(reviewer, [project.pk, second.pk])
    with django_assert_num_queries(0):
        assert can(reviewer, Perm.PROJECT_REVIEW, project)
        assert not can(reviewer, Perm.PROJECT_VIEW, second)  # no role there, remembered too
        remember_project_roles(reviewer, [project.pk])  # nothing left to load


# --- the navigation's count, kept --------------------------------------------------------------


def _nav(client) -> str:
    return client.get("/inbox/nav/", headers={"HX-Request": "true"}).content.decode()


def test_the_nav_count_is_kept_so_a_page_view_costs_no_inbox_queries(
    client, project, manager, officer
):
    support.pending_gate(project, manager)
    client.force_login(officer)
    with CaptureQueriesContext(connection) as first:
        assert "(1)" in _nav(client)
    with CaptureQueriesContext(connection) as again:
        assert "(1)" in _nav(client)

    assert len(first) >= len(again) + len(inbox_sources_queries(officer))
    assert len(again) <= 3  # the session and the user, nothing of the inbox


def inbox_sources_queries(user) -> list:
    with CaptureQueriesContext(connection) as counted:
        inbox_for_user(user=user)
    return list(counted)


def test_a_change_to_what_it_counts_refreshes_the_nav_count(client, project, manager, officer):
    client.force_login(officer)
    assert "(0)" in _nav(client)

    support.pending_gate(project, manager)  # a gate now waits for the officer

    assert "(1)" in _nav(client)


def test_the_nav_count_works_with_the_cache_down(client, project, manager, officer, settings):
    support.pending_gate(project, manager)
    client.force_login(officer)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }

    with pytest.raises(RedisError):
        caches["default"].get("anything")  # the shared cache is down indeed

    response = client.get("/inbox/nav/", headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert "(1)" in response.content.decode()
    assert "(1)" in _nav(client)  # kept in this process's memory meanwhile
