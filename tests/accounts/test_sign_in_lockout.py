"""Sign-in is throttled (django-axes): after too many wrong passwords for one address from one
client, that pair is refused for a while — the right password included — and the lockout goes
on the trail once. Before, 30 wrong passwords and then the right one signed in."""

import pytest
from django.conf import settings
from django.test import Client

from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
LIMIT = settings.AXES_FAILURE_LIMIT
RIGHT = "charter-test-password"


@pytest.fixture
def ada(org_member):
    user = org_member(email="ada@acme.example")
    user.set_password(RIGHT)
    user.save(update_fields=["password"])
    return user


def _try(client, email, password, **meta):
    return client.post(LOGIN, {"username": email, "password": password}, **meta)


def test_after_the_limit_even_the_right_password_is_refused_and_audited_once(ada):
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(LIMIT):
        _try(client, "ada@acme.example", "wrong")

    refused = _try(client, "ADA@acme.example ", RIGHT)  # case and spaces do not evade it
    _try(client, "ada@acme.example", RIGHT)

    assert refused.status_code == 429
    assert "Too many attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    events = AuditEvent.objects.filter(action="user.sign_in_locked_out")
    assert list(events.values_list("target_id", "actor_id")) == [(str(ada.pk), None)]
    assert events.get().data == {"failure_limit": LIMIT}


def test_a_lockout_does_not_reach_the_same_account_from_another_client(ada):
    attacker = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(LIMIT + 1):
        _try(attacker, "ada@acme.example", "wrong")

    response = _try(Client(REMOTE_ADDR="203.0.113.9"), "ada@acme.example", RIGHT)

    assert response.status_code == 302  # signed in: nobody locks Ada out from elsewhere


def test_a_success_before_the_limit_resets_the_count(ada):
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(LIMIT - 1):
        _try(client, "ada@acme.example", "wrong")
    assert _try(client, "ada@acme.example", RIGHT).status_code == 302
    client.logout()

    for _ in range(LIMIT - 1):
        _try(client, "ada@acme.example", "wrong")

    assert _try(client, "ada@acme.example", RIGHT).status_code == 302


def test_an_unknown_address_is_locked_out_on_the_system_chain_without_the_address(db):
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(LIMIT + 1):
        _try(client, "nobody@acme.example", "guess")

    event = AuditEvent.objects.get(action="user.sign_in_locked_out")
    assert (event.organization_id, event.target_type, event.target_id) == (
        None,
        "accounts.user",
        "no-account",
    )
    assert "nobody@" not in str(event.data)
