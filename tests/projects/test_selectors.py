"""Read side of the Scope phase: heat map, register, overview, my work — and query budgets."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from projects import selectors, services
from projects.models import Risk
from tests.factories import ProjectFactory
from tests.projects.scope_helpers import approved_scope, reviewer_for

pytestmark = pytest.mark.django_db


def _risks(project, owner, count):
    Risk.objects.bulk_create(
        Risk(
            project=project,
            reference=n + 1,
            title=f"Risk {n}",
            category="technical",
            likelihood=n % 5 + 1,
            impact=(n // 5) % 5 + 1,
            owner=owner,
            review_date=date(2020, 1, 1) if n % 7 == 0 else None,
        )
        for n in range(count)
    )


def test_heat_map_counts_open_risks_per_cell(project, manager):
    services.risk_create(
        actor=manager, project=project, title="A", category="data", likelihood=4, impact=5
    )
    services.risk_create(
        actor=manager, project=project, title="B", category="data", likelihood=4, impact=5
    )
    closed = services.risk_create(
        actor=manager, project=project, title="C", category="data", likelihood=1, impact=1
    )
    services.risk_update(actor=manager, risk=closed, expected_version=1, status="closed")

    grid = selectors.risk_heat_map(user=manager, project=project)

    assert [cell["impact"] for cell in (row[0] for row in grid)] == [5, 4, 3, 2, 1]
    assert grid[0][3] == {"likelihood": 4, "impact": 5, "count": 2, "score": 20}
    assert sum(cell["count"] for row in grid for cell in row) == 2


def test_register_sorts_by_score_with_unscored_last_and_filters_a_cell(project, manager):
    for title, likelihood, impact in [("low", 1, 2), ("none", None, None), ("high", 5, 4)]:
        services.risk_create(
            actor=manager,
            project=project,
            title=title,
            category="data",
            likelihood=likelihood,
            impact=impact,
        )
    titles = [r.title for r in selectors.risk_list(user=manager, project=project)]
    assert titles == ["high", "low", "none"]
    cell = selectors.risk_list(
        user=manager, project=project, filters={"likelihood": 5, "impact": 4}
    )
    assert [r.title for r in cell] == ["high"]


def test_outsiders_get_nothing_from_project_selectors(project, manager, outsider):
    services.risk_create(actor=manager, project=project, title="A", category="data")
    assert selectors.risk_list(user=outsider, project=project).count() == 0
    assert all(
        c["count"] == 0
        for row in selectors.risk_heat_map(user=outsider, project=project)
        for c in row
    )
    assert selectors.task_list_for_user(user=outsider).count() == 0


@pytest.mark.parametrize("rows", [5, 200])
def test_risk_register_and_heat_map_queries_do_not_grow(
    project, manager, rows, django_assert_num_queries
):
    _risks(project, manager, rows)
    fresh = type(manager).objects.get(pk=manager.pk)
    with django_assert_num_queries(3):  # roles (org, project), then the register
        risks = list(selectors.risk_list(user=fresh, project=project))
        assert [r.owner.email if r.owner else None for r in risks].count(manager.email) == rows
    with django_assert_num_queries(1):
        selectors.risk_heat_map(user=fresh, project=project)


@pytest.mark.parametrize("rows", [5, 200])
def test_overview_queries_do_not_grow(
    project, manager, project_member, rows, django_assert_num_queries
):
    _risks(project, manager, rows)
    approved_scope(project, manager, reviewer_for(project, project_member))
    for n in range(rows):
        services.task_create(actor=manager, project=project, title=f"Task {n}", assignee=manager)
    fresh = type(manager).objects.get(pk=manager.pk)
    with django_assert_num_queries(16):  # one per gate criterion: the workshop and compliance
        overview = selectors.project_overview(user=fresh, project=project)
    assert len(overview["top_risks"]) == 5
    assert overview["overdue_reviews"] == len(range(0, rows, 7))
    assert [m.title for m in overview["milestones"]] == ["Pilot", "Go-live"]


def test_my_work_lists_open_tasks_assigned_to_me_across_projects(org, project, manager, admin):
    other = ProjectFactory(organization=org, owner=admin)
    soon = timezone.localdate() + timedelta(days=2)
    services.task_create(
        actor=manager, project=project, title="Mine", assignee=manager, due_date=soon
    )
    services.task_create(actor=admin, project=other, title="Not mine", assignee=admin)
    done = services.task_create(actor=manager, project=project, title="Done", assignee=manager)
    services.task_update(actor=manager, task=done, status="done")

    mine = selectors.task_list_for_user(user=manager, mine=True)
    assert [t.title for t in mine] == ["Mine"]


def test_scope_version_diff_lists_changed_fields(project, manager, project_member):
    v1 = approved_scope(project, manager, reviewer_for(project, project_member))
    v2 = services.scope_version_create(
        actor=manager,
        project=project,
        goals="Cut claims triage time by two thirds.",
        timeline_start=v1.timeline_start,
        timeline_end=v1.timeline_end,
        milestones=[{"title": "Pilot", "due_date": date(2027, 3, 1)}],
        success_criteria=[
            {"metric": "Median triage time", "comparison": "lte", "target": "4", "unit": "hours"}
        ],
    )
    old = selectors.scope_version_get_for_user(user=manager, id=v1.pk)
    new = selectors.scope_version_get_for_user(user=manager, id=v2.pk)

    changes = selectors.scope_version_diff(old, new)

    assert set(changes) == {"goals", "milestones"}
    assert changes["milestones"]["old"] == ["Pilot — 2027-03-01", "Go-live — 2027-06-01"]
