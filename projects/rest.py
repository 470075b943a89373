"""What the projects API modules share: the project in the URL, rows fetched through the
policy, people named by id in a body, and refusals that keep the service's reason."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from accounts.models import Organization, User
from accounts.permissions import Perm
from accounts.selectors import membership_list
from accounts.types import signed_in_user
from core.api.viewsets import ApiViewSet
from core.models import project_id_of
from projects.models import Project
from projects.selectors import project_get_for_user

PROJECT_ID = OpenApiParameter(
    "project_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The project."
)


class ProjectsApiViewSet(ApiViewSet):
    """The base of every projects viewset."""

    def check_row(self, obj: Any) -> Any:
        """`obj` (fetched through a policy-scoped selector) after the action's object check."""
        self.check_object_permissions(self.request, obj)
        return obj


class ProjectChildViewSet(ProjectsApiViewSet):
    """Rows of one project, at /projects/{project_id}/…: the project must be visible (else
    404), a collection action needs its `policy_perms` entry on the project (else 403), and a
    row of another project is a 404 under this one."""

    _project: Project | None = None

    def get_project(self) -> Project:
        if self._project is None:
            self._project = project_get_for_user(
                user=signed_in_user(self.request),
                id=self.kwargs["project_id"],
                perm=self.collection_perm(Perm.PROJECT_VIEW),
            )
        return self._project

    def fetch_row(self, pk: str) -> Any:
        """The row `pk` through its policy-scoped selector (404 when invisible)."""
        raise NotImplementedError

    def get_object(self) -> Any:
        project = self.get_project()
        obj = self.fetch_row(self.kwargs["pk"])
        if project_id_of(obj) != project.pk:
            raise Http404
        return self.check_row(obj)


def person_in(
    *, user: Any, organization: Organization, person_id: Any, field: str, message: str
) -> User | None:
    """The organisation member named by id in a body field, else a 400 on that field.

    Someone of another organisation and an id that does not exist get the same answer, so
    the field reveals nothing; the service then checks that they can see the project.
    """
    if person_id is None:
        return None
    membership = (
        membership_list(user=user, organization=organization).filter(user_id=person_id).first()
    )
    if membership is None:
        raise serializers.ValidationError({field: [message]})
    return membership.user
