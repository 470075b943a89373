"""API edge cases found by outside testing: reads racing a membership change, and a token
minting a token that outlives it."""

import pytest
from rest_framework.test import APIClient

from accounts.models import APIToken, OrganizationMembership
from accounts.permissions import org_roles
from accounts.services import api_token_create
from audit.models import AuditEvent
from tests.factories import OrganizationFactory, OrganizationMembershipFactory

pytestmark = pytest.mark.django_db


def test_me_lists_an_organisation_joined_after_the_roles_were_read(admin, org):
    # The policy read the user's roles earlier in the request (it caches them on the user);
    # then the user is added to a second organisation before /me/ lists organisations.
    assert org_roles(admin) == {org.pk: OrganizationMembership.Role.ADMIN}
    later = OrganizationFactory(name="Zenith Re")
    OrganizationMembershipFactory(organization=later, user=admin)
    client = APIClient()
    client.force_authenticate(user=admin)  # the same user object, roles cache and all

    response = client.get("/api/v1/me/")

    assert response.status_code == 200, response.content
    assert [(o["name"], o["role"]) for o in response.json()["organizations"]] == [
        ("Acme Insurance", "admin"),
        ("Zenith Re", "member"),
    ]


# --- a token never mints a token that outlives it --------------------------------------------


def _token_client(user, days):
    token, plain = api_token_create(actor=user, name="short-lived", expires_in_days=days)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plain}")
    return token, client


def test_a_token_cannot_create_a_token_that_outlives_it(admin):
    _creator, client = _token_client(admin, days=7)
    tokens_before, events_before = APIToken.objects.count(), AuditEvent.objects.count()

    response = client.post(
        "/api/v1/tokens/", {"name": "successor", "expires_in_days": 366}, format="json"
    )

    assert response.status_code == 400, response.content
    assert "cannot outlive" in response.json()["errors"]["expires_in_days"][0]
    assert (APIToken.objects.count(), AuditEvent.objects.count()) == (tokens_before, events_before)


def test_a_token_created_with_a_token_expires_with_it_by_default(admin):
    creator, client = _token_client(admin, days=2)

    response = client.post("/api/v1/tokens/", {"name": "successor"}, format="json")

    assert response.status_code == 201, response.content
    created = APIToken.objects.get(pk=response.json()["id"])
    assert created.expires_at == creator.expires_at


def test_a_session_may_still_create_a_long_lived_token(admin):
    client = APIClient()
    client.force_login(admin)

    response = client.post("/api/v1/tokens/", {"name": "ci", "expires_in_days": 366}, format="json")

    assert response.status_code == 201, response.content
