"""Service accounts: API identities owned by an organisation rather than a person.

A CI pipeline or an integration should not act as whoever set it up: when that person leaves,
their tokens go with them, and the trail would name them for what a machine did. A service
account is a user row of its organisation (`User.service_account_of`) with a role there, and
project memberships like anyone's, so the one permission policy applies to it unchanged. It
never signs in: its password is unusable and its address undeliverable, so neither the sign-in
form, a password reset nor single sign-on reaches it; it acts only through the tokens its
organisation's administrators give it, and nothing notifies it.

Administration stays with people: a service account is a member or a compliance officer,
never an administrator.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.text import slugify

from accounts.audit_actions import AccountsAction
from accounts.models import APIToken, Organization, OrganizationMembership, User
from accounts.permissions import Perm, forget_roles, require
from accounts.services import api_token_create, api_token_revoke
from audit.writer import audit_record

Role = OrganizationMembership.Role

# RFC 2606: .invalid never resolves, so no mail can ever reach (or come from) this address.
SERVICE_ACCOUNT_DOMAIN = "service-accounts.invalid"
SERVICE_ACCOUNT_ROLES = (Role.MEMBER, Role.COMPLIANCE_OFFICER)
ROLE_NOT_ALLOWED = (
    "A service account is a member or a compliance officer: administration stays with people."
)
NAME_REQUIRED = "Give the service account a name, e.g. “CI pipeline”."
INACTIVE = "This service account is deactivated: it holds no tokens any more."


def service_account_list(*, organization: Organization) -> QuerySet[User]:
    """The organisation's service accounts (active first), with their membership role."""
    return (
        User.objects.filter(service_account_of=organization)
        .prefetch_related("org_memberships")
        .order_by("-is_active", "full_name")
    )


def service_account_role(account: User) -> str:
    """The account's role in its organisation (read from the prefetched memberships)."""
    for membership in account.org_memberships.all():
        if membership.organization_id == account.service_account_of_id:
            return membership.role
    return ""


@transaction.atomic
def service_account_create(
    *, actor: User, organization: Organization, name: str, role: str = Role.MEMBER
) -> User:
    """Create a service account of `organization` with `role` (administrators)."""
    require(actor, Perm.ORG_MANAGE, organization)
    name = name.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = NAME_REQUIRED
    if role not in SERVICE_ACCOUNT_ROLES:
        errors["role"] = ROLE_NOT_ALLOWED
    if errors:
        raise ValidationError(errors)
    local = (slugify(name)[:40] or "service") + "." + secrets.token_hex(4)
    account = User(
        email=f"{local}@{SERVICE_ACCOUNT_DOMAIN}",
        full_name=name,
        service_account_of=organization,
    )
    account.set_unusable_password()
    account.full_clean()  # a name with control characters is refused here (core.models)
    account.save()
    membership = OrganizationMembership.objects.create(
        organization=organization, user=account, role=role
    )
    audit_record(
        actor=actor,
        action=AccountsAction.SERVICE_ACCOUNT_CREATED,
        target=account,
        organization=organization,
        data={"role": role},
    )
    audit_record(
        actor=actor,
        action=AccountsAction.ORGANIZATION_MEMBERSHIP_CREATED,
        target=membership,
        organization=organization,
        data={"user_id": str(account.pk), "role": role, "service_account": True},
    )
    return account


def _require_manager_of(actor: User, account: User) -> Organization:
    organization = account.service_account_of
    if organization is None:
        raise ValueError("not a service account")
    require(actor, Perm.ORG_MANAGE, organization)
    return organization


@transaction.atomic
def service_account_token_create(
    *,
    actor: User,
    account: User,
    name: str,
    expires_in_days: int | None = None,
    scopes: Iterable[str] | None = None,
    created_with: APIToken | None = None,
) -> tuple[APIToken, str]:
    """Give a service account a token (administrators of its organisation); the plain token
    is returned this once. A token creating it passes the same rules as for one's own: never
    longer-lived nor with more scopes than itself."""
    _require_manager_of(actor, account)
    locked = User.objects.select_for_update().get(pk=account.pk)
    if not locked.is_active:
        raise ValidationError(INACTIVE)
    return api_token_create(
        actor=actor,
        name=name,
        expires_in_days=expires_in_days,
        scopes=scopes,
        created_with=created_with,
        owner=locked,
    )


@transaction.atomic
def service_account_token_revoke(*, actor: User, account: User, token: APIToken) -> APIToken:
    """Revoke one of a service account's tokens (administrators of its organisation)."""
    _require_manager_of(actor, account)
    return api_token_revoke(actor=actor, token=token, owner=account)


@transaction.atomic
def service_account_deactivate(*, actor: User, account: User) -> User:
    """Deactivate a service account: every token of it is revoked and it can do nothing more.
    Its rows stay, so the trail keeps naming it; deactivating twice changes nothing."""
    organization = _require_manager_of(actor, account)
    locked = User.objects.select_for_update().get(pk=account.pk)
    if not locked.is_active:
        return locked
    revoked = 0
    for token in APIToken.objects.filter(user=locked, revoked_at__isnull=True).order_by("pk"):
        api_token_revoke(actor=actor, token=token, owner=locked)
        revoked += 1
    locked.is_active = False
    locked.save(update_fields=["is_active", "updated_at"])
    forget_roles(locked)
    audit_record(
        actor=actor,
        action=AccountsAction.SERVICE_ACCOUNT_DEACTIVATED,
        target=locked,
        organization=organization,
        data={"api_tokens_revoked": revoked},
    )
    return locked
