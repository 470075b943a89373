"""Conditional requests: an ETag on every JSON read, 304 for If-None-Match, 412 for a stale
If-Match on a write (which then changes nothing)."""

import pytest

from audit.models import AuditEvent
from projects.models import Project
from tests.helpers import assert_problem, client_for

pytestmark = pytest.mark.django_db


def _url(project):
    return f"/api/v1/projects/{project.pk}/"


def test_a_read_carries_a_stable_etag_and_if_none_match_answers_304(project):
    client = client_for(project.owner)

    first = client.get(_url(project))
    again = client.get(_url(project))
    cached = client.get(_url(project), HTTP_IF_NONE_MATCH=first["ETag"])

    assert first["ETag"].startswith('W/"')
    assert again["ETag"] == first["ETag"]
    assert cached.status_code == 304
    assert cached.content == b""
    assert cached["ETag"] == first["ETag"]


def test_the_etag_changes_with_the_representation(project):
    client = client_for(project.owner)
    before = client.get(_url(project))["ETag"]

    client.patch(_url(project), {"name": "Claims assistant v2"})
    after = client.get(_url(project), HTTP_IF_NONE_MATCH=before)

    assert after.status_code == 200
    assert after["ETag"] != before


def test_lists_carry_an_etag_too(project):
    response = client_for(project.owner).get("/api/v1/projects/")

    assert response.status_code == 200
    assert response["ETag"].startswith('W/"')


def test_a_stale_if_match_is_refused_with_412_and_changes_nothing(project):
    client = client_for(project.owner)
    read = client.get(_url(project))["ETag"]
    client.patch(_url(project), {"name": "Changed by someone else"})
    events = AuditEvent.objects.count()

    response = client.patch(_url(project), {"name": "Mine"}, HTTP_IF_MATCH=read)

    body = assert_problem(response, 412)
    assert body["code"] == "precondition_failed"
    assert response["ETag"] == body["current_etag"] == client.get(_url(project))["ETag"]
    assert Project.objects.get(pk=project.pk).name == "Changed by someone else"
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("strong", [False, True])
def test_a_current_if_match_lets_the_write_through(project, strong):
    client = client_for(project.owner)
    etag = client.get(_url(project))["ETag"]
    header = etag.removeprefix("W/") if strong else etag  # weak comparison: both match

    response = client.patch(_url(project), {"name": "Mine"}, HTTP_IF_MATCH=header)

    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Mine"


def test_if_match_star_and_a_list_of_tags(project):
    client = client_for(project.owner)
    etag = client.get(_url(project))["ETag"]

    star = client.patch(_url(project), {"name": "One"}, HTTP_IF_MATCH="*")
    listed = client.patch(
        _url(project),
        {"name": "Two"},
        HTTP_IF_MATCH=f'W/"nope", {client.get(_url(project))["ETag"]}',
    )

    assert star.status_code == 200
    assert listed.status_code == 200
    assert etag != client.get(_url(project))["ETag"]


def test_another_organisations_resource_is_404_whatever_if_match_says(project, outsider):
    response = client_for(outsider).patch(_url(project), {"name": "x"}, HTTP_IF_MATCH='W/"x"')

    assert_problem(response, 404)
    assert Project.objects.get(pk=project.pk).name == "Claims assistant"


def test_a_viewer_gets_403_not_a_precondition_answer(project, project_member):
    viewer = project_member(project, "viewer")

    response = client_for(viewer).patch(_url(project), {"name": "x"}, HTTP_IF_MATCH='W/"x"')

    assert_problem(response, 403)
