"""Single sign-on end to end against a real OpenID Connect provider on a local port
(oidc-provider-mock, a Flask server in a thread of this process): Charter redirects to it,
the provider's form signs a person in, and Charter's callback exchanges the code over HTTP,
checks the RS256 ID token against the provider's JWKS, reads the userinfo and maps the
groups claim to organisation roles. Nothing of the client library is replaced."""

from urllib.parse import parse_qs, quote, urlsplit

import oidc_provider_mock
import pytest
import requests
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import OrganizationMembership, User
from accounts.oidc import parse_group_roles
from audit.models import AuditEvent
from tests.factories import OrganizationFactory, OrganizationMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

Role = OrganizationMembership.Role
HOME = "/"  # the portfolio dashboard


@pytest.fixture(scope="module")
def provider():
    with oidc_provider_mock.run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def sso(provider, settings, org):
    settings.OIDC_RP_CLIENT_ID = "charter"
    settings.OIDC_RP_CLIENT_SECRET = "charter-secret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider}/oauth2/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider}/oauth2/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{provider}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider}/jwks"
    settings.CHARTER_OIDC_GROUP_ROLES = (
        f"acme-admins={org.slug}:admin, acme-compliance={org.slug}:compliance_officer, "
        f"acme-staff={org.slug}:member"
    )
    return provider


def person(provider: str, sub: str, **claims) -> None:
    """Who the provider will vouch for, with their claims (as its user directory would)."""
    response = requests.put(f"{provider}/users/{quote(sub)}", json=claims, timeout=10)
    assert response.status_code == 204


def single_sign_on(client: Client, sub: str):
    """Charter → the provider's form (submitted as the person would) → Charter's callback."""
    start = client.get("/oidc/authenticate/")
    assert start.status_code == 302
    authorize = start["Location"]
    query = parse_qs(urlsplit(authorize).query)
    assert query["redirect_uri"] == ["http://testserver/oidc/callback/"]
    assert query["code_challenge_method"] == ["S256"]
    consent = requests.post(authorize, data={"sub": sub}, allow_redirects=False, timeout=10)
    assert consent.status_code == 302
    back = urlsplit(consent.headers["Location"])
    assert back.path == "/oidc/callback/"
    return client.get(back.path, _flat(parse_qs(back.query)))


def _flat(query: dict[str, list[str]]) -> dict[str, str]:
    return {key: values[0] for key, values in query.items()}


def test_a_new_person_gets_an_account_and_the_roles_of_their_groups(sso, org):
    person(sso, "ada", email="ada@acme.example", name="Ada", groups=["acme-compliance"])
    client = Client()

    response = single_sign_on(client, "ada")

    assert response.status_code == 302
    assert response["Location"] == HOME
    user = User.objects.get(email="ada@acme.example")
    assert user.full_name == "Ada"
    assert not user.has_usable_password()
    assert client.get(HOME).status_code == 200
    membership = OrganizationMembership.objects.get(user=user, organization=org)
    assert membership.role == Role.COMPLIANCE_OFFICER
    created = AuditEvent.objects.get(action="organization_membership.created")
    assert created.actor_id is None
    assert created.data == {"user_id": str(user.pk), "role": "compliance_officer", "via": "oidc"}
    signed_in = AuditEvent.objects.get(action="user.signed_in")
    assert signed_in.data == {"via": "oidc"}


def test_the_groups_change_the_roles_at_each_sign_in(sso, org, admin):
    other = OrganizationFactory(name="Unmapped Ltd")
    user = UserFactory(email="bo@acme.example")
    OrganizationMembershipFactory(organization=org, user=user, role=Role.MEMBER)
    OrganizationMembershipFactory(organization=other, user=user, role=Role.ADMIN)

    person(sso, "bo", email="bo@acme.example", groups=["acme-staff", "acme-admins"])
    single_sign_on(Client(), "bo")
    assert OrganizationMembership.objects.get(user=user, organization=org).role == Role.ADMIN

    person(sso, "bo", email="bo@acme.example", groups=["unrelated"])
    single_sign_on(Client(), "bo")
    assert not OrganizationMembership.objects.filter(user=user, organization=org).exists()
    # An organisation the mapping does not name is managed by hand only.
    assert OrganizationMembership.objects.get(user=user, organization=other).role == Role.ADMIN
    actions = list(
        AuditEvent.objects.filter(
            organization=org, data__via="oidc", action__startswith="organization_membership"
        )
        .order_by("occurred_at")
        .values_list("action", flat=True)
    )
    assert actions == ["organization_membership.role_changed", "organization_membership.removed"]


def test_the_last_administrator_is_never_removed_by_the_provider(sso, org):
    user = UserFactory(email="cy@acme.example")
    OrganizationMembershipFactory(organization=org, user=user, role=Role.ADMIN)
    person(sso, "cy", email="cy@acme.example", groups=[])

    assert single_sign_on(Client(), "cy").status_code == 302

    assert OrganizationMembership.objects.get(user=user, organization=org).role == Role.ADMIN


def test_an_account_with_two_factor_still_enters_its_code(sso, org):
    user = UserFactory(email="di@acme.example")
    TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    person(sso, "di", email="di@acme.example", groups=["acme-staff"])
    client = Client()

    response = single_sign_on(client, "di")

    assert response["Location"] == "/accounts/login/code/"
    assert "_auth_user_id" not in client.session
    assert client.get(HOME).status_code == 302


def test_an_unverified_address_gets_no_account(sso):
    person(sso, "eve", email="eve@acme.example", email_verified=False, groups=["acme-admins"])
    client = Client()

    response = single_sign_on(client, "eve")

    assert response["Location"] == "/accounts/login/"
    assert not User.objects.filter(email="eve@acme.example").exists()
    assert "_auth_user_id" not in client.session


def test_a_callback_this_session_did_not_start_signs_nobody_in(sso, admin):
    client = Client()
    client.get("/oidc/authenticate/")

    response = client.get("/oidc/callback/", {"code": "forged", "state": "forged"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session


def test_the_sign_in_page_offers_single_sign_on_once_configured(sso, settings):
    assert "/oidc/authenticate/" in Client().get("/accounts/login/").content.decode()
    settings.OIDC_RP_CLIENT_ID = ""
    assert "/oidc/authenticate/" not in Client().get("/accounts/login/").content.decode()


def test_single_sign_on_is_off_until_configured(settings, provider):
    settings.OIDC_RP_CLIENT_ID = ""
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider}/oauth2/token"
    start = Client().get("/oidc/authenticate/")
    back = Client().get("/oidc/callback/", {"code": "x", "state": "y"})

    assert start["Location"] == "/accounts/login/"
    assert back["Location"] == "/accounts/login/"
    assert not User.objects.exists()


def test_the_group_mapping_is_read_strictly():
    assert parse_group_roles("a=acme:admin, b = acme:member") == {
        "a": ("acme", "admin"),
        "b": ("acme", "member"),
    }
    with pytest.raises(ValueError, match="cannot read"):
        parse_group_roles("a=acme:owner")
