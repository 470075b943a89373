"""Error pages a person may meet: a refused form must explain itself."""

import pytest
from django.test import Client

from core.api.errors import csrf_failure

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


def test_a_query_string_django_refuses_answers_problem_json_under_the_api(client, admin):
    """More fields than DATA_UPLOAD_MAX_NUMBER_FIELDS: Django refuses before any view runs."""
    client.force_login(admin)
    query = "&".join(f"page_size={n}" for n in range(1500))
    response = client.get(f"/api/v1/projects/?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Invalid request"

    page = client.get(f"/projects/?{query}")
    assert page.status_code == 400
    assert page["Content-Type"].startswith("text/html")


def test_a_post_to_an_unknown_api_path_with_a_session_cookie_is_a_json_404(admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    response = client.post("/api/v1/nothing-here/", {}, content_type="application/json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_a_refused_csrf_check_under_the_api_is_problem_json(rf):
    response = csrf_failure(rf.post("/api/v1/anything/"), reason="CSRF cookie not set.")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    page = csrf_failure(rf.post("/accounts/login/"), reason="CSRF cookie not set.")
    assert page.status_code == 403
    assert "Please try again" in page.content.decode()
