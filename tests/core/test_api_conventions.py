"""Conventions every API operation keeps: JSON types as the schema says them (no quiet
conversion) and pagination parameters refused when they are nonsense."""

import pytest

from core.api.pagination import ONCE, PAGE_NUMBER, PAGE_SIZE_RANGE
from core.api.serializers import NOT_BOOLEAN, NOT_NUMBER, NOT_TEXT
from projects.models import Risk
from tests.factories import ProjectFactory
from tests.helpers import assert_problem, client_for

pytestmark = pytest.mark.django_db


def test_a_number_for_text_and_text_for_a_number_are_refused_and_nothing_is_created(project, admin):
    response = client_for(admin).post(
        f"/api/v1/projects/{project.pk}/risks/",
        {"title": 5, "category": 1, "likelihood": "3", "impact": True},
        format="json",
    )
    assert assert_problem(response, 400)["errors"] == {
        # DRF would have stored "5" and read 3: the schema says string and integer.
        "title": [NOT_TEXT.format(kind="a number")],
        "likelihood": [NOT_NUMBER.format(kind="a string")],
        # DRF refuses these itself, and its message is kept.
        "category": ['"1" is not a valid choice.'],
        "impact": ["A valid integer is required."],
    }
    assert not Risk.objects.filter(project=project).exists()


def test_the_right_types_are_still_accepted(project, admin):
    response = client_for(admin).post(
        f"/api/v1/projects/{project.pk}/risks/",
        {"title": "Drift", "category": "technical", "likelihood": 3, "impact": None},
        format="json",
    )
    assert response.status_code == 201, response.json()


def test_a_string_for_a_boolean_is_refused(org, admin):
    response = client_for(admin).patch(
        f"/api/v1/organizations/{org.pk}/", {"allow_gate_requester_signoff": "true"}, format="json"
    )
    assert assert_problem(response, 400)["errors"] == {
        "allow_gate_requester_signoff": [NOT_BOOLEAN.format(kind="a string")]
    }


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("page_size=null", {"page_size": [PAGE_SIZE_RANGE.format(max=200)]}),
        ("page_size=0", {"page_size": [PAGE_SIZE_RANGE.format(max=200)]}),
        ("page_size=201", {"page_size": [PAGE_SIZE_RANGE.format(max=200)]}),
        ("page_size=-1", {"page_size": [PAGE_SIZE_RANGE.format(max=200)]}),
        ("page_size=%EF%BC%92", {"page_size": [PAGE_SIZE_RANGE.format(max=200)]}),  # a wide 2
        ("page_size=2&page_size=3", {"page_size": [ONCE]}),
        ("page=0", {"page": [PAGE_NUMBER]}),
        ("page=abc", {"page": [PAGE_NUMBER]}),
        ("page=1&page=2", {"page": [ONCE]}),
    ],
)
def test_nonsense_pagination_is_refused_naming_the_parameter(org, admin, query, errors):
    response = client_for(admin).get(f"/api/v1/projects/?{query}")
    assert assert_problem(response, 400)["errors"] == errors


def test_sensible_pagination_still_pages(org, admin):
    for n in range(3):
        ProjectFactory(organization=org, name=f"P{n}")
    client = client_for(admin)
    page = client.get("/api/v1/projects/?page_size=2&page=2").json()
    assert (page["count"], len(page["results"])) == (3, 1)
    assert client.get("/api/v1/projects/?page_size=2&page=last").json() == page
    assert_problem(client.get("/api/v1/projects/?page_size=2&page=3"), 404)
