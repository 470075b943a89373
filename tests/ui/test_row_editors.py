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
