"""Flows a new user tries from a project's pages: the overview's heat map, adding a
stakeholder from the project, and what a held workshop tells its invitees."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from audit.models import AuditEvent
from outbox.models import OutboxMessage
from outbox.services import outbox_deliver_due
from stakeholders import services
from stakeholders.models import ProjectStakeholder, Stakeholder
from tests.projects.scope_helpers import assessed_risk

pytestmark = pytest.mark.django_db

PERSON = {
    "name": "Noor Ops",
    "email": "noor.ops@example.com",
    "unit": "Claims operations",
    "kind": "end_user",
    "influence": "2",
    "interest": "5",
    "preferred_contact": "email",
    "role": "Night-shift lead",
}


def _cells(page: str) -> list[str]:
    table = page[
        page.index('<table class="heatmap"') : page.index("</table>", page.index("heatmap"))
    ]
    return re.findall(r"<a [^>]*>", table)


def test_the_overview_heat_map_cells_link_to_the_register_filtered_the_same_way(
    client, project, manager
):
    assessed_risk(project, manager, likelihood=4, impact=5)
    client.force_login(manager)
    page = client.get(f"/projects/{project.pk}/").content.decode()
    cells = _cells(page)
    assert len(cells) == 25
    wanted = f'href="/projects/{project.pk}/risks/?likelihood=4&impact=5"'
    assert any(wanted in cell for cell in cells)
    # Nothing on the overview for an htmx swap to land in: a plain link, followed.
    assert not any("hx-" in cell for cell in cells)
    for target in re.findall(r'hx-target="#([\w-]+)"', page):
        assert f'id="{target}"' in page, target
    register = client.get(f"/projects/{project.pk}/risks/?likelihood=4&impact=5").content.decode()
    assert "Prompt Injection" in register


def test_on_the_risk_register_the_cells_still_swap_the_table(client, project, manager):
    client.force_login(manager)
    page = client.get(f"/projects/{project.pk}/risks/").content.decode()
    cells = _cells(page)
    assert all('hx-target="#risk-table"' in cell for cell in cells)
    assert 'id="risk-table"' in page


def test_a_person_added_from_the_project_page_joins_the_registry_and_the_project(
    client, project, manager
):
    client.force_login(manager)
    page = client.get(f"/projects/{project.pk}/stakeholders/").content.decode()
    link = f"/organizations/stakeholders/new/?project={project.pk}"
    assert link in page
    form = client.get(link).content.decode()
    assert 'name="role"' in form
    assert f'value="{project.pk}"' in form

    response = client.post("/organizations/stakeholders/new/", PERSON | {"project": project.pk})
    assert response.status_code == 302
    assert response["Location"] == f"/projects/{project.pk}/stakeholders/"
    person = Stakeholder.objects.get()
    on_project = ProjectStakeholder.objects.get(project=project)
    assert (on_project.stakeholder, on_project.role) == (person, "Night-shift lead")
    assert "Noor Ops" in client.get(response["Location"]).content.decode()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"stakeholder.created", "project_stakeholder.created"} <= actions


def test_adding_from_a_project_needs_to_contribute_to_it_and_writes_nothing_otherwise(
    client, project, project_member
):
    viewer = project_member(project, "viewer")
    client.force_login(viewer)
    response = client.post("/organizations/stakeholders/new/", PERSON | {"project": project.pk})
    assert response.status_code == 403
    assert client.get("/organizations/stakeholders/new/?project=nonsense").status_code == 404
    assert Stakeholder.objects.count() == 0
    assert ProjectStakeholder.objects.count() == 0


def test_an_invalid_person_from_a_project_is_refused_in_place_and_nothing_is_written(
    client, project, manager
):
    client.force_login(manager)
    response = client.post(
        "/organizations/stakeholders/new/", PERSON | {"project": project.pk, "email": "x"}
    )
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert (Stakeholder.objects.count(), ProjectStakeholder.objects.count()) == (0, 0)


def test_a_workshop_recorded_as_held_while_under_way_sends_no_invitation_to_it(
    project, manager, django_capture_on_commit_callbacks
):
    person = services.stakeholder_create(
        actor=manager, organization=project.organization, name="Dana", email="dana@example.com"
    )
    services.stakeholder_link(actor=manager, project=project, stakeholder=person)
    with django_capture_on_commit_callbacks(execute=False):
        workshop = services.workshop_schedule(
            actor=manager,
            project=project,
            stakeholders=[person.pk],
            title="Expectations workshop",
            starts_at=timezone.now() - timedelta(minutes=10),
            time_zone="Europe/Paris",
            duration_minutes=90,
        )
        services.workshop_record_outcome(
            actor=manager, workshop=workshop, minutes="Agreed.", attended=[person.pk]
        )
    outbox_deliver_due()
    assert not [m for m in mail.outbox if "invited" in m.body]
    assert not OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).exists()


def test_a_workshop_held_without_invitations_says_none_were_sent_and_lists_its_actions(
    client, project, manager
):
    person = services.stakeholder_create(
        actor=manager, organization=project.organization, name="Dana", email="dana@example.com"
    )
    services.stakeholder_link(actor=manager, project=project, stakeholder=person)
    workshop = services.workshop_schedule(
        actor=manager,
        project=project,
        stakeholders=[person.pk],
        title="Expectations workshop",
        starts_at=timezone.now() - timedelta(days=10),
        time_zone="Europe/Paris",
        facilitator=manager,
    )
    services.workshop_record_outcome(
        actor=manager,
        workshop=workshop,
        minutes="Agreed.",
        attended=[person.pk],
        action_items=[{"title": "Send the notes"}],
    )
    client.force_login(manager)
    page = client.get(f"/projects/{project.pk}/workshops/{workshop.pk}/").content.decode()
    assert "not yet" not in page  # held: nothing is still to come
    assert "none sent" in page
    assert "Send the notes" in page
