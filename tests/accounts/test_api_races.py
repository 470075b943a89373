"""API reads that must hold together when memberships change between two of their queries."""

import pytest
from rest_framework.test import APIClient

from accounts.models import OrganizationMembership
from accounts.permissions import org_roles
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
