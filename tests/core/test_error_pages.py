"""Error pages a person may meet: a refused form must explain itself."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_form_posted_without_its_csrf_cookie_gets_a_readable_page(admin):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": admin.email, "password": "x"})
    assert response.status_code == 403
    assert "Please try again" in response.content.decode()


def test_unknown_api_paths_answer_problem_json(client, admin):
    client.force_login(admin)
    unknown = client.get("/api/v1/nothing-here/")
    assert unknown.status_code == 404
    assert unknown["Content-Type"] == "application/problem+json"
    assert unknown.json()["detail"] == "There is no API resource at this address."

    no_slash = client.post("/api/v1/projects", {"name": "X"}, content_type="application/json")
    assert no_slash.status_code == 404
    assert no_slash.json()["detail"] == "Add the trailing slash: /api/v1/projects/"
