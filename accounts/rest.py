"""What the accounts API lends every app's API: the organisation in the URL, the base of
viewsets over one organisation's rows, and a user shown as a reference.

The generic plumbing (base viewset, strict input, problem details, pagination) is core.api.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_serializer
from rest_framework import serializers

from accounts.models import Organization
from accounts.permissions import Perm
from accounts.selectors import organization_get_for_user
from accounts.types import signed_in_user
from core.api.viewsets import ApiViewSet

ORGANIZATION_ID = OpenApiParameter(
    "organization_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The organisation."
)


@extend_schema_serializer(component_name="UserSummary")
class UserSummaryOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField()
    full_name = serializers.CharField()


class OrganizationChildViewSet(ApiViewSet):
    """Rows of one organisation, at /organizations/{organization_id}/…."""

    _organization: Organization | None = None

    def parent_perm(self) -> Perm:
        return self.collection_perm(Perm.ORG_VIEW)

    def get_organization(self) -> Organization:
        """The organisation in the URL: 404 if not the user's, 403 without the action's perm."""
        if self._organization is None:
            self._organization = organization_get_for_user(
                user=signed_in_user(self.request),
                id=self.kwargs["organization_id"],
                perm=self.parent_perm(),
            )
        return self._organization
