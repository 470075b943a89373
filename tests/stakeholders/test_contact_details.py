"""Who may change a stakeholder's details — above all the email that receives their feedback
links and invitations: administrators, or contributors of a project they take part in. A
project viewer or a plain member used to redirect a person's links by changing it."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import ProjectMembership
from stakeholders.models import Stakeholder
from tests.factories import ProjectFactory, ProjectMembershipFactory
from tests.helpers import assert_problem, client_for, event_count

pytestmark = pytest.mark.django_db
ProjectRole = ProjectMembership.Role


@pytest.fixture
def dana(project, stakeholder_of):
    return stakeholder_of(project, "Dana Claims")  # takes part in `project`


def _patch(user, person, email="attacker@evil.example"):
    return client_for(user).patch(f"/api/v1/stakeholders/{person.pk}/", {"email": email})


@pytest.mark.parametrize("role", [ProjectRole.VIEWER, ProjectRole.REVIEWER])
def test_a_project_viewer_or_reviewer_cannot_redirect_a_stakeholders_email(
    project, project_member, dana, role
):
    before = event_count()

    problem = assert_problem(_patch(project_member(project, role), dana), 403)

    assert "contributor of a project this stakeholder takes part in" in problem["detail"]
    assert Stakeholder.objects.get(pk=dana.pk).email == "dana.claims@example.com"
    assert event_count() == before


def test_a_member_of_another_project_cannot_either(org, org_member, project, dana):
    member = org_member()
    other = ProjectFactory(organization=org, owner=member)
    ProjectMembershipFactory(project=other, user=member, role=ProjectRole.MANAGER)

    assert_problem(_patch(member, dana), 403)
    assert Stakeholder.objects.get(pk=dana.pk).email == "dana.claims@example.com"


def test_contributors_of_a_linked_project_and_administrators_may(
    project, project_member, admin, dana
):
    contributor = project_member(project, ProjectRole.CONTRIBUTOR)

    assert _patch(contributor, dana, "dana@new.example").status_code == 200
    assert _patch(admin, dana, "dana@admin.example").status_code == 200
    assert Stakeholder.objects.get(pk=dana.pk).email == "dana@admin.example"


def test_the_edit_page_is_refused_too(project, project_member, dana):
    client = Client()
    client.force_login(project_member(project, ProjectRole.VIEWER))

    url = reverse("stakeholders:stakeholder-edit", args=[dana.pk])

    assert client.get(url).status_code == 403
    response = client.post(url, {"name": "Dana", "email": "x@y.z"})
    assert response.status_code == 403
    assert Stakeholder.objects.get(pk=dana.pk).email == "dana.claims@example.com"
