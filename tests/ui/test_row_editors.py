"""Structured rows entered a field per column (Django formsets), without a script: the
workshop's action items."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from projects.models import Task
from stakeholders import services
from stakeholders.models import Workshop

pytestmark = pytest.mark.django_db


@pytest.fixture
def past_workshop(project, manager):
    person = services.stakeholder_create(
        actor=manager, organization=project.organization, name="Dana", email="dana@example.com"
    )
    services.stakeholder_link(actor=manager, project=project, stakeholder=person)
    return services.workshop_schedule(
        actor=manager,
        project=project,
        stakeholders=[person.pk],
        title="Expectations workshop",
        starts_at=timezone.now() - timedelta(hours=2),
    )


def rows(*items, deleted=()):
    data = {"actions-TOTAL_FORMS": str(len(items)), "actions-INITIAL_FORMS": "0"}
    for n, (title, assignee, due) in enumerate(items):
        data |= {
            f"actions-{n}-title": title,
            f"actions-{n}-assignee": assignee,
            f"actions-{n}-due_date": due,
        }
        if n in deleted:
            data[f"actions-{n}-DELETE"] = "on"
    return data


def outcome(**extra):
    return {"outcome-minutes": "We heard the claims team."} | extra


def url(workshop):
    return f"/projects/{workshop.project_id}/workshops/{workshop.pk}/"


def test_the_outcome_form_has_a_row_per_action_item_with_a_field_per_column(
    client, manager, past_workshop
):
    client.force_login(manager)
    page = client.get(url(past_workshop)).content.decode()
    assert 'name="actions-TOTAL_FORMS" value="2"' in page
    for column in ("title", "assignee", "due_date", "DELETE"):
        assert f'name="actions-0-{column}"' in page
    assert 'type="date"' in page
    assert "YYYY-MM-DD |" not in page  # no more typed-in structure
    assert 'name="outcome-action_items"' not in page


def test_a_plain_action_item_records_the_workshop_as_held(client, manager, past_workshop):
    client.force_login(manager)
    response = client.post(
        url(past_workshop) + "outcome/",
        outcome(**rows(("Send the notes", "", ""), ("", "", ""))),
    )
    assert response.status_code == 302
    past_workshop.refresh_from_db()
    assert past_workshop.status == Workshop.Status.HELD
    assert list(Task.objects.values_list("title", "assignee", "due_date")) == [
        ("Send the notes", None, None)
    ]


def test_assignee_and_date_are_kept_and_a_removed_row_is_left_out(client, manager, past_workshop):
    client.force_login(manager)
    response = client.post(
        url(past_workshop) + "outcome/",
        outcome(
            **rows(
                ("Collect claims", str(manager.pk), "2030-01-15"),
                ("Changed my mind", "", ""),
                deleted={1},
            )
        ),
    )
    assert response.status_code == 302
    [task] = Task.objects.all()
    assert (task.title, task.assignee, task.due_date) == (
        "Collect claims",
        manager,
        date(2030, 1, 15),
    )


def test_a_bad_row_shows_its_error_in_place_and_keeps_what_was_typed(
    client, manager, past_workshop
):
    client.force_login(manager)
    response = client.post(
        url(past_workshop) + "outcome/",
        outcome(**rows(("Collect claims", "", ""), ("", str(manager.pk), "not a date"))),
    )
    assert response.status_code == 400
    page = response.content.decode()
    row = page[page.index('name="actions-1-title"') - 600 : page.index('name="actions-1-DELETE"')]
    assert "Enter a valid date." in row
    assert "Give the action item a title" in row
    assert 'value="Collect claims"' in page
    assert "An action item needs fixing" in page  # the summary at the top
    past_workshop.refresh_from_db()
    assert past_workshop.status == Workshop.Status.SCHEDULED
    assert Task.objects.count() == 0


def test_add_a_row_without_a_script_shows_one_more_row_and_no_errors(
    client, manager, past_workshop
):
    client.force_login(manager)
    response = client.post(
        url(past_workshop) + "outcome/",
        {"outcome-minutes": ""} | rows(("Collect claims", "", "")) | {"add_action": "1"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="actions-TOTAL_FORMS" value="2"' in page
    assert 'name="actions-1-title"' in page
    assert 'value="Collect claims"' in page
    assert not re.search(r'class="errorlist', page)
    past_workshop.refresh_from_db()
    assert past_workshop.status == Workshop.Status.SCHEDULED


# --- the scope document: milestones and success criteria -------------------------------------


def scope_rows(prefix, columns, *items):
    data = {f"{prefix}-TOTAL_FORMS": str(len(items)), f"{prefix}-INITIAL_FORMS": "0"}
    for n, item in enumerate(items):
        data |= {f"{prefix}-{n}-{c}": v for c, v in zip(columns, item, strict=True)}
    return data


MILESTONE = ("title", "due_date")
CRITERION = ("metric", "comparison", "target", "unit")


def test_a_new_scope_version_starts_from_the_latest_rows_a_field_per_column(
    client, project, manager
):
    from projects import services as project_services

    project_services.scope_version_create(
        actor=manager,
        project=project,
        goals="Answer faster.",
        milestones=[{"title": "Pilot", "due_date": date(2027, 3, 1)}],
        success_criteria=[{"metric": "Accuracy", "comparison": "gte", "target": "90", "unit": "%"}],
    )
    client.force_login(manager)
    page = client.get(f"/projects/{project.pk}/scope/new/").content.decode()
    assert 'name="milestones-0-title" value="Pilot"' in page or 'value="Pilot"' in page
    assert 'name="milestones-0-due_date" value="2027-03-01"' in page
    assert 'name="criteria-0-target" value="90"' in page  # not 9E+1
    assert 'name="criteria-0-comparison"' in page
    assert "metric | at least" not in page


def test_scope_rows_are_saved_and_a_bad_row_shows_its_error_in_place(client, project, manager):
    from projects.models import ScopeVersion

    client.force_login(manager)
    url = f"/projects/{project.pk}/scope/new/"
    bad = client.post(
        url,
        {"goals": "Answer faster."}
        | scope_rows("milestones", MILESTONE, ("Pilot", ""))
        | scope_rows("criteria", CRITERION, ("Accuracy", "gte", "ninety", "%")),
    )
    assert bad.status_code == 400
    page = bad.content.decode()
    criterion = page[
        page.index('name="criteria-0-metric"') : page.index('name="criteria-0-DELETE"')
    ]
    assert "Enter a number." in criterion
    milestone = page[
        page.index('name="milestones-0-title"') : page.index('name="milestones-0-DELETE"')
    ]
    assert "Give the milestone its date." in milestone
    assert ScopeVersion.objects.count() == 0

    good = client.post(
        url,
        {"goals": "Answer faster."}
        | scope_rows("milestones", MILESTONE, ("Pilot", "2027-03-01"), ("", ""))
        | scope_rows("criteria", CRITERION, ("Accuracy", "gte", "90", "%"), ("", "gte", "", "")),
    )
    assert good.status_code == 302
    version = ScopeVersion.objects.get()
    assert [m.title for m in version.milestones.all()] == ["Pilot"]
    criterion = version.success_criteria.get()
    assert (criterion.metric, criterion.comparison, criterion.target, criterion.unit) == (
        "Accuracy",
        "gte",
        90,
        "%",
    )


def test_add_a_success_criterion_row_without_a_script(client, project, manager):
    client.force_login(manager)
    response = client.post(
        f"/projects/{project.pk}/scope/new/",
        {"goals": "", "add_criterion": "1"}
        | scope_rows("milestones", MILESTONE, ("", ""))
        | scope_rows("criteria", CRITERION, ("Accuracy", "gte", "90", "%")),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="criteria-TOTAL_FORMS" value="2"' in page
    assert 'name="milestones-TOTAL_FORMS" value="1"' in page
    assert 'value="Accuracy"' in page
    assert 'class="errorlist' not in page
