"""Read queries of accounts, always scoped by the permission policy."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from accounts.models import APIToken, Invitation, Organization, OrganizationMembership
from accounts.permissions import Perm, can, organizations_visible_to

SESSION_ORG_KEY = "charter_organization_id"


def organization_list_for_user(*, user: Any) -> QuerySet[Organization]:
    """The organisations the user belongs to."""
    return organizations_visible_to(user).order_by("name")


def organization_get_for_user(*, user: Any, id: Any, perm: Perm = Perm.ORG_VIEW) -> Organization:
    """One organisation of the user's, else 404; PermissionDenied without `perm`."""
    from django.core.exceptions import PermissionDenied, ValidationError

    try:
        org = organizations_visible_to(user).filter(pk=id).first()
    except (ValueError, ValidationError):
        org = None
    if org is None:
        raise Http404
    if not can(user, perm, org):
        raise PermissionDenied
    return org


def current_organization(
    request: HttpRequest, *, organizations: list[Organization] | None = None
) -> Organization | None:
    """The organisation chosen in the switcher, else the user's first one."""
    orgs = (
        organizations
        if organizations is not None
        else list(organization_list_for_user(user=request.user))
    )
    chosen = request.session.get(SESSION_ORG_KEY)
    for org in orgs:
        if str(org.pk) == chosen:
            return org
    return orgs[0] if orgs else None


def membership_list(*, user: Any, organization: Organization) -> QuerySet[OrganizationMembership]:
    """Members of an organisation the user can see."""
    return (
        OrganizationMembership.objects.filter(
            organization__in=organizations_visible_to(user), organization=organization
        )
        .select_related("user")
        .order_by("user__email")
    )


def membership_get_for_user(
    *, user: Any, organization: Organization, id: Any
) -> OrganizationMembership:
    try:
        membership = membership_list(user=user, organization=organization).filter(pk=id).first()
    except ValueError:
        membership = None
    if membership is None:
        raise Http404
    return membership


def invitation_list(*, user: Any, organization: Organization) -> QuerySet[Invitation]:
    """Invitations of an organisation; only its administrators see them."""
    if not can(user, Perm.ORG_MANAGE, organization):
        return Invitation.objects.none()
    return Invitation.objects.filter(organization=organization).select_related("invited_by")


def api_token_list(*, user: Any) -> QuerySet[APIToken]:
    """The user's own tokens, newest first."""
    return APIToken.objects.filter(user=user).order_by("-created_at")
