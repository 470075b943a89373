"""Error pages a person may meet: a refused form must explain itself."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_form_posted_without_its_csrf_cookie_gets_a_readable_page(admin):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": admin.email, "password": "x"})
    assert response.status_code == 403
    assert "Please try again" in response.content.decode()
