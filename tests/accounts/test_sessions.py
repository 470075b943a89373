"""Sign out everywhere else: every other session of the account ends at its next request,
this one goes on; revoking the API tokens too is a separate choice; both are audited."""

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import APIToken
from accounts.services import api_token_create
from audit.models import AuditEvent
from tests.accounts.test_two_factor import code_for
from tests.factories import DEFAULT_PASSWORD
from tests.helpers import bearer_client

pytestmark = pytest.mark.django_db

HOME = "/projects/"
END = "/accounts/sessions/end-others/"


def sign_in(user) -> Client:
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    return client


def test_other_sessions_end_and_this_one_goes_on(admin):
    laptop, phone = sign_in(admin), sign_in(admin)
    _, plain = api_token_create(actor=admin, name="ci")

    response = laptop.post(END)

    assert response.status_code == 302
    assert laptop.get(HOME).status_code == 200
    assert phone.get(HOME)["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in phone.session
    assert bearer_client(plain).get("/api/v1/me/").status_code == 200  # tokens kept
    event = AuditEvent.objects.get(action="user.sessions_ended")
    assert event.actor == admin
    assert event.data == {"api_tokens_revoked": 0}
    # The ended session signs in again as usual, and the new session stays.
    phone = sign_in(admin)
    assert phone.get(HOME).status_code == 200


def test_the_api_tokens_are_revoked_only_when_asked(admin):
    laptop = sign_in(admin)
    _, plain = api_token_create(actor=admin, name="ci")
    _, other = api_token_create(actor=admin, name="laptop")

    laptop.post(END, {"revoke_api_tokens": "on"})

    assert bearer_client(plain).get("/api/v1/me/").status_code == 401
    assert bearer_client(other).get("/api/v1/me/").status_code == 401
    assert not APIToken.objects.filter(user=admin, revoked_at__isnull=True).exists()
    assert AuditEvent.objects.get(action="user.sessions_ended").data == {"api_tokens_revoked": 2}
    assert AuditEvent.objects.filter(action="api_token.revoked").count() == 2
    assert laptop.get(HOME).status_code == 200


def test_another_users_sessions_are_untouched(admin, org_member):
    other = org_member()
    theirs = sign_in(other)

    sign_in(admin).post(END)

    assert theirs.get(HOME).status_code == 200


def test_turning_two_factor_on_ends_the_sessions_signed_in_without_a_code(admin):
    laptop, phone = sign_in(admin), sign_in(admin)
    laptop.post("/accounts/two-factor/start/")
    device = TOTPDevice.objects.get(user=admin)

    laptop.post("/accounts/two-factor/confirm/", {"confirm-code": code_for(device)})

    assert laptop.get(HOME).status_code == 200
    assert phone.get(HOME)["Location"].startswith("/accounts/login/")


def test_a_get_does_not_end_anything(admin):
    laptop, phone = sign_in(admin), sign_in(admin)
    assert laptop.get(END).status_code == 405
    assert phone.get(HOME).status_code == 200
