"""Every state change of accounts: organisations, memberships, invitations, API tokens.

Each service validates, writes, records the audit event in the same transaction and
enqueues its jobs on commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify

from accounts import tokens
from accounts.audit_actions import AccountsAction
from accounts.memberships import lock_membership, set_role
from accounts.models import (
    APIToken,
    Invitation,
    Organization,
    OrganizationMembership,
    ProjectMembership,
    TokenScope,
    User,
)
from accounts.outbox import invitation_enqueue, password_reset_enqueue
from accounts.permissions import SYSTEM, Perm, forget_roles, require
from audit.writer import audit_record
from core.ratelimit import hit
from core.services import model_update
from core.timezones import UNKNOWN_TIME_ZONE, is_time_zone

Role = OrganizationMembership.Role

LAST_ADMIN = "An organisation must keep at least one administrator."
ALREADY_MEMBER = "This person is already a member of the organisation."
INVITATION_UNUSABLE = "This invitation has expired, was revoked or was already used."
INVITATION_WRONG_EMAIL = "This invitation was sent to another email address."
INVITATION_ALREADY_SENT = "This invitation was mailed already: its link is final."
PROFILE_FIELDS = ("full_name", "time_zone")
TOKEN_TTL_RANGE = "Expiry must be between 1 and {max} days."  # noqa: S105
LIFETIME_BEYOND_CREATOR = (
    "A token cannot outlive the token that creates it, which expires on {expires}: "
    "ask for fewer days, or omit expires_in_days to expire with it."
)
UNKNOWN_SCOPES = "Unknown scopes: {scopes}. A token's scopes are {known}."
SCOPES_BEYOND_CREATOR = (
    "A token cannot grant scopes it does not hold: the token that creates it lacks {scopes}."
)


# --- users ---------------------------------------------------------------------------------


@transaction.atomic
def user_register(*, email: str, password: str, full_name: str = "") -> User:
    """Create a user account (invitation acceptance, demo data, admin commands)."""
    user = User(email=email.strip().lower(), full_name=full_name.strip())
    user.full_clean(exclude=["password"])
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    user.set_password(password)
    user.save()
    audit_record(actor=user, action=AccountsAction.USER_REGISTERED, target=user)
    return user


@transaction.atomic
def user_update_profile(*, actor: User, full_name: str, time_zone: str) -> User:
    """Change one's own name and time zone."""
    user = User.objects.select_for_update().get(pk=actor.pk)
    if not is_time_zone(time_zone):
        raise ValidationError({"time_zone": UNKNOWN_TIME_ZONE})
    user, changes = model_update(
        instance=user,
        fields=PROFILE_FIELDS,
        data={"full_name": full_name.strip(), "time_zone": time_zone},
        clean_exclude=["password"],
    )
    if changes:
        audit_record(
            actor=actor, action=AccountsAction.USER_PROFILE_UPDATED, target=user, data=changes
        )
    return user


NO_ACCOUNT = "no-account"  # the target of a lockout for an address that is nobody's


@transaction.atomic
def user_sign_in_locked_out(*, email: str, client_address: str | None) -> None:
    """Put a sign-in lockout on the trail: of the account's organisations if the address is
    an account's, else of the system chain. Once per lockout: django-axes signals every
    refused attempt during one, and a flood of attempts must not flood the trail."""
    if not hit(
        "sign-in-lockout-audited",
        f"{email}|{client_address}",
        limit=1,
        window=int(settings.AXES_COOLOFF_TIME.total_seconds()),
    ):
        return
    user = User.objects.filter(email=email).first()
    # The typed address is not recorded: it may be anything, and someone else's personal data.
    data = {"failure_limit": settings.AXES_FAILURE_LIMIT}
    org_ids = (
        list(
            OrganizationMembership.objects.filter(user=user).values_list("organization", flat=True)
        )
        if user is not None
        else []
    )
    for org in Organization.objects.filter(pk__in=org_ids):
        audit_record(
            actor=SYSTEM,
            action=AccountsAction.USER_SIGN_IN_LOCKED_OUT,
            target=user,
            organization=org,
            data=data,
        )
    if not org_ids:
        # No account (or none in an organisation): the system chain; the target says which
        # account, or that the address is nobody's.
        audit_record(
            actor=SYSTEM,
            action=AccountsAction.USER_SIGN_IN_LOCKED_OUT,
            target=user,
            target_type=None if user else "accounts.user",
            target_id=None if user else NO_ACCOUNT,
            data=data,
        )


@transaction.atomic
def user_sign_in(*, request: HttpRequest, user: User, data: dict[str, Any] | None = None) -> None:
    """Sign `user` in on the request's session and put it on the trail of each of their
    organisations, in one transaction: if the audit write fails, neither the new session nor
    `last_login` is committed (and the failed request's session is not saved either).
    `data` says how (the second factor used, never its code)."""
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    org_ids = list(
        OrganizationMembership.objects.filter(user=user).values_list("organization", flat=True)
    )
    for org in Organization.objects.filter(pk__in=org_ids):
        audit_record(
            actor=user,
            action=AccountsAction.USER_SIGNED_IN,
            target=user,
            organization=org,
            data=data,
        )
    if not org_ids:
        audit_record(actor=user, action=AccountsAction.USER_SIGNED_IN, target=user, data=data)


def _password_set(*, user: User, password: str, via: str) -> None:
    # The audit row says how the password changed, never what it is.
    user.set_password(password)
    user.save(update_fields=["password", "updated_at"])
    audit_record(
        actor=user, action=AccountsAction.USER_PASSWORD_CHANGED, target=user, data={"via": via}
    )


@transaction.atomic
def user_password_change(*, actor: User, password: str) -> None:
    """Change one's own password (the form has checked the old one and the validators)."""
    _password_set(user=actor, password=password, via="change")


# Reset requests: a few per address an hour (nobody's inbox is flooded with reset mails),
# more per client (a shared office address), and beyond either nothing more is sent.
RESET_PER_EMAIL = 3
RESET_PER_CLIENT = 20
RESET_WINDOW_SECONDS = 60 * 60


@transaction.atomic
def user_password_reset_request(*, email: str, client_address: str | None = None) -> None:
    """Ask for a reset link to be mailed to `email`, if an active account with a password has
    it (the rule of Django's reset form); the mail and its link are the outbox's.

    The caller learns nothing about the address, and neither does the clock: the lookup is the
    same either way and nothing is sent inside the request (`password_reset_enqueue`). Not on
    the audit trail: anyone may ask for anyone; the reset itself is recorded when it happens.
    Over the rate limits the answer is the same, and nothing is sent.
    """
    email = email.strip()
    per_email = hit(
        "password-reset:email", email.lower(), limit=RESET_PER_EMAIL, window=RESET_WINDOW_SECONDS
    )
    per_client = hit(
        "password-reset:client",
        client_address or "unknown",
        limit=RESET_PER_CLIENT,
        window=RESET_WINDOW_SECONDS,
    )
    if not (per_email and per_client):
        return
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is not None and not user.has_usable_password():
        user = None
    password_reset_enqueue(user=user)


@transaction.atomic
def user_password_reset_complete(*, user: User, password: str) -> None:
    """Set the new password chosen from an emailed reset link (the link was checked)."""
    _password_set(user=user, password=password, via="reset")


# --- organisations and memberships ------------------------------------------------------------


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "organisation"
    slug, n = base, 2
    while Organization.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def organization_create(*, actor: User, name: str) -> Organization:
    """Create an organisation; its creator becomes its first administrator."""
    org = Organization(name=name.strip(), slug=_unique_slug(name))
    org.full_clean()
    org.save()
    membership = OrganizationMembership.objects.create(
        organization=org, user=actor, role=Role.ADMIN
    )
    forget_roles(actor)
    audit_record(
        actor=actor, action=AccountsAction.ORGANIZATION_CREATED, target=org, data={"name": org.name}
    )
    audit_record(
        actor=actor,
        action=AccountsAction.ORGANIZATION_MEMBERSHIP_CREATED,
        target=membership,
        organization=org,
        data={"user_id": str(actor.pk), "role": Role.ADMIN},
    )
    return org


@transaction.atomic
def organization_rename(*, actor: User, organization: Organization, name: str) -> Organization:
    """Rename an organisation (administrators)."""
    require(actor, Perm.ORG_MANAGE, organization)
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    org, changes = model_update(instance=org, fields=("name",), data={"name": name.strip()})
    audit_record(actor=actor, action=AccountsAction.ORGANIZATION_RENAMED, target=org, data=changes)
    return org


def _organization_setting_set(
    *, actor: User, organization: Organization, field: str, value: bool
) -> Organization:
    """Change one of the organisation's settings (administrators), audited as a settings
    change; setting it to what it is changes nothing and writes nothing."""
    require(actor, Perm.ORG_MANAGE, organization)
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    if getattr(org, field) == value:
        return org
    org, changes = model_update(instance=org, fields=[field], data={field: value})
    audit_record(
        actor=actor,
        action=AccountsAction.ORGANIZATION_SETTINGS_CHANGED,
        target=org,
        data=changes,
    )
    return org


@transaction.atomic
def organization_set_gate_requester_signoff(
    *, actor: User, organization: Organization, allowed: bool
) -> Organization:
    """Let, or stop, the person who requested a gate give its manager sign-off
    (administrators); the permission policy reads the setting."""
    return _organization_setting_set(
        actor=actor, organization=organization, field="allow_gate_requester_signoff", value=allowed
    )


@transaction.atomic
def organization_set_require_two_factor(
    *, actor: User, organization: Organization, required: bool
) -> Organization:
    """Require, or stop requiring, two-factor sign-in of the organisation's administrators
    and compliance officers (administrators). Those without a device are held on the
    enrolment page from their next sign-in on (accounts/two_factor.py)."""
    return _organization_setting_set(
        actor=actor,
        organization=organization,
        field="require_two_factor_for_privileged",
        value=required,
    )


def _lock_org_membership(
    membership: OrganizationMembership, new_role: str | None
) -> OrganizationMembership:
    return lock_membership(
        membership,
        scope_field="organization_id",
        protected_role=Role.ADMIN,
        new_role=new_role,
        message=LAST_ADMIN,
    )


@transaction.atomic
def membership_change_role(
    *, actor: User, membership: OrganizationMembership, role: str
) -> OrganizationMembership:
    """Give a member another organisation role (administrators; never the last admin away)."""
    require(actor, Perm.ORG_MANAGE, membership.organization)
    locked = _lock_org_membership(membership, role)
    changes = set_role(locked, role)
    forget_roles(actor)
    if changes:
        audit_record(
            actor=actor,
            action=AccountsAction.ORGANIZATION_MEMBERSHIP_ROLE_CHANGED,
            target=locked,
            organization=locked.organization,
            data=changes,
        )
    return locked


@transaction.atomic
def membership_remove(*, actor: User, membership: OrganizationMembership) -> None:
    """Remove someone from an organisation, with their project roles in it."""
    require(actor, Perm.ORG_MANAGE, membership.organization)
    locked = _lock_org_membership(membership, None)
    ProjectMembership.objects.filter(
        user_id=locked.user_id, project__organization_id=locked.organization_id
    ).delete()
    audit_record(
        actor=actor,
        action=AccountsAction.ORGANIZATION_MEMBERSHIP_REMOVED,
        target=locked,
        organization=locked.organization,
        data={"user_id": str(locked.user_id), "role": locked.role},
    )
    locked.delete()
    forget_roles(actor)


# --- invitations ------------------------------------------------------------------------------


@transaction.atomic
def invitation_create(
    *, actor: User, organization: Organization, email: str, role: str = Role.MEMBER
) -> Invitation:
    """Invite an email address to the organisation; the mail goes out through the outbox.

    A pending invitation to the same address is replaced. Nobody learns the link here: its
    secret is made when the mail is sent (`invitation_link_issue`); until then the invitation
    holds the hash of a secret nobody knows, so no link works.
    """
    require(actor, Perm.ORG_MANAGE, organization)
    email = email.strip().lower()
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    if OrganizationMembership.objects.filter(
        organization=organization, user__email__iexact=email
    ).exists():
        raise ValidationError({"email": ALREADY_MEMBER})
    Invitation.objects.select_for_update().filter(
        organization=organization, email=email, status=Invitation.Status.PENDING
    ).update(status=Invitation.Status.REVOKED, updated_at=timezone.now())

    invitation = Invitation(
        organization=organization,
        email=email,
        role=role,
        token_hash=tokens.sha256_hex(tokens.new_link_secret()),  # discarded: no link yet
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    # The invitee's address is personal data: the trail keeps the invitation's id, not the email.
    audit_record(
        actor=actor,
        action=AccountsAction.INVITATION_CREATED,
        target=invitation,
        data={"role": role, "expires_at": invitation.expires_at},
    )
    invitation_enqueue(invitation)
    return invitation


@transaction.atomic
def invitation_link_issue(*, invitation_id: Any) -> tuple[Invitation, str]:
    """Give a usable invitation that was not mailed yet a new link secret; returns it with the
    invitation. Only its hash is stored, and the previous link stops working.

    The outbox's send step calls it with no transaction open, so the new hash is committed
    before the mail leaves: a retried send rotates the secret again and only the last link
    mailed works. Once the invitation is marked sent, its link is final and this refuses. The
    demo data calls it too, to accept its invitations without a mailbox.
    """
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organization", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.is_usable:
        raise ValidationError(INVITATION_UNUSABLE)
    if invitation.sent_at is not None:
        raise ValidationError(INVITATION_ALREADY_SENT)
    secret = tokens.new_link_secret()
    invitation.token_hash = tokens.sha256_hex(secret)
    invitation.save(update_fields=["token_hash", "updated_at"])
    return invitation, secret


def invitation_by_secret(secret: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(token_hash=tokens.sha256_hex(secret))
        .first()
    )


@transaction.atomic
def invitation_accept(
    *,
    secret: str,
    user: User | None = None,
    full_name: str = "",
    password: str = "",
) -> OrganizationMembership:
    """Accept an invitation as the signed-in `user`, or by creating an account for its email."""
    found = invitation_by_secret(secret)
    if found is None:
        raise ValidationError(INVITATION_UNUSABLE)
    invitation = Invitation.objects.select_for_update().get(pk=found.pk)
    if not invitation.is_usable:
        raise ValidationError(INVITATION_UNUSABLE)
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError("An account with this email exists: sign in to accept.")
        user = user_register(email=invitation.email, password=password, full_name=full_name)
    elif user.email.lower() != invitation.email.lower():
        raise ValidationError(INVITATION_WRONG_EMAIL)
    membership, _ = OrganizationMembership.objects.get_or_create(
        organization=invitation.organization, user=user, defaults={"role": invitation.role}
    )
    invitation.status = Invitation.Status.ACCEPTED
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["status", "accepted_at", "accepted_by", "updated_at"])
    forget_roles(user)
    audit_record(actor=user, action=AccountsAction.INVITATION_ACCEPTED, target=invitation)
    audit_record(
        actor=user,
        action=AccountsAction.ORGANIZATION_MEMBERSHIP_CREATED,
        target=membership,
        organization=invitation.organization,
        data={"user_id": str(user.pk), "role": membership.role},
    )
    return membership


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    """Revoke a pending invitation; its link stops working at once."""
    require(actor, Perm.ORG_MANAGE, invitation.organization)
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.status != Invitation.Status.PENDING:
        raise ValidationError(INVITATION_UNUSABLE)
    locked.status = Invitation.Status.REVOKED
    locked.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action=AccountsAction.INVITATION_REVOKED, target=locked)
    return locked


@transaction.atomic
def invitations_expire() -> int:
    """Mark past-due pending invitations expired (beat, hourly). Returns how many."""
    due = list(
        Invitation.objects.select_for_update(skip_locked=True).filter(
            status=Invitation.Status.PENDING, expires_at__lte=timezone.now()
        )
    )
    for invitation in due:
        invitation.status = Invitation.Status.EXPIRED
        invitation.save(update_fields=["status", "updated_at"])
        audit_record(actor=SYSTEM, action="invitation.expired", target=invitation)
    return len(due)


# --- API tokens ---------------------------------------------------------------------------------


@transaction.atomic
def api_token_create(
    *,
    actor: User,
    name: str,
    expires_in_days: int | None = None,
    scopes: Iterable[str] | None = None,
    created_with: APIToken | None = None,
    owner: User | None = None,
) -> tuple[APIToken, str]:
    """Create a personal API token; returns it with the plain token, shown this once.

    The token is the actor's own, or `owner`'s: a service account's, given by an administrator
    of its organisation (accounts/service_accounts.py checks that before calling this).

    `created_with` is the token that authenticated the request, if one did: the new token never
    outlives it nor holds a scope it lacks (a leaked token must not mint a stronger or longer
    successor). Asked for more, it is refused; by default it expires with the token that
    created it and holds its scopes. `scopes` default to every scope (a signed-in person may
    grant all of them); `read` is always added.
    """
    granted = token_scopes_normalise(scopes, created_with=created_with)
    days = expires_in_days if expires_in_days is not None else settings.API_TOKEN_DEFAULT_TTL_DAYS
    if not 1 <= days <= settings.API_TOKEN_MAX_TTL_DAYS:
        raise ValidationError(
            {"expires_in_days": TOKEN_TTL_RANGE.format(max=settings.API_TOKEN_MAX_TTL_DAYS)}
        )
    expires_at = timezone.now() + timedelta(days=days)
    if created_with is not None and expires_at > created_with.expires_at:
        if expires_in_days is not None:
            raise ValidationError(
                {
                    "expires_in_days": LIFETIME_BEYOND_CREATOR.format(
                        expires=created_with.expires_at.date().isoformat()
                    )
                }
            )
        expires_at = created_with.expires_at
    prefix, plain = tokens.new_api_token()
    token = APIToken(
        user=owner or actor,
        name=name.strip(),
        prefix=prefix,
        key_hash=tokens.sha256_hex(plain),
        expires_at=expires_at,
        scopes=granted,
    )
    token.full_clean()
    token.save()
    data: dict[str, object] = {
        "name": token.name,
        "prefix": prefix,
        "expires_at": token.expires_at,
        "scopes": granted,
    }
    if created_with is not None:
        data["created_with"] = created_with.prefix
    if owner is not None:
        data["service_account_id"] = str(owner.pk)
    audit_record(
        actor=actor,
        action=AccountsAction.API_TOKEN_CREATED,
        target=token,
        organization=owner.service_account_of if owner is not None else None,
        data=data,
    )
    return token, plain


def token_scopes_normalise(
    scopes: Iterable[str] | None, *, created_with: APIToken | None = None
) -> list[str]:
    """The scopes a new token gets: `scopes` (default: all the creator may grant) plus
    `read`, in their declared order; unknown ones, or ones the creating token lacks, refused."""
    ceiling = list(created_with.scopes) if created_with is not None else list(TokenScope.values)
    wanted = set(ceiling if scopes is None else scopes) | {TokenScope.READ.value}
    unknown = sorted(wanted - set(TokenScope.values))
    if unknown:
        raise ValidationError(
            {
                "scopes": UNKNOWN_SCOPES.format(
                    scopes=", ".join(unknown), known=", ".join(TokenScope.values)
                )
            }
        )
    beyond = [scope for scope in TokenScope.values if scope in wanted and scope not in ceiling]
    if beyond:
        raise ValidationError({"scopes": SCOPES_BEYOND_CREATOR.format(scopes=", ".join(beyond))})
    return [scope for scope in TokenScope.values if scope in wanted]


@transaction.atomic
def api_token_revoke(*, actor: User, token: APIToken, owner: User | None = None) -> APIToken:
    """Revoke one of the actor's own tokens (or `owner`'s, a service account's: see
    accounts/service_accounts.py); requests with it fail from now on."""
    locked = APIToken.objects.select_for_update().get(pk=token.pk, user=owner or actor)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at", "updated_at"])
        audit_record(
            actor=actor,
            action=AccountsAction.API_TOKEN_REVOKED,
            target=locked,
            organization=owner.service_account_of if owner is not None else None,
            data={"prefix": locked.prefix},
        )
    return locked


# --- sessions -------------------------------------------------------------------------------


def session_epoch_raise(user: User) -> User:
    """Raise the user's session epoch (locked): every session signed in so far ends."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    locked.session_epoch += 1
    locked.save(update_fields=["session_epoch", "updated_at"])
    return locked


@transaction.atomic
def user_sessions_end_others(*, actor: User, revoke_api_tokens: bool = False) -> User:
    """Sign the actor out everywhere else: every session signed in so far ends at its next
    request (the epoch in the session's auth hash changes); with `revoke_api_tokens`, their
    active API tokens are revoked too. The caller keeps its own session by updating its hash
    with the returned user (django.contrib.auth.update_session_auth_hash)."""
    user = session_epoch_raise(actor)
    revoked = 0
    if revoke_api_tokens:
        active = APIToken.objects.filter(user=actor, revoked_at__isnull=True).order_by("created_at")
        for token in active.select_for_update():
            api_token_revoke(actor=actor, token=token)
            revoked += 1
    audit_record(
        actor=actor,
        action=AccountsAction.USER_SESSIONS_ENDED,
        target=user,
        data={"api_tokens_revoked": revoked},
    )
    return user
