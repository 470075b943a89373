"""Helpers shared by the stakeholders pages."""

from typing import Any

from django.utils.http import url_has_allowed_host_and_scheme

from accounts.permissions import Perm
from accounts.types import AuthenticatedRequest
from projects.models import Project
from projects.selectors import project_get_for_user
from stakeholders import selectors


def project_for(
    request: AuthenticatedRequest, project_id: Any, perm: Perm = Perm.PROJECT_VIEW
) -> Project:
    """The project in the URL: 404 if it is not visible, 403 without `perm`."""
    return project_get_for_user(user=request.user, id=project_id, perm=perm)


def project_stakeholder_choices(
    request: AuthenticatedRequest, project: Project
) -> list[tuple[str, str]]:
    """(stakeholder id, label) of the project's stakeholders, for checkboxes."""
    return [
        (str(link.stakeholder_id), _label(link.stakeholder, link.role))
        for link in selectors.project_stakeholder_list(user=request.user, project=project)
    ]


def _label(person: Any, role: str = "") -> str:
    extra = role or person.unit
    return f"{person.name} ({extra})" if extra else person.name


def safe_next(request: AuthenticatedRequest, value: str) -> str:
    """A `next` address on this site only (never an open redirect)."""
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


def form_error_list(forms: dict[str, Any]) -> list[str]:
    """Every error of the submitted form(s), for the summary at the top of a page: the form
    itself may not be shown any more (e.g. a cancelled workshop has no reschedule form)."""
    return [
        message
        for form in forms.values()
        if form is not None and form.is_bound
        for messages in form.errors.values()
        for message in messages
    ]
