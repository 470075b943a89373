"""Two-factor sign-in with a time-based one-time password (TOTP, RFC 6238) from an
authenticator app, and recovery codes for when the phone is gone; django-otp keeps the
devices, verifies the codes (replay of a code already used is refused) and throttles wrong
ones per device.

The flow: the password first (the sign-in form); for a user with a confirmed device the
session then only remembers who is halfway (PENDING_KEY), and `user_sign_in_with_code` signs
in once a code matches. A wrong code counts as a failed sign-in of that address for
django-axes, so the password's lockout applies to codes too. An organisation may require a
second factor of its administrators and compliance officers: such a member without a device
is held on the enrolment page after signing in (ENROLMENT_REQUIRED_KEY, read by
`TwoFactorEnrolmentMiddleware`). API tokens are not affected: a token is a credential of its
own, created from a signed-in (hence verified) session.

Secrets never reach the audit trail: events say what happened and with which kind of device.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

import qrcode
import qrcode.image.svg
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.audit_actions import AccountsAction
from accounts.models import OrganizationMembership, User
from accounts.services import session_epoch_raise, user_sign_in
from audit.writer import audit_record

Role = OrganizationMembership.Role

PENDING_KEY = "charter_two_factor_pending"
ENROLMENT_REQUIRED_KEY = "charter_two_factor_enrolment_required"
NEW_RECOVERY_CODES_KEY = "charter_new_recovery_codes"
PENDING_TTL_SECONDS = 5 * 60
RECOVERY_CODE_COUNT = 10
PRIVILEGED_ROLES = (Role.ADMIN, Role.COMPLIANCE_OFFICER)
TOTP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"

ALREADY_ENROLLED = "Two-factor sign-in is already on for your account."
NOT_ENROLLED = "Two-factor sign-in is not on for your account."
NO_PENDING_DEVICE = "Start the set-up again: no authenticator is waiting for confirmation."
WRONG_CODE = "That code is not valid. Check the time on your phone and try again."
REQUIRED_BY_POLICY = (
    "Your organisation requires two-factor sign-in of administrators and compliance "
    "officers: it cannot be turned off."
)


# --- reading -------------------------------------------------------------------------------


def has_device(user: User) -> bool:
    """Whether `user` signs in with a second factor (a confirmed device of any kind)."""
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or StaticDevice.objects.filter(user=user, confirmed=True).exists()
    )


def required_by_policy(user: User) -> bool:
    """Whether an organisation of `user` requires a second factor of their role."""
    return OrganizationMembership.objects.filter(
        user=user,
        role__in=PRIVILEGED_ROLES,
        organization__require_two_factor_for_privileged=True,
    ).exists()


def enrolment_required(user: User) -> bool:
    """Required by policy, and no device yet: the user must enrol before anything else."""
    return required_by_policy(user) and not has_device(user)


def pending_device(user: User) -> TOTPDevice | None:
    """The authenticator being set up (shown, not yet confirmed with a code)."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@dataclass(frozen=True)
class Provisioning:
    """What the enrolment page shows: the secret typed by hand, or the QR code scanned."""

    secret: str
    uri: str
    qr_svg: str


def provisioning(device: TOTPDevice) -> Provisioning:
    """The secret in base32 (what apps expect) and the otpauth URI as an inline SVG QR code
    (drawn here: no image service learns the secret, and no inline style or script)."""
    uri = device.config_url
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg = image.to_string(encoding="unicode")
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return Provisioning(secret=secret, uri=uri, qr_svg=svg)


def _verify(user: User, code: str) -> Device | None:
    """The confirmed device that accepts `code` (authenticator first, then a recovery code,
    which is used up), or None. django-otp throttles each device after wrong codes."""
    code = "".join(code.split())
    if not code or len(code) > 32:
        return None
    for model in (TOTPDevice, StaticDevice):
        for device in model.objects.filter(user=user, confirmed=True).select_for_update():
            if device.verify_token(code):
                return device
    return None


def _kind(device: Device) -> str:
    return "recovery_code" if isinstance(device, StaticDevice) else "totp"


# --- sign-in ---------------------------------------------------------------------------------


@transaction.atomic
def user_sign_in_with_code(
    *, request: HttpRequest, user: User, code: str, via: str | None = None
) -> bool:
    """The second step of signing in: if `code` is valid, sign `user` in (audited, with the
    kind of device) and remember the device in the session; False, and nobody signed in,
    otherwise (the wrong code's throttling by django-otp is kept)."""
    device = _verify(user, code)
    if device is None:
        return False
    data: dict[str, object] = {"two_factor": _kind(device)}
    if via:
        data["via"] = via
    if isinstance(device, StaticDevice):
        data["recovery_codes_left"] = recovery_codes_left(user)
    user_sign_in(request=request, user=user, data=data)
    otp_login(request, device)
    return True


# --- enrolment and disabling ---------------------------------------------------------------


@transaction.atomic
def two_factor_enrolment_start(*, actor: User) -> TOTPDevice:
    """Make a new authenticator secret for `actor` to scan (an earlier unconfirmed one is
    dropped); it signs nothing in until confirmed with a code from the app."""
    User.objects.select_for_update().get(pk=actor.pk)
    if has_device(actor):
        raise ValidationError(ALREADY_ENROLLED)
    TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=actor, name=TOTP_NAME, confirmed=False)
    audit_record(actor=actor, action=AccountsAction.USER_TWO_FACTOR_ENROLMENT_STARTED, target=actor)
    return device


@transaction.atomic
def two_factor_enrolment_confirm(*, actor: User, code: str) -> tuple[TOTPDevice, list[str]]:
    """Turn two-factor sign-in on with the first code of the app being set up; returns the
    device (its `user` with the new session epoch) and the plain recovery codes, which are
    shown once and then only stored. Every session signed in before, without a code, ends:
    the caller keeps its own with update_session_auth_hash(request, device.user)."""
    User.objects.select_for_update().get(pk=actor.pk)
    if has_device(actor):
        raise ValidationError(ALREADY_ENROLLED)
    device = pending_device(actor)
    if device is None:
        raise ValidationError(NO_PENDING_DEVICE)
    if not device.verify_token("".join(code.split())):
        raise ValidationError({"code": WRONG_CODE})
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    device.user = session_epoch_raise(actor)
    codes = _recovery_codes_replace(actor)
    audit_record(
        actor=actor,
        action=AccountsAction.USER_TWO_FACTOR_ENABLED,
        target=actor,
        data={"recovery_codes": len(codes)},
    )
    return device, codes


def _recovery_codes_replace(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=c) for c in codes)
    return codes


@transaction.atomic
def two_factor_recovery_codes_regenerate(*, actor: User, code: str) -> list[str]:
    """New recovery codes (the old ones stop working), against a current code."""
    User.objects.select_for_update().get(pk=actor.pk)
    if not has_device(actor):
        raise ValidationError(NOT_ENROLLED)
    if _verify(actor, code) is None:
        raise ValidationError({"code": WRONG_CODE})
    codes = _recovery_codes_replace(actor)
    audit_record(
        actor=actor,
        action=AccountsAction.USER_TWO_FACTOR_RECOVERY_CODES_REPLACED,
        target=actor,
        data={"recovery_codes": len(codes)},
    )
    return codes


@transaction.atomic
def two_factor_disable(*, actor: User, code: str) -> None:
    """Turn two-factor sign-in off against a current code (or a recovery code); refused
    while an organisation's policy requires it of the actor's role."""
    User.objects.select_for_update().get(pk=actor.pk)
    if not has_device(actor):
        raise ValidationError(NOT_ENROLLED)
    if required_by_policy(actor):
        raise ValidationError(REQUIRED_BY_POLICY)
    if _verify(actor, code) is None:
        raise ValidationError({"code": WRONG_CODE})
    TOTPDevice.objects.filter(user=actor).delete()
    StaticDevice.objects.filter(user=actor).delete()
    audit_record(actor=actor, action=AccountsAction.USER_TWO_FACTOR_DISABLED, target=actor)
