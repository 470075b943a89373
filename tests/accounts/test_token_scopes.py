"""Token scopes: a token does what its user's roles allow *and* its scopes grant, never more;
a token never mints a stronger one; every token records where it was last used from."""

import pytest
from django.core.exceptions import ValidationError
from drf_spectacular.generators import SchemaGenerator

from accounts.models import APIToken, TokenScope
from accounts.services import api_token_create
from projects.models import Project
from tests.helpers import assert_problem, bearer_client, client_for

pytestmark = pytest.mark.django_db


def _client(user, scopes):
    _, plain = api_token_create(actor=user, name="scoped", scopes=scopes)
    return bearer_client(plain)


# --- the service ------------------------------------------------------------------------------


def test_scopes_default_to_every_scope_and_always_include_read(admin):
    everything, _ = api_token_create(actor=admin, name="all")
    writer, _ = api_token_create(actor=admin, name="ci", scopes=["write"])
    reader, _ = api_token_create(actor=admin, name="grc", scopes=[])

    assert everything.scopes == ["read", "write", "export", "admin"]
    assert writer.scopes == ["read", "write"]
    assert reader.scopes == ["read"]


def test_unknown_scope_is_refused_and_nothing_is_written(admin):
    with pytest.raises(ValidationError) as error:
        api_token_create(actor=admin, name="x", scopes=["write", "root"])

    assert "root" in error.value.message_dict["scopes"][0]
    assert not APIToken.objects.filter(user=admin).exists()


def test_a_token_never_mints_a_token_with_a_scope_it_lacks(admin):
    creator, _ = api_token_create(actor=admin, name="ci", scopes=["write", "admin"])

    with pytest.raises(ValidationError) as error:
        api_token_create(actor=admin, name="more", scopes=["export"], created_with=creator)
    inherited, _ = api_token_create(actor=admin, name="same", created_with=creator)

    assert "export" in error.value.message_dict["scopes"][0]
    assert inherited.scopes == ["read", "write", "admin"]
    assert APIToken.objects.filter(user=admin).count() == 2


# --- the API ----------------------------------------------------------------------------------


def test_read_only_token_reads_but_cannot_write(admin, org):
    client = _client(admin, [])

    assert client.get("/api/v1/projects/").status_code == 200
    response = client.post("/api/v1/projects/", {"organization": str(org.pk), "name": "Nope"})

    body = assert_problem(response, 403)
    assert body["code"] == "insufficient_scope"
    assert body["required_scope"] == "write"
    assert response["WWW-Authenticate"] == 'Bearer error="insufficient_scope", scope="write"'
    assert not Project.objects.filter(name="Nope").exists()


def test_write_token_writes(admin, org):
    response = _client(admin, ["write"]).post(
        "/api/v1/projects/", {"organization": str(org.pk), "name": "Yes"}
    )

    assert response.status_code == 201, response.content
    assert Project.objects.filter(name="Yes").exists()


@pytest.mark.parametrize(
    ("method", "path", "scope"),
    [
        ("get", "/api/v1/tokens/", "admin"),
        ("post", "/api/v1/tokens/", "admin"),
        ("get", "/api/v1/audit-exports/", "export"),
        ("post", "/api/v1/audit-exports/", "export"),
    ],
)
def test_administration_and_exports_need_their_own_scope(admin, method, path, scope):
    client = _client(admin, ["write"])
    before = APIToken.objects.count()
    response = getattr(client, method)(path, {"name": "x"})

    assert assert_problem(response, 403)["required_scope"] == scope
    assert APIToken.objects.count() == before


def test_export_token_lists_exports_and_admin_token_lists_tokens(admin):
    assert _client(admin, ["export"]).get("/api/v1/audit-exports/").status_code == 200
    assert _client(admin, ["admin"]).get("/api/v1/tokens/").status_code == 200


def test_changing_members_needs_admin_but_reading_them_does_not(admin, org, org_member):
    member = org_member("member")
    membership = member.org_memberships.get(organization=org)
    path = f"/api/v1/organizations/{org.pk}/members/{membership.pk}/"
    writer = _client(admin, ["write"])

    assert writer.get(path).status_code == 200
    assert assert_problem(writer.patch(path, {"role": "admin"}), 403)["required_scope"] == "admin"
    membership.refresh_from_db()
    assert membership.role == "member"


def test_token_minted_through_the_api_cannot_exceed_its_creator(admin):
    client = _client(admin, ["admin"])

    refused = client.post("/api/v1/tokens/", {"name": "more", "scopes": ["read", "export"]})
    granted = client.post("/api/v1/tokens/", {"name": "same"})

    assert "export" in assert_problem(refused, 400)["errors"]["scopes"][0]
    assert granted.status_code == 201, granted.content
    assert granted.json()["scopes"] == ["read", "admin"]


def test_sessions_have_no_scopes(admin):
    # A browser acts with its user's roles alone: the scope check is for tokens.
    assert client_for(admin).get("/api/v1/tokens/").status_code == 200


# --- where a token was last used from ---------------------------------------------------------


def test_last_use_records_the_client_address(admin):
    token, plain = api_token_create(actor=admin, name="ci")
    client = bearer_client(plain)

    client.get("/api/v1/me/", REMOTE_ADDR="203.0.113.7")
    token.refresh_from_db()
    first_use = token.last_used_at
    client.get("/api/v1/me/", REMOTE_ADDR="198.51.100.9")  # within the minute, new address
    token.refresh_from_db()

    assert first_use is not None
    assert token.last_used_ip == "198.51.100.9"
    listed = client_for(admin).get(f"/api/v1/tokens/{token.pk}/").json()
    assert listed["last_used_ip"] == "198.51.100.9"
    assert listed["scopes"] == ["read", "write", "export", "admin"]


def test_behind_a_trusted_proxy_the_forwarded_address_is_recorded(admin, settings):
    settings.CHARTER_TRUSTED_PROXIES = 1
    token, plain = api_token_create(actor=admin, name="ci")

    bearer_client(plain).get(
        "/api/v1/me/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 192.0.2.44"
    )
    token.refresh_from_db()

    assert token.last_used_ip == "192.0.2.44"


# --- the schema says it -----------------------------------------------------------------------


def test_every_operation_documents_its_scope_and_the_403():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    seen = set()
    for path, operations in schema["paths"].items():
        if path.startswith("/api/v1/intake/"):
            continue  # intake keys, not tokens
        for method, operation in operations.items():
            scope = operation.get("x-required-scope")
            assert scope in TokenScope.values, (method, path)
            assert "403" in operation["responses"], (method, path)
            seen.add(scope)

    assert seen == set(TokenScope.values)


# --- the page ---------------------------------------------------------------------------------


def test_token_page_grants_the_ticked_scopes(client, admin):
    client.force_login(admin)

    response = client.post(
        "/accounts/tokens/", {"name": "GRC", "expires_in_days": 30, "scopes": ["export"]}
    )

    assert response.status_code == 302
    assert APIToken.objects.get(user=admin, name="GRC").scopes == ["read", "export"]
    assert "read, export" in client.get("/accounts/tokens/").content.decode()
