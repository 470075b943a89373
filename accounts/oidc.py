"""Single sign-on with an OpenID Connect provider (mozilla-django-oidc, authorisation code flow
with PKCE; ID tokens checked against the provider's published keys).

Off unless CHARTER_OIDC_CLIENT_ID is set (the routes answer 404). A person is matched to an
account by the provider's verified email address, and an account is made for a new one.
The provider's groups claim (CHARTER_OIDC_GROUPS_CLAIM) sets their roles in the organisations
that CHARTER_OIDC_GROUP_ROLES names: each such organisation's role is the highest one their
groups map to, and a member of none of its groups leaves it (never its last administrator).
Organisations the mapping does not name are managed by hand as before. Every change is on
the trail with the system as actor and `"via": "oidc"`.

After the provider, Charter's own rules apply as for a password: an account with two-factor
sign-in still enters its code, and an organisation's two-factor policy still holds.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from accounts.audit_actions import AccountsAction
from accounts.memberships import set_role
from accounts.models import Organization, OrganizationMembership, User
from accounts.permissions import SYSTEM, forget_roles
from accounts.services import _lock_org_membership
from audit.writer import audit_record

Role = OrganizationMembership.Role
RANK = {Role.MEMBER: 1, Role.COMPLIANCE_OFFICER: 2, Role.ADMIN: 3}
CALLBACK_PATH = "/oidc/callback/"


def enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


def parse_group_roles(value: str) -> dict[str, tuple[str, str]]:
    """`"acme-admins=acme:admin, acme-staff=acme:member"` → {group: (organisation slug, role)}
    (the environment's form of CHARTER_OIDC_GROUP_ROLES). Unknown roles are refused."""
    mapping: dict[str, tuple[str, str]] = {}
    for item in filter(None, (part.strip() for part in value.split(","))):
        group, _, target = item.partition("=")
        slug, _, role = target.partition(":")
        if not group.strip() or not slug.strip() or role.strip() not in Role.values:
            raise ValueError(f"CHARTER_OIDC_GROUP_ROLES: cannot read {item!r}")
        mapping[group.strip()] = (slug.strip(), role.strip())
    return mapping


def check_group_roles(**_: Any) -> list[CheckMessage]:
    """System check: CHARTER_OIDC_GROUP_ROLES must be readable (else every SSO sign-in fails)."""
    try:
        parse_group_roles(settings.CHARTER_OIDC_GROUP_ROLES)
    except ValueError as error:
        return [Error(str(error), id="accounts.E001")]
    return []


def _groups(claims: dict[str, Any]) -> set[str]:
    value = claims.get(settings.CHARTER_OIDC_GROUPS_CLAIM, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return set()
    return {str(group) for group in value}


@transaction.atomic
def oidc_memberships_sync(*, user: User, claims: dict[str, Any]) -> None:
    """Set `user`'s roles in the mapped organisations from the provider's groups claim."""
    mapping = parse_group_roles(settings.CHARTER_OIDC_GROUP_ROLES)
    groups = _groups(claims)
    wanted: dict[str, str | None] = dict.fromkeys({slug for slug, _ in mapping.values()})
    for group, (slug, role) in mapping.items():
        current = wanted[slug]
        if group in groups and (current is None or RANK[Role(role)] > RANK[Role(current)]):
            wanted[slug] = role
    orgs = {org.slug: org for org in Organization.objects.filter(slug__in=wanted)}
    for slug, wanted_role in sorted(wanted.items()):
        org = orgs.get(slug)
        if org is None:
            continue  # a mapping to an organisation that does not exist (yet)
        _sync_one(user=user, organization=org, role=wanted_role)
    forget_roles(user)


def _sync_one(*, user: User, organization: Organization, role: str | None) -> None:
    membership = OrganizationMembership.objects.filter(organization=organization, user=user).first()
    if membership is None:
        if role is None:
            return
        membership = OrganizationMembership.objects.create(
            organization=organization, user=user, role=role
        )
        audit_record(
            actor=SYSTEM,
            action=AccountsAction.ORGANIZATION_MEMBERSHIP_CREATED,
            target=membership,
            organization=organization,
            data={"user_id": str(user.pk), "role": role, "via": "oidc"},
        )
        return
    try:
        locked = _lock_org_membership(membership, role)
    except ValidationError:
        return  # the last administrator stays one, whatever the provider says (LAST_ADMIN)
    if role is None:
        audit_record(
            actor=SYSTEM,
            action=AccountsAction.ORGANIZATION_MEMBERSHIP_REMOVED,
            target=locked,
            organization=organization,
            data={"user_id": str(user.pk), "role": locked.role, "via": "oidc"},
        )
        locked.delete()
        return
    changes = set_role(locked, role)
    if changes:
        audit_record(
            actor=SYSTEM,
            action=AccountsAction.ORGANIZATION_MEMBERSHIP_ROLE_CHANGED,
            target=locked,
            organization=organization,
            data={**changes, "via": "oidc"},
        )


@transaction.atomic
def oidc_user_provision(*, claims: dict[str, Any]) -> User:
    """The account of a person the provider vouches for, made on their first sign-in (with
    no usable password: they sign in through the provider, or reset one by email)."""
    user = User(
        email=str(claims["email"]).strip().lower(), full_name=str(claims.get("name", ""))[:150]
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(
        actor=user, action=AccountsAction.USER_REGISTERED, target=user, data={"via": "oidc"}
    )
    return user


class CharterOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, only on the callback of a configured provider, with
    Charter's accounts and the groups claim mapped to organisation roles."""

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        if not enabled() or request is None or request.path != CALLBACK_PATH:
            return None
        return super().authenticate(request, **kwargs)

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        # An address the provider has not verified could be anyone's: no account for it.
        return bool(claims.get("email")) and claims.get("email_verified", True) is not False

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        email = str(claims.get("email", "")).strip().lower()
        return User.objects.filter(email=email, is_active=True) if email else User.objects.none()

    def create_user(self, claims: dict[str, Any]) -> User:
        user = oidc_user_provision(claims=claims)
        oidc_memberships_sync(user=user, claims=claims)
        return user

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        oidc_memberships_sync(user=user, claims=claims)
        return user
