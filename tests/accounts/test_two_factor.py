"""Two-factor sign-in (TOTP with django-otp): enrolment with a QR code and a first code,
sign-in asking for the code after the password, recovery codes used once, disabling against a
code, the lockout for wrong codes, and an organisation's policy that holds its administrators
and compliance officers on the enrolment page until they enrol. Codes are computed with the
library's own TOTP, as an authenticator app would."""

import json
import time

import pytest
from django.conf import settings
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import OrganizationMembership
from accounts.services import api_token_create
from audit.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD
from tests.helpers import bearer_client

pytestmark = pytest.mark.django_db

Role = OrganizationMembership.Role
LOGIN = "/accounts/login/"
CODE = "/accounts/login/code/"
PAGE = "/accounts/two-factor/"
HOME = "/"  # the portfolio dashboard


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or `steps_ahead` periods later: the device
    accepts one period of drift, and never a period it has already accepted)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def enrolled(user) -> tuple[TOTPDevice, list[str]]:
    device = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    static = StaticDevice.objects.create(user=user, name="Recovery", confirmed=True)
    codes = ["rec0ver1", "rec0ver2"]
    for c in codes:
        StaticToken.objects.create(device=static, token=c)
    return device, codes


def password_step(client: Client, user, next_url: str = ""):
    data = {"username": user.email, "password": DEFAULT_PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- enrolment -----------------------------------------------------------------------------


def test_enrolment_shows_a_secret_and_an_inline_qr_code_and_a_code_turns_it_on(admin):
    client = Client()
    client.force_login(admin)

    assert client.post("/accounts/two-factor/start/").status_code == 302
    page = client.get(PAGE)
    device = TOTPDevice.objects.get(user=admin)
    shown = two_factor.provisioning(device)

    body = page.content.decode()
    assert not device.confirmed
    assert shown.secret in body
    assert "<svg" in body
    assert "<path" in body
    assert page["Cache-Control"] == "no-store"
    csp = page["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "otpauth://totp/" in shown.uri
    assert "issuer=Charter" in shown.uri

    wrong = client.post("/accounts/two-factor/confirm/", {"confirm-code": "000000"})
    assert wrong.status_code == 302
    device.refresh_from_db()
    assert not device.confirmed
    assert not two_factor.has_device(admin)

    client.post("/accounts/two-factor/confirm/", {"confirm-code": code_for(device)})
    device.refresh_from_db()
    assert device.confirmed
    assert two_factor.has_device(admin)
    first = client.get(PAGE).content.decode()
    codes = list(StaticToken.objects.filter(device__user=admin).values_list("token", flat=True))
    assert len(codes) == two_factor.RECOVERY_CODE_COUNT
    assert all(c in first for c in codes)
    again = client.get(PAGE).content.decode()
    assert not any(c in again for c in codes)  # shown once

    events = AuditEvent.objects.filter(target_id=str(admin.pk), action__startswith="user.two")
    assert list(events.order_by("occurred_at").values_list("action", "data")) == [
        ("user.two_factor_enrolment_started", {}),
        ("user.two_factor_enabled", {"recovery_codes": two_factor.RECOVERY_CODE_COUNT}),
    ]
    trail = json.dumps(list(AuditEvent.objects.values_list("data", flat=True)))
    assert shown.secret not in trail
    assert device.key not in trail
    assert not any(c in trail for c in codes)


def test_a_second_enrolment_is_refused_while_one_is_on(admin):
    enrolled(admin)
    client = Client()
    client.force_login(admin)

    response = client.post("/accounts/two-factor/start/", follow=True)

    assert two_factor.ALREADY_ENROLLED in response.content.decode()
    assert TOTPDevice.objects.filter(user=admin).count() == 1


# --- signing in ---------------------------------------------------------------------------


def test_the_password_alone_does_not_sign_an_enrolled_user_in_the_code_does(admin):
    device, _ = enrolled(admin)
    client = Client()

    first = password_step(client, admin, next_url="/accounts/profile/")
    assert first.status_code == 302
    assert first["Location"] == CODE
    assert not signed_in(client)
    assert client.get(HOME).status_code == 302  # to the sign-in page, not the app

    response = client.post(CODE, {"code": code_for(device)})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/profile/"
    assert signed_in(client)
    assert client.get(HOME).status_code == 200
    event = AuditEvent.objects.get(action="user.signed_in")
    assert event.data == {"two_factor": "totp"}


def test_a_wrong_code_is_refused(admin):
    device, _ = enrolled(admin)
    client = Client()
    password_step(client, admin)

    response = client.post(CODE, {"code": code_for(device, steps_ahead=5)})

    assert response.status_code == 400
    assert two_factor.WRONG_CODE in response.content.decode()
    assert not signed_in(client)
    assert not AuditEvent.objects.filter(action="user.signed_in").exists()


def test_garbage_codes_are_refused_without_an_error(admin):
    enrolled(admin)
    client = Client()
    password_step(client, admin)
    for garbage in ("", "x" * 40, "12 34 56", "<script>"):
        assert client.post(CODE, {"code": garbage}).status_code == 400
    assert not signed_in(client)


def test_the_code_page_without_a_password_step_goes_back_to_sign_in(admin):
    response = Client().post(CODE, {"code": "123456"})
    assert response.status_code == 302
    assert response["Location"] == LOGIN


def test_a_recovery_code_signs_in_once(admin):
    _, codes = enrolled(admin)
    client = Client()
    password_step(client, admin)

    assert client.post(CODE, {"code": codes[0]}).status_code == 302
    assert signed_in(client)
    event = AuditEvent.objects.get(action="user.signed_in")
    assert event.data == {"two_factor": "recovery_code", "recovery_codes_left": 1}

    again = Client()
    password_step(again, admin)
    assert again.post(CODE, {"code": codes[0]}).status_code == 400
    assert not signed_in(again)


def test_wrong_codes_lock_the_address_out_like_wrong_passwords(admin):
    device, _ = enrolled(admin)
    client = Client(REMOTE_ADDR="198.51.100.7")
    password_step(client, admin)
    statuses = [
        client.post(CODE, {"code": code_for(device, steps_ahead=9)}).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]

    refused = client.post(CODE, {"code": code_for(device)})

    assert statuses[:-1] == [400] * (settings.AXES_FAILURE_LIMIT - 1)
    assert refused.status_code == 429
    assert not signed_in(client)
    # The password step is locked too, for this address and this client.
    assert password_step(client, admin).status_code == 429
    assert AuditEvent.objects.filter(action="user.sign_in_locked_out").count() == 1
    # From elsewhere the account still signs in (nobody locks it out), once django-otp's own
    # throttle of the device (a second after the first wrong code) has passed.
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert password_step(other, admin)["Location"] == CODE
    time.sleep(1.2)
    assert other.post(CODE, {"code": code_for(device, steps_ahead=1)}).status_code == 302


# --- turning it off and new recovery codes -------------------------------------------------


def test_disabling_needs_a_valid_code(admin):
    device, _ = enrolled(admin)
    client = Client()
    client.force_login(admin)

    client.post("/accounts/two-factor/disable/", {"disable-code": "000000"})
    assert two_factor.has_device(admin)
    assert not AuditEvent.objects.filter(action="user.two_factor_disabled").exists()

    client.post("/accounts/two-factor/disable/", {"disable-code": code_for(device)})
    assert not two_factor.has_device(admin)
    assert not StaticToken.objects.filter(device__user=admin).exists()
    event = AuditEvent.objects.get(action="user.two_factor_disabled")
    assert event.actor == admin
    assert event.data == {}


def test_new_recovery_codes_replace_the_old_ones(admin):
    device, old = enrolled(admin)
    client = Client()
    client.force_login(admin)

    client.post("/accounts/two-factor/recovery-codes/", {"recovery-code": code_for(device)})

    new = set(StaticToken.objects.filter(device__user=admin).values_list("token", flat=True))
    assert len(new) == two_factor.RECOVERY_CODE_COUNT
    assert not new & set(old)
    page = client.get(PAGE).content.decode()
    assert all(c in page for c in new), page
    assert AuditEvent.objects.filter(action="user.two_factor_recovery_codes_replaced").exists()


# --- the organisation's policy -------------------------------------------------------------


@pytest.fixture
def strict_org(org):
    org.require_two_factor_for_privileged = True
    org.save(update_fields=["require_two_factor_for_privileged"])
    return org


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COMPLIANCE_OFFICER])
def test_a_privileged_member_without_a_device_is_held_on_enrolment(strict_org, org_member, role):
    user = org_member(role)
    client = Client()

    response = password_step(client, user)

    assert response.status_code == 302
    assert response["Location"] == PAGE
    assert signed_in(client)
    assert client.get(HOME)["Location"] == PAGE
    assert client.get("/accounts/tokens/")["Location"] == PAGE
    assert client.get("/api/v1/me/").status_code == 403
    assert client.get(HOME, HTTP_HX_REQUEST="true").status_code == 204  # nothing to swap in
    assert client.get(PAGE).status_code == 200

    client.post("/accounts/two-factor/start/")
    device = TOTPDevice.objects.get(user=user)
    client.post("/accounts/two-factor/confirm/", {"confirm-code": code_for(device)})

    assert client.get(HOME).status_code == 200


def test_a_plain_member_is_not_held(strict_org, org_member):
    client = Client()
    assert password_step(client, org_member(Role.MEMBER))["Location"] == HOME
    assert client.get(HOME).status_code == 200


def test_the_policy_forbids_turning_it_off(strict_org, admin):
    device, _ = enrolled(admin)
    client = Client()
    client.force_login(admin)

    response = client.post(
        "/accounts/two-factor/disable/", {"disable-code": code_for(device)}, follow=True
    )

    assert two_factor.REQUIRED_BY_POLICY in response.content.decode()
    assert two_factor.has_device(admin)


def test_api_tokens_are_not_affected_by_the_policy(strict_org, admin):
    _, plain = api_token_create(actor=admin, name="ci")
    assert bearer_client(plain).get("/api/v1/me/").status_code == 200


def test_administrators_set_the_policy_through_the_api_audited(org, admin, org_member):
    member = org_member(Role.MEMBER)
    url = f"/api/v1/organizations/{org.pk}/"
    body = {"require_two_factor_for_privileged": True}

    denied = Client()
    denied.force_login(member)
    assert denied.patch(url, body, content_type="application/json").status_code == 403
    org.refresh_from_db()
    assert not org.require_two_factor_for_privileged
    assert not AuditEvent.objects.filter(action="organization.settings_changed").exists()

    client = Client()
    client.force_login(admin)
    response = client.patch(url, body, content_type="application/json")

    assert response.status_code == 200
    assert response.json()["require_two_factor_for_privileged"]
    event = AuditEvent.objects.get(action="organization.settings_changed")
    assert event.data == {"require_two_factor_for_privileged": {"old": False, "new": True}}


def test_the_password_step_expires_after_five_minutes(admin):
    device, _ = enrolled(admin)
    client = Client()
    password_step(client, admin)
    session = client.session
    pending = session[two_factor.PENDING_KEY]
    session[two_factor.PENDING_KEY] = {**pending, "at": pending["at"] - 301}
    session.save()

    response = client.post(CODE, {"code": code_for(device)})

    assert response["Location"] == LOGIN
    assert not signed_in(client)
    assert two_factor.PENDING_KEY not in client.session


def test_administrators_set_the_policy_on_the_members_page(org, admin, org_member):
    url = f"/organizations/{org.pk}/two-factor-policy/"
    member = Client()
    member.force_login(org_member(Role.MEMBER))
    assert member.post(url, {"required": "true"}).status_code == 403
    org.refresh_from_db()
    assert not org.require_two_factor_for_privileged

    client = Client()
    client.force_login(admin)
    page = client.get(f"/organizations/{org.pk}/members/").content.decode()
    assert "Require it of administrators and compliance officers" in page

    client.post(url, {"required": "true"})

    org.refresh_from_db()
    assert org.require_two_factor_for_privileged
    assert "Stop requiring it" in client.get(f"/organizations/{org.pk}/members/").content.decode()
    event = AuditEvent.objects.get(action="organization.settings_changed")
    assert event.actor == admin
