"""Routes of the accounts API under /api/v1/.

Convention for the whole API: every path ends with a slash (`/api/v1/projects/`,
`/api/v1/projects/{id}/`). Without it Django answers 301 to the slashed path, which clients
replay as a GET without the body, so clients always send the slash (docs/api.md).
"""

from django.urls import path
from rest_framework.routers import SimpleRouter

from accounts.api.me import MeViewSet
from accounts.api.organizations import (
    OrganizationInvitationViewSet,
    OrganizationMemberViewSet,
    OrganizationViewSet,
)
from accounts.api.service_accounts import ServiceAccountTokenViewSet, ServiceAccountViewSet
from accounts.api.tokens import APITokenViewSet

app_name = "accounts-api"

router = SimpleRouter(trailing_slash=True)
router.register("organizations", OrganizationViewSet, basename="organization")
router.register(
    r"organizations/(?P<organization_id>[^/]+)/members",
    OrganizationMemberViewSet,
    basename="organization-member",
)
router.register(
    r"organizations/(?P<organization_id>[^/]+)/invitations",
    OrganizationInvitationViewSet,
    basename="organization-invitation",
)
router.register(
    r"organizations/(?P<organization_id>[^/]+)/service-accounts",
    ServiceAccountViewSet,
    basename="organization-service-account",
)
router.register(
    r"organizations/(?P<organization_id>[^/]+)/service-accounts/(?P<service_account_id>[^/]+)/tokens",
    ServiceAccountTokenViewSet,
    basename="organization-service-account-token",
)
router.register("tokens", APITokenViewSet, basename="token")

urlpatterns = [
    path("me/", MeViewSet.as_view({"get": "retrieve", "patch": "partial_update"}), name="me"),
    *router.urls,
]
