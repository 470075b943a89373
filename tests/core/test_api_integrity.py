"""The base viewset answers 409 for a unique constraint lost to a concurrent request, and lets
every other integrity error through: a NOT NULL, check or foreign-key violation is a bug that
must answer 500 and fail its test, not pass for a conflict.

The errors are the database's own, raised in the view's transaction as a service would.
"""

import uuid

import pytest
from django.db import IntegrityError, transaction
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate

from accounts.models import Organization, OrganizationMembership
from core.api.viewsets import ApiViewSet
from tests.factories import OrganizationMembershipFactory, UserFactory

# The view's transaction is the outermost one, as a service's is in production, so deferred
# foreign-key checks run when it commits.
pytestmark = [pytest.mark.sqlite_smoke, pytest.mark.django_db(transaction=True)]


class RowWritingViewSet(ApiViewSet):
    """Writes the row that `kind` names, the way a service would: in a transaction."""

    def create(self, request: Request) -> Response:
        membership = OrganizationMembership.objects.get()
        assert isinstance(request.data, dict)
        with transaction.atomic():
            if request.data["kind"] == "unique":
                OrganizationMembership.objects.create(
                    organization=membership.organization, user=membership.user
                )
            elif request.data["kind"] == "not null":
                Organization.objects.create(name=None, slug="no-name")  # type: ignore[misc]
            elif request.data["kind"] == "check":
                OrganizationMembership.objects.create(
                    organization=membership.organization, user=UserFactory(), role="owner"
                )
            elif request.data["kind"] == "foreign key":
                OrganizationMembership.objects.create(
                    organization_id=uuid.uuid4(), user=membership.user
                )
        return Response(status=201)


def _post(kind: str) -> Response:
    membership = OrganizationMembershipFactory()
    request = APIRequestFactory().post("/api/v1/rows/", {"kind": kind}, format="json")
    force_authenticate(request, user=membership.user)
    return RowWritingViewSet.as_view({"post": "create"})(request).render()


def test_a_lost_unique_constraint_is_a_409_problem():
    response = _post("unique")

    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert response.data["detail"].startswith("A concurrent change clashed")
    assert OrganizationMembership.objects.count() == 1


@pytest.mark.parametrize("kind", ["not null", "check", "foreign key"])
def test_any_other_integrity_error_is_not_a_conflict(kind):
    with pytest.raises(IntegrityError):
        _post(kind)

    assert OrganizationMembership.objects.count() == 1
    assert not Organization.objects.filter(slug="no-name").exists()
