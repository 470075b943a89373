"""Read queries of accounts, always scoped by the permission policy."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from accounts.models import APIToken, Invitation, Organization, OrganizationMembership, User
from accounts.permissions import Actor, Perm, Rule, can, organizations_visible_to, visible

SESSION_ORG_KEY = "charter_organization_id"


def organization_list_for_user(*, user: User) -> QuerySet[Organization]:
    """The organisations the user belongs to."""
    return organizations_visible_to(user).order_by("name")


def organization_memberships_for_user(*, user: User) -> QuerySet[OrganizationMembership]:
    """The user's memberships with their organisations, by organisation name: the organisation
    and the role come from one read, so they always agree (a membership created meanwhile is
    either wholly there or not at all)."""
    return (
        OrganizationMembership.objects.filter(
            user=user, organization__in=organizations_visible_to(user)
        )
        .select_related("organization")
        .order_by("organization__name", "organization_id")
    )


def organization_get_for_user(*, user: User, id: Any, perm: Perm = Perm.ORG_VIEW) -> Organization:
    """One organisation of the user's, else 404; PermissionDenied without `perm`."""
    return visible_object_get(user=user, model=Organization, id=id, perm=perm)


def current_organization(
    request: HttpRequest, *, organizations: list[Organization] | None = None
) -> Organization | None:
    """The organisation chosen in the switcher, else the user's first one."""
    user = request.user
    if not user.is_authenticated:
        return None  # a visitor belongs to no organisation
    orgs = (
        organizations if organizations is not None else list(organization_list_for_user(user=user))
    )
    chosen = request.session.get(SESSION_ORG_KEY)
    for org in orgs:
        if str(org.pk) == chosen:
            return org
    return orgs[0] if orgs else None


def membership_list(*, user: User, organization: Organization) -> QuerySet[OrganizationMembership]:
    """Members of an organisation the user can see."""
    return (
        OrganizationMembership.objects.filter(
            organization__in=organizations_visible_to(user), organization=organization
        )
        .select_related("user")
        .order_by("user__email")
    )


def membership_get_for_user(
    *, user: User, organization: Organization, id: Any
) -> OrganizationMembership:
    return visible_object_get(
        user=user,
        model=OrganizationMembership,
        id=id,
        queryset=membership_list(user=user, organization=organization),
    )


def invitation_list(*, user: User, organization: Organization) -> QuerySet[Invitation]:
    """Invitations of an organisation; only its administrators see them."""
    if not can(user, Perm.ORG_MANAGE, organization):
        return Invitation.objects.none()
    return Invitation.objects.filter(organization=organization).select_related("invited_by")


def api_token_list(*, user: User) -> QuerySet[APIToken]:
    """The user's own tokens, newest first."""
    return APIToken.objects.filter(user=user).order_by("-created_at")


def visible_object_get[M: Model](
    *,
    user: Actor,
    model: type[M],
    id: Any,
    perm: Perm | Rule | None = None,
    # QuerySet[Any]: the policy's `visible` does not carry the model type yet.
    queryset: QuerySet[Any] | None = None,
) -> M:
    """One governed object by id: 404 if the user cannot see it (another organisation, a
    project they are not on, a malformed id), PermissionDenied if they lack `perm` on it.

    `queryset` (already narrowed by `visible`) may add select_related/prefetch_related.
    """
    rows: QuerySet[M] = queryset if queryset is not None else visible(user, model)
    try:
        obj = rows.filter(pk=id).first()
    except (ValueError, ValidationError):
        obj = None
    if obj is None:
        raise Http404
    if perm is not None and not can(user, perm, obj):
        raise PermissionDenied
    return obj


def account_exists(*, email: str) -> bool:
    """Whether an account uses this email address (invitation acceptance asks to sign in)."""
    return User.objects.filter(email__iexact=email.strip()).exists()
