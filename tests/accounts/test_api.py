"""The accounts REST API: authentication, the signed-in user, organisations, members,
invitations, tokens; role matrices, isolation between organisations, problem details; and the
OpenAPI schema and its docs page."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from accounts.models import APIToken, Invitation, Organization, OrganizationMembership, User
from accounts.services import api_token_create, api_token_revoke
from accounts.tokens import sha256_hex
from audit.models import AuditEvent
from tests.factories import OrganizationMembershipFactory
from tests.helpers import (
    PROBLEM,
    UNKNOWN_UUID,
    assert_problem,
    bearer_client,
    client_for,
    new_events,
)

pytestmark = pytest.mark.django_db

OrgRole = OrganizationMembership.Role


@pytest.fixture
def people(org, admin, compliance_officer, org_member, outsider):
    """One user per role towards `org` (None is anonymous)."""
    return {
        "anon": None,
        "outsider": outsider,
        "member": org_member(OrgRole.MEMBER),
        "compliance_officer": compliance_officer,
        "admin": admin,
    }


# --- authentication ---------------------------------------------------------------------------


def test_valid_token_authenticates_and_records_last_use(admin):
    token, plain = api_token_create(actor=admin, name="ci")
    client = bearer_client(plain)

    response = client.get("/api/v1/me/")

    assert response.status_code == 200
    assert response.json()["email"] == admin.email
    assert APIToken.objects.get(pk=token.pk).last_used_at is not None


def _revoked(user):
    token, plain = api_token_create(actor=user, name="old")
    api_token_revoke(actor=user, token=token)
    return plain


def _expired(user):
    token, plain = api_token_create(actor=user, name="old")
    APIToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    return plain


def _wrong_secret(user):
    token, _ = api_token_create(actor=user, name="ci")
    return f"chr_{token.prefix}_{'A' * 43}"


def _inactive_user(user):
    _, plain = api_token_create(actor=user, name="ci")
    User.objects.filter(pk=user.pk).update(is_active=False)
    return plain


@pytest.mark.parametrize(
    "make_header",
    [
        pytest.param(lambda user: f"Bearer {_revoked(user)}", id="revoked"),
        pytest.param(lambda user: f"Bearer {_expired(user)}", id="expired"),
        pytest.param(lambda user: f"Bearer {_wrong_secret(user)}", id="wrong-secret"),
        pytest.param(lambda user: f"Bearer {_inactive_user(user)}", id="inactive-user"),
        pytest.param(lambda user: "Bearer not-a-token", id="malformed"),
        pytest.param(lambda user: "Bearer chr_1234abcd", id="truncated"),
        pytest.param(lambda user: "Bearer", id="no-token"),
        pytest.param(lambda user: "Bearer two parts", id="two-parts"),
        pytest.param(lambda user: "Bearer ch\u00e9r", id="non-ascii"),
    ],
)
def test_bad_tokens_answer_401_problem_details(admin, make_header):
    header = make_header(admin)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)

    response = client.get("/api/v1/me/")

    body = assert_problem(response, 401)
    assert body["title"] == "Authentication required"
    assert response["WWW-Authenticate"] == "Bearer"


def test_anonymous_requests_answer_401_not_403(api_client):
    response = api_client.get("/api/v1/projects/")
    assert_problem(response, 401)
    assert response["WWW-Authenticate"] == "Bearer"


def test_session_authentication_works_and_enforces_csrf(admin):
    client = client_for(admin)
    assert client.get("/api/v1/me/").json()["email"] == admin.email

    strict = APIClient(enforce_csrf_checks=True)
    strict.force_login(admin)
    response = strict.patch("/api/v1/me/", {"full_name": "Changed"}, format="json")

    body = assert_problem(response, 403)
    assert "CSRF" in body["detail"]
    assert User.objects.get(pk=admin.pk).full_name == admin.full_name


# --- /me/ ---------------------------------------------------------------------------------------


def test_me_shows_the_user_and_their_organisations_with_roles(org, other_org, admin):
    OrganizationMembershipFactory(organization=other_org, user=admin, role=OrgRole.MEMBER)

    body = client_for(admin).get("/api/v1/me/").json()

    assert body == {
        "id": str(admin.pk),
        "email": admin.email,
        "full_name": admin.full_name,
        "time_zone": "UTC",
        "organizations": [
            {"id": str(org.pk), "name": "Acme Insurance", "slug": org.slug, "role": "admin"},
            {"id": str(other_org.pk), "name": "Globex", "slug": other_org.slug, "role": "member"},
        ],
    }


def test_me_update_changes_name_and_time_zone_with_one_audit_event(admin):
    before = AuditEvent.objects.count()

    response = client_for(admin).patch(
        "/api/v1/me/", {"full_name": "Ada Lovelace", "time_zone": "Europe/Paris"}
    )

    assert response.status_code == 200
    assert response.json()["time_zone"] == "Europe/Paris"
    admin.refresh_from_db()
    assert (admin.full_name, admin.time_zone) == ("Ada Lovelace", "Europe/Paris")
    [event] = new_events(before)
    assert (event.action, event.actor_id, event.target_id) == (
        "user.profile_updated",
        admin.pk,
        str(admin.pk),
    )
    assert event.origin == "api"


def test_me_update_with_one_field_keeps_the_other(admin):
    response = client_for(admin).patch("/api/v1/me/", {"time_zone": "Asia/Tokyo"})

    assert response.status_code == 200
    admin.refresh_from_db()
    assert admin.time_zone == "Asia/Tokyo"
    assert admin.full_name == response.json()["full_name"] != ""


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({"time_zone": ""}, "time_zone"),
        ({"full_name": "x" * 151}, "full_name"),
        ({"full_name": ["Ada"]}, "full_name"),
        ({"email": "new@example.com"}, "email"),
    ],
)
def test_me_update_refuses_bad_input_and_changes_nothing(admin, payload, field):
    before = AuditEvent.objects.count()

    response = client_for(admin).patch("/api/v1/me/", payload)

    body = assert_problem(response, 400)
    assert list(body["errors"]) == [field]
    fresh = User.objects.get(pk=admin.pk)
    assert (fresh.full_name, fresh.time_zone, fresh.email) == (
        admin.full_name,
        "UTC",
        admin.email,
    )
    assert AuditEvent.objects.count() == before


def test_me_answers_405_to_put_and_401_when_anonymous(admin, api_client):
    assert_problem(client_for(admin).put("/api/v1/me/", {"full_name": "x"}), 405)
    assert_problem(api_client.get("/api/v1/me/"), 401)


# --- malformed requests ----------------------------------------------------------------------


def test_malformed_json_is_400_and_changes_nothing(admin):
    before = AuditEvent.objects.count()

    response = client_for(admin).generic(
        "POST", "/api/v1/organizations/", '{"name": "Acme', content_type="application/json"
    )

    body = assert_problem(response, 400)
    assert "JSON parse error" in body["detail"]
    assert Organization.objects.count() == 1
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("name=Acme", "application/x-www-form-urlencoded"),
        ("name: Acme", "text/plain"),
    ],
)
def test_other_media_types_are_415(admin, body, content_type):
    response = client_for(admin).generic(
        "POST", "/api/v1/organizations/", body, content_type=content_type
    )

    assert_problem(response, 415)
    assert Organization.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "x" * 121}, "name"),
        ({"name": ""}, "name"),
        ({"name": {"a": 1}}, "name"),
        ({}, "name"),
        ({"name": "Acme", "slug": "acme"}, "slug"),
        ({"name": "a\x00b"}, "name"),
    ],
)
def test_organization_create_refuses_bad_fields(admin, payload, field):
    before = AuditEvent.objects.count()

    response = client_for(admin).post("/api/v1/organizations/", payload, format="json")

    body = assert_problem(response, 400)
    assert field in body["errors"]
    assert Organization.objects.count() == 1
    assert AuditEvent.objects.count() == before


def test_a_json_array_body_is_400(admin):
    response = client_for(admin).post("/api/v1/organizations/", ["Acme"], format="json")
    body = assert_problem(response, 400)
    assert list(body["errors"]) == ["non_field_errors"]


# --- organisations ----------------------------------------------------------------------------


def test_organization_list_shows_only_mine_with_my_role(org, other_org, compliance_officer):
    body = client_for(compliance_officer).get("/api/v1/organizations/").json()

    assert body["count"] == 1
    [row] = body["results"]
    assert row == {
        "id": str(org.pk),
        "name": "Acme Insurance",
        "slug": org.slug,
        "role": "compliance_officer",
        "allow_gate_requester_signoff": False,
        "require_two_factor_for_privileged": False,
        "created_at": row["created_at"],
    }


def test_organization_create_makes_the_caller_admin_with_two_audit_events(outsider):
    before = AuditEvent.objects.count()

    response = client_for(outsider).post("/api/v1/organizations/", {"name": "  Initech  "})

    assert response.status_code == 201
    body = response.json()
    created = Organization.objects.get(pk=body["id"])
    assert (created.name, body["role"]) == ("Initech", "admin")
    assert OrganizationMembership.objects.get(organization=created, user=outsider).role == "admin"
    events = new_events(before)
    assert [(e.action, e.actor_id, e.organization_id) for e in events] == [
        ("organization.created", outsider.pk, created.pk),
        ("organization_membership.created", outsider.pk, created.pk),
    ]
    assert events[0].target_id == str(created.pk)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anon", 401),
        ("outsider", 404),
        ("member", 200),
        ("compliance_officer", 200),
        ("admin", 200),
    ],
)
def test_organization_retrieve_matrix(org, people, role, status):
    response = client_for(people[role]).get(f"/api/v1/organizations/{org.pk}/")

    assert response.status_code == status
    if status == 200:
        assert response.json()["role"] == role


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anon", 401),
        ("outsider", 404),
        ("member", 403),
        ("compliance_officer", 403),
        ("admin", 200),
    ],
)
def test_organization_rename_matrix(org, people, role, status):
    user = people[role]
    before = AuditEvent.objects.count()

    response = client_for(user).patch(f"/api/v1/organizations/{org.pk}/", {"name": "Acme Ltd"})

    assert response.status_code == status
    if status == 200:
        assert Organization.objects.get(pk=org.pk).name == "Acme Ltd"
        [event] = new_events(before)
        assert (event.action, event.actor_id, event.target_id) == (
            "organization.renamed",
            user.pk,
            str(org.pk),
        )
        assert event.data == {"name": {"old": "Acme Insurance", "new": "Acme Ltd"}}
    else:
        assert_problem(response, status)
        assert Organization.objects.get(pk=org.pk).name == "Acme Insurance"
        assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anon", 401),
        ("outsider", 404),
        ("member", 403),
        ("compliance_officer", 403),
        ("admin", 200),
    ],
)
def test_organization_gate_requester_signoff_setting_matrix(org, people, role, status):
    user = people[role]
    before = AuditEvent.objects.count()
    url = f"/api/v1/organizations/{org.pk}/"

    response = client_for(user).patch(url, {"allow_gate_requester_signoff": True}, format="json")

    assert response.status_code == status
    saved = Organization.objects.get(pk=org.pk).allow_gate_requester_signoff
    if status == 200:
        assert saved is True
        assert response.json()["allow_gate_requester_signoff"] is True
        [event] = new_events(before)
        assert (event.action, event.actor_id, event.data) == (
            "organization.settings_changed",
            user.pk,
            {"allow_gate_requester_signoff": {"old": False, "new": True}},
        )
        again = client_for(user).patch(url, {"allow_gate_requester_signoff": True}, format="json")
        assert again.status_code == 200
        assert AuditEvent.objects.count() == before + 1  # no change, no event
    else:
        assert_problem(response, status)
        assert saved is False
        assert AuditEvent.objects.count() == before


def test_organization_setting_refuses_a_non_boolean(org, admin):
    response = client_for(admin).patch(
        f"/api/v1/organizations/{org.pk}/", {"allow_gate_requester_signoff": "maybe"}, format="json"
    )
    assert assert_problem(response, 400)["errors"] == {
        "allow_gate_requester_signoff": ["Must be a valid boolean."]
    }


def test_organization_rename_with_an_empty_body_changes_nothing(org, admin):
    before = AuditEvent.objects.count()
    response = client_for(admin).patch(f"/api/v1/organizations/{org.pk}/", {})
    assert response.status_code == 200
    assert response.json()["name"] == "Acme Insurance"
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("bad_id", ["not-a-uuid", UNKNOWN_UUID, "1", "a.b"])
def test_unknown_and_malformed_ids_are_404_problem(admin, bad_id):
    for path in (
        f"/api/v1/organizations/{bad_id}/",
        f"/api/v1/organizations/{bad_id}/members/",
        f"/api/v1/organizations/{bad_id}/invitations/",
        f"/api/v1/tokens/{bad_id}/",
        f"/api/v1/projects/{bad_id}/",
        f"/api/v1/projects/{bad_id}/members/",
        f"/api/v1/audit-events/{bad_id}/",
    ):
        assert_problem(client_for(admin).get(path), 404)


def test_organization_has_no_delete_or_put(org, admin):
    client = client_for(admin)
    assert_problem(client.delete(f"/api/v1/organizations/{org.pk}/"), 405)
    assert_problem(client.put(f"/api/v1/organizations/{org.pk}/", {"name": "x"}), 405)
    assert Organization.objects.filter(pk=org.pk).exists()


# --- members ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anon", 401),
        ("outsider", 404),
        ("member", 200),
        ("compliance_officer", 200),
        ("admin", 200),
    ],
)
def test_member_list_and_retrieve_matrix(org, people, role, status):
    membership = OrganizationMembership.objects.get(organization=org, user=people["admin"])
    client = client_for(people[role])

    listed = client.get(f"/api/v1/organizations/{org.pk}/members/")
    detail = client.get(f"/api/v1/organizations/{org.pk}/members/{membership.pk}/")

    assert (listed.status_code, detail.status_code) == (status, status)
    if status == 200:
        emails = [row["user"]["email"] for row in listed.json()["results"]]
        assert emails == sorted(
            OrganizationMembership.objects.filter(organization=org).values_list(
                "user__email", flat=True
            )
        )
        assert people["outsider"].email not in emails
        assert detail.json() == {
            "id": str(membership.pk),
            "user": {
                "id": str(people["admin"].pk),
                "email": people["admin"].email,
                "full_name": people["admin"].full_name,
            },
            "role": "admin",
            "created_at": detail.json()["created_at"],
        }


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anon", 401),
        ("outsider", 404),
        ("member", 403),
        ("compliance_officer", 403),
        ("admin", 200),
    ],
)
def test_member_role_change_matrix(org, people, org_member, role, status):
    target = OrganizationMembership.objects.get(user=org_member(OrgRole.MEMBER))
    user = people[role]
    before = AuditEvent.objects.count()

    response = client_for(user).patch(
        f"/api/v1/organizations/{org.pk}/members/{target.pk}/", {"role": "compliance_officer"}
    )

    assert response.status_code == status
    if status == 200:
        assert OrganizationMembership.objects.get(pk=target.pk).role == "compliance_officer"
        [event] = new_events(before)
        assert (event.action, event.actor_id, event.target_id) == (
            "organization_membership.role_changed",
            user.pk,
            str(target.pk),
        )
        assert event.data["role"] == {"old": "member", "new": "compliance_officer"}
    else:
        assert_problem(response, status)
        assert OrganizationMembership.objects.get(pk=target.pk).role == "member"
        assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anon", 401),
        ("outsider", 404),
        ("member", 403),
        ("compliance_officer", 403),
        ("admin", 204),
    ],
)
def test_member_remove_matrix(org, people, org_member, role, status):
    target = OrganizationMembership.objects.get(user=org_member(OrgRole.MEMBER))
    user = people[role]
    before = AuditEvent.objects.count()

    response = client_for(user).delete(f"/api/v1/organizations/{org.pk}/members/{target.pk}/")

    assert response.status_code == status
    if status == 204:
        assert not OrganizationMembership.objects.filter(pk=target.pk).exists()
        [event] = new_events(before)
        assert (event.action, event.actor_id, event.target_id) == (
            "organization_membership.removed",
            user.pk,
            str(target.pk),
        )
    else:
        assert_problem(response, status)
        assert OrganizationMembership.objects.filter(pk=target.pk).exists()
        assert AuditEvent.objects.count() == before


def test_member_role_must_be_known_and_the_last_admin_stays(org, admin):
    mine = OrganizationMembership.objects.get(organization=org, user=admin)
    client = client_for(admin)
    before = AuditEvent.objects.count()

    bad_role = client.patch(f"/api/v1/organizations/{org.pk}/members/{mine.pk}/", {"role": "x"})
    demote = client.patch(f"/api/v1/organizations/{org.pk}/members/{mine.pk}/", {"role": "member"})
    remove = client.delete(f"/api/v1/organizations/{org.pk}/members/{mine.pk}/")

    assert list(assert_problem(bad_role, 400)["errors"]) == ["role"]
    assert assert_problem(demote, 400)["errors"] == {
        "role": ["An organisation must keep at least one administrator."]
    }
    assert list(assert_problem(remove, 400)["errors"]) == ["role"]
    assert OrganizationMembership.objects.get(pk=mine.pk).role == "admin"
    assert AuditEvent.objects.count() == before


def test_members_of_another_organisation_are_404_by_every_path(org, other_org, admin, outsider):
    theirs = OrganizationMembership.objects.get(organization=other_org, user=outsider)
    client = client_for(admin)
    before = AuditEvent.objects.count()

    for base in (f"/api/v1/organizations/{other_org.pk}", f"/api/v1/organizations/{org.pk}"):
        path = f"{base}/members/{theirs.pk}/"
        assert_problem(client.get(path), 404)
        assert_problem(client.patch(path, {"role": "member"}), 404)
        assert_problem(client.delete(path), 404)
    assert_problem(client.get(f"/api/v1/organizations/{other_org.pk}/members/"), 404)
    assert OrganizationMembership.objects.get(pk=theirs.pk).role == "admin"
    assert AuditEvent.objects.count() == before


# --- invitations --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anon", 401),
        ("outsider", 404),
        ("member", 403),
        ("compliance_officer", 403),
        ("admin", 201),
    ],
)
def test_invitation_create_matrix(org, people, role, status):
    user = people[role]
    before = AuditEvent.objects.count()

    response = client_for(user).post(
        f"/api/v1/organizations/{org.pk}/invitations/",
        {"email": "Grace@Example.com", "role": "compliance_officer"},
    )

    assert response.status_code == status
    if status == 201:
        invitation = Invitation.objects.get()
        body = response.json()
        assert set(body) == {
            "id",
            "email",
            "role",
            "status",
            "invited_by",
            "expires_at",
            "sent_at",
            "accepted_at",
            "created_at",
        }
        assert (body["id"], body["email"], body["role"], body["status"]) == (
            str(invitation.pk),
            "grace@example.com",
            "compliance_officer",
            "pending",
        )
        # Nothing in the answer is the link secret (only its hash is stored).
        for value in json.dumps(body).replace('"', " ").split():
            assert sha256_hex(value) != invitation.token_hash
        [event] = new_events(before)
        assert (event.action, event.actor_id, event.target_id) == (
            "invitation.created",
            user.pk,
            str(invitation.pk),
        )
    else:
        assert_problem(response, status)
        assert Invitation.objects.count() == 0
        assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anon", 401),
        ("outsider", 404),
        ("member", 403),
        ("compliance_officer", 403),
        ("admin", 200),
    ],
)
def test_invitation_list_retrieve_and_revoke_matrix(org, people, role, status):
    admin_client = client_for(people["admin"])
    invitation_id = admin_client.post(
        f"/api/v1/organizations/{org.pk}/invitations/", {"email": "new@example.com"}
    ).json()["id"]
    client = client_for(people[role])
    before = AuditEvent.objects.count()
    base = f"/api/v1/organizations/{org.pk}/invitations/"

    listed = client.get(base)
    detail = client.get(f"{base}{invitation_id}/")
    revoked = client.post(f"{base}{invitation_id}/revoke/")

    assert (listed.status_code, detail.status_code, revoked.status_code) == (status,) * 3
    if status == 200:
        assert [row["id"] for row in listed.json()["results"]] == [invitation_id]
        assert revoked.json()["status"] == "revoked"
        assert Invitation.objects.get(pk=invitation_id).status == "revoked"
        [event] = new_events(before)
        assert (event.action, event.actor_id, event.target_id) == (
            "invitation.revoked",
            people["admin"].pk,
            invitation_id,
        )
        again = client.post(f"{base}{invitation_id}/revoke/")
        assert_problem(again, 400)
    else:
        for response in (listed, detail, revoked):
            assert_problem(response, status)
        assert Invitation.objects.get(pk=invitation_id).status == "pending"
        assert AuditEvent.objects.count() == before


def test_invitation_refuses_bad_input_and_members(org, admin, org_member):
    existing = org_member(OrgRole.MEMBER)
    client = client_for(admin)
    base = f"/api/v1/organizations/{org.pk}/invitations/"
    before = AuditEvent.objects.count()

    cases = [
        ({"email": "not-an-email"}, "email"),
        ({"email": "a" * 250 + "@example.com"}, "email"),
        ({"email": "x@example.com", "role": "owner"}, "role"),
        ({"email": existing.email}, "email"),
        ({"email": "x@example.com", "token_hash": "0" * 64}, "token_hash"),
    ]
    for payload, field in cases:
        assert field in assert_problem(client.post(base, payload), 400)["errors"]
    assert Invitation.objects.count() == 0
    assert AuditEvent.objects.count() == before


def test_invitations_of_another_organisation_are_404(org, other_org, admin, outsider):
    theirs = client_for(outsider).post(
        f"/api/v1/organizations/{other_org.pk}/invitations/", {"email": "x@example.com"}
    )
    theirs_id = theirs.json()["id"]
    client = client_for(admin)
    before = AuditEvent.objects.count()

    for base in (f"/api/v1/organizations/{other_org.pk}", f"/api/v1/organizations/{org.pk}"):
        assert_problem(client.get(f"{base}/invitations/{theirs_id}/"), 404)
        assert_problem(client.post(f"{base}/invitations/{theirs_id}/revoke/"), 404)
    assert_problem(client.get(f"/api/v1/organizations/{other_org.pk}/invitations/"), 404)
    assert_problem(
        client.post(f"/api/v1/organizations/{other_org.pk}/invitations/", {"email": "y@x.org"}),
        404,
    )
    own = client.get(f"/api/v1/organizations/{org.pk}/invitations/").json()
    assert own["results"] == []
    assert Invitation.objects.get(pk=theirs_id).status == "pending"
    assert Invitation.objects.count() == 1
    assert AuditEvent.objects.count() == before


# --- tokens -------------------------------------------------------------------------------------


def test_token_create_returns_the_secret_once_and_it_works(admin):
    client = client_for(admin)
    before = AuditEvent.objects.count()

    response = client.post("/api/v1/tokens/", {"name": "CI pipeline", "expires_in_days": 30})

    assert response.status_code == 201
    body = response.json()
    token = APIToken.objects.get(pk=body["id"])
    assert body["token"].startswith(f"chr_{token.prefix}_")
    assert sha256_hex(body["token"]) == token.key_hash
    assert (body["name"], body["is_active"], body["revoked_at"]) == ("CI pipeline", True, None)
    [event] = new_events(before)
    assert (event.action, event.actor_id, event.target_id) == (
        "api_token.created",
        admin.pk,
        str(token.pk),
    )
    bearer = bearer_client(body["token"])
    assert bearer.get("/api/v1/me/").json()["id"] == str(admin.pk)
    # Never again: neither the list nor the detail carries the token or its hash.
    listed = client.get("/api/v1/tokens/").json()["results"]
    detail = client.get(f"/api/v1/tokens/{token.pk}/").json()
    for row in (*listed, detail):
        assert "token" not in row
        assert "key_hash" not in row
        assert body["token"] not in json.dumps(row)
        assert token.key_hash not in json.dumps(row)


def test_token_list_shows_only_my_tokens(admin, outsider):
    mine, _ = api_token_create(actor=admin, name="mine")
    api_token_create(actor=outsider, name="theirs")

    rows = client_for(admin).get("/api/v1/tokens/").json()["results"]

    assert [(row["id"], row["name"], row["prefix"]) for row in rows] == [
        (str(mine.pk), "mine", mine.prefix)
    ]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "x", "expires_in_days": 0}, "expires_in_days"),
        ({"name": "x", "expires_in_days": 367}, "expires_in_days"),
        ({"name": "x", "expires_in_days": "soon"}, "expires_in_days"),
        ({"name": "n" * 101}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x", "user": "someone"}, "user"),
    ],
)
def test_token_create_refuses_bad_input(admin, payload, field):
    before = AuditEvent.objects.count()
    body = assert_problem(client_for(admin).post("/api/v1/tokens/", payload), 400)
    assert list(body["errors"]) == [field]
    assert APIToken.objects.count() == 0
    assert AuditEvent.objects.count() == before


def test_token_revoke_by_delete_and_by_post(admin):
    client = client_for(admin)
    first, plain = api_token_create(actor=admin, name="first")
    second, _ = api_token_create(actor=admin, name="second")
    before = AuditEvent.objects.count()

    deleted = client.delete(f"/api/v1/tokens/{first.pk}/")
    posted = client.post(f"/api/v1/tokens/{second.pk}/revoke/")

    assert deleted.status_code == 204
    assert posted.status_code == 200
    assert posted.json()["is_active"] is False
    assert APIToken.objects.filter(revoked_at__isnull=False).count() == 2
    assert [(e.action, e.actor_id, e.target_id) for e in new_events(before)] == [
        ("api_token.revoked", admin.pk, str(first.pk)),
        ("api_token.revoked", admin.pk, str(second.pk)),
    ]
    bearer = bearer_client(plain)
    assert_problem(bearer.get("/api/v1/me/"), 401)


def test_another_users_token_is_404_by_every_path(admin, outsider):
    theirs, _ = api_token_create(actor=outsider, name="theirs")
    client = client_for(admin)
    before = AuditEvent.objects.count()

    assert_problem(client.get(f"/api/v1/tokens/{theirs.pk}/"), 404)
    assert_problem(client.delete(f"/api/v1/tokens/{theirs.pk}/"), 404)
    assert_problem(client.post(f"/api/v1/tokens/{theirs.pk}/revoke/"), 404)
    assert APIToken.objects.get(pk=theirs.pk).revoked_at is None
    assert AuditEvent.objects.count() == before


def test_tokens_need_authentication(api_client, admin):
    token, _ = api_token_create(actor=admin, name="x")
    assert_problem(api_client.get("/api/v1/tokens/"), 401)
    assert_problem(api_client.post("/api/v1/tokens/", {"name": "x"}), 401)
    assert_problem(api_client.delete(f"/api/v1/tokens/{token.pk}/"), 401)
    assert APIToken.objects.get(pk=token.pk).revoked_at is None


# --- the schema and its docs ------------------------------------------------------------------

ALL_PATHS = {
    "/api/v1/me/",
    "/api/v1/organizations/",
    "/api/v1/organizations/{id}/",
    "/api/v1/organizations/{organization_id}/members/",
    "/api/v1/organizations/{organization_id}/members/{id}/",
    "/api/v1/organizations/{organization_id}/invitations/",
    "/api/v1/organizations/{organization_id}/invitations/{id}/",
    "/api/v1/organizations/{organization_id}/invitations/{id}/revoke/",
    "/api/v1/organizations/{organization_id}/service-accounts/",
    "/api/v1/organizations/{organization_id}/service-accounts/{id}/",
    "/api/v1/organizations/{organization_id}/service-accounts/{id}/deactivate/",
    "/api/v1/organizations/{organization_id}/service-accounts/{service_account_id}/tokens/",
    "/api/v1/organizations/{organization_id}/service-accounts/{service_account_id}/tokens/{id}/",
    "/api/v1/organizations/{organization_id}/webhooks/",
    "/api/v1/organizations/{organization_id}/webhooks/{id}/",
    "/api/v1/organizations/{organization_id}/webhooks/{id}/deactivate/",
    "/api/v1/organizations/{organization_id}/dead-letters/",
    "/api/v1/organizations/{organization_id}/dead-letters/{id}/retry/",
    "/api/v1/organizations/{organization_id}/dead-letters/{id}/discard/",
    "/api/v1/task-runs/",
    "/api/v1/organizations/{organization_id}/webhooks/{id}/test/",
    "/api/v1/organizations/{organization_id}/webhooks/{id}/deliveries/",
    "/api/v1/reports/",
    "/api/v1/reports/{id}/",
    "/api/v1/reports/{id}/download/",
    "/api/v1/report-schedules/",
    "/api/v1/report-schedules/{id}/",
    "/api/v1/report-schedules/{id}/generate/",
    "/api/v1/tokens/",
    "/api/v1/tokens/{id}/",
    "/api/v1/tokens/{id}/revoke/",
    "/api/v1/notifications/",
    "/api/v1/notifications/{id}/",
    "/api/v1/notifications/{id}/read/",
    "/api/v1/notifications/read-all/",
    "/api/v1/notifications/preferences/",
    "/api/v1/projects/",
    "/api/v1/projects/{id}/",
    "/api/v1/projects/{project_id}/members/",
    "/api/v1/projects/{project_id}/members/{id}/",
    # the Scope phase (projects/api/)
    "/api/v1/organizations/{organization_id}/proposals/",
    "/api/v1/proposals/{id}/",
    "/api/v1/proposals/{id}/request-info/",
    "/api/v1/proposals/{id}/resubmit/",
    "/api/v1/proposals/{id}/accept/",
    "/api/v1/proposals/{id}/reject/",
    "/api/v1/projects/{project_id}/scope/versions/",
    "/api/v1/projects/{project_id}/scope/versions/{id}/",
    "/api/v1/projects/{project_id}/scope/versions/{id}/submit/",
    "/api/v1/projects/{project_id}/scope/versions/{id}/approve/",
    "/api/v1/projects/{project_id}/scope/versions/{id}/request-changes/",
    "/api/v1/projects/{project_id}/scope/versions/{id}/comments/",
    "/api/v1/projects/{project_id}/scope/versions/{id}/diff/",
    "/api/v1/projects/{project_id}/feasibility-studies/",
    "/api/v1/projects/{project_id}/feasibility-studies/{id}/",
    "/api/v1/projects/{project_id}/feasibility-studies/{id}/sign-off/",
    "/api/v1/projects/{project_id}/risks/",
    "/api/v1/projects/{project_id}/risks/{id}/",
    "/api/v1/projects/{project_id}/risks/heat-map/",
    "/api/v1/risk-library/",
    "/api/v1/projects/{project_id}/tasks/",
    "/api/v1/tasks/{id}/",
    "/api/v1/me/tasks/",
    "/api/v1/me/inbox/",
    "/api/v1/projects/{project_id}/gate/",
    "/api/v1/projects/{project_id}/gate/request/",
    "/api/v1/gate-requests/{id}/",
    "/api/v1/gate-requests/{id}/approve/",
    "/api/v1/gate-requests/{id}/reject/",
    "/api/v1/gate-requests/{id}/withdraw/",
    "/api/v1/projects/{project_id}/move-back/",
    "/api/v1/projects/{project_id}/phase-history/",
    # stakeholders, workshops and feedback (stakeholders/api/)
    "/api/v1/organizations/{organization_id}/stakeholders/",
    "/api/v1/stakeholders/{id}/",
    "/api/v1/stakeholders/{stakeholder_id}/consent-records/",
    "/api/v1/stakeholders/{stakeholder_id}/consent-records/withdraw/",
    "/api/v1/organizations/{organization_id}/consent-policies/",
    "/api/v1/projects/{project_id}/stakeholders/",
    "/api/v1/projects/{project_id}/stakeholders/{id}/",
    "/api/v1/projects/{project_id}/stakeholders/grid/",
    "/api/v1/projects/{project_id}/workshops/",
    "/api/v1/workshops/{id}/",
    "/api/v1/workshops/{id}/reschedule/",
    "/api/v1/workshops/{id}/cancel/",
    "/api/v1/workshops/{id}/invite/",
    "/api/v1/workshops/{id}/outcome/",
    "/api/v1/workshops/{id}/ics/",
    "/api/v1/projects/{project_id}/feedback-rounds/",
    "/api/v1/feedback-rounds/{id}/",
    "/api/v1/feedback-rounds/{id}/open/",
    "/api/v1/feedback-rounds/{id}/close/",
    "/api/v1/feedback-rounds/{id}/summary/",
    "/api/v1/feedback-rounds/{id}/results/",
    "/api/v1/feedback-rounds/{id}/results.csv",
    "/api/v1/feedback-rounds/{id}/outstanding/",
    "/api/v1/feedback-invites/{id}/",
    "/api/v1/feedback-invites/{id}/revoke/",
    "/api/v1/projects/{project_id}/feedback-trend/",
    "/api/v1/projects/{project_id}/intake-keys/",
    "/api/v1/intake-keys/{id}/",
    "/api/v1/intake-keys/{id}/revoke/",
    "/api/v1/projects/{project_id}/product-feedback/",
    "/api/v1/projects/{project_id}/product-feedback/summary/",
    "/api/v1/intake/feedback/",
    # the catalogue, its vendors and exchange rates (models_registry/api/)
    "/api/v1/organizations/{organization_id}/catalogue-models/",
    "/api/v1/organizations/{organization_id}/catalogue-models/{id}/",
    "/api/v1/organizations/{organization_id}/catalogue-models/import/",
    "/api/v1/organizations/{organization_id}/catalogue-models/import-starter/",
    "/api/v1/organizations/{organization_id}/catalogue-models/export/",
    "/api/v1/organizations/{organization_id}/vendors/",
    "/api/v1/organizations/{organization_id}/vendors/{id}/",
    "/api/v1/organizations/{organization_id}/vendors/{vendor_id}/assessments/",
    "/api/v1/organizations/{organization_id}/exchange-rates/",
    "/api/v1/organizations/{organization_id}/currency/",
    "/api/v1/audit-events/",
    "/api/v1/audit-events/{id}/",
    "/api/v1/audit-checkpoints/",
    "/api/v1/audit-checkpoints/latest/",
    "/api/v1/audit-checkpoints/public-key/",
    "/api/v1/audit-exports/",
    "/api/v1/audit-exports/{id}/",
    "/api/v1/audit-exports/{id}/download/",
    "/api/v1/audit-exports/verify/",
    "/api/v1/classification-questionnaire/",
    "/api/v1/projects/{project_id}/classifications/",
    "/api/v1/projects/{project_id}/classifications/{id}/",
    "/api/v1/projects/{project_id}/classifications/{id}/confirm/",
    "/api/v1/projects/{project_id}/compliance-checks/",
    "/api/v1/projects/{project_id}/compliance-checks/{id}/",
    "/api/v1/projects/{project_id}/compliance-checks/{id}/submit/",
    "/api/v1/projects/{project_id}/compliance-checks/{id}/review/",
    "/api/v1/projects/{project_id}/adapt/model-versions/",
    "/api/v1/projects/{project_id}/adapt/model-versions/{id}/",
    "/api/v1/projects/{project_id}/adapt/prompts/",
    "/api/v1/projects/{project_id}/adapt/prompts/{id}/",
    "/api/v1/projects/{project_id}/adapt/prompts/{id}/versions/",
    "/api/v1/projects/{project_id}/adapt/prompts/{id}/diff/",
    "/api/v1/projects/{project_id}/adapt/datasets/",
    "/api/v1/projects/{project_id}/adapt/datasets/{id}/",
    "/api/v1/projects/{project_id}/adapt/fine-tune-runs/",
    "/api/v1/projects/{project_id}/adapt/fine-tune-runs/{id}/",
    "/api/v1/projects/{project_id}/adapt/evaluations/",
    "/api/v1/projects/{project_id}/adapt/evaluations/{id}/",
    "/api/v1/projects/{project_id}/adapt/criteria/",
    "/api/v1/projects/{project_id}/operate/deployments/",
    "/api/v1/projects/{project_id}/operate/deployments/{id}/",
    "/api/v1/projects/{project_id}/operate/deployments/{id}/approve/",
    "/api/v1/projects/{project_id}/operate/deployments/{id}/start/",
    "/api/v1/projects/{project_id}/operate/deployments/{id}/confirm-exit/",
    "/api/v1/projects/{project_id}/operate/deployments/{id}/promote/",
    "/api/v1/projects/{project_id}/operate/deployments/{id}/pause/",
    "/api/v1/projects/{project_id}/operate/deployments/{id}/resume/",
    "/api/v1/projects/{project_id}/operate/deployments/{id}/rollback/",
    "/api/v1/projects/{project_id}/operate/deployments/{id}/end/",
    "/api/v1/projects/{project_id}/operate/deployments/{id}/thresholds/",
    "/api/v1/projects/{project_id}/operate/deployments/{id}/points/",
    "/api/v1/projects/{project_id}/operate/post-market-plan/",
    "/api/v1/projects/{project_id}/operate/optimisations/",
    "/api/v1/projects/{project_id}/operate/modifications/",
    "/api/v1/projects/{project_id}/operate/modifications/{id}/",
    "/api/v1/projects/{project_id}/operate/modifications/{id}/assess/",
    "/api/v1/projects/{project_id}/operate/post-market-plan/reviews/",
    "/api/v1/projects/{project_id}/operate/incidents/",
    "/api/v1/projects/{project_id}/operate/incidents/{id}/",
    "/api/v1/projects/{project_id}/operate/incidents/{id}/updates/",
    "/api/v1/projects/{project_id}/operate/incidents/{id}/serious/",
    "/api/v1/projects/{project_id}/operate/incidents/{id}/reported/",
    "/api/v1/projects/{project_id}/operate/incidents/{id}/resolve/",
    "/api/v1/projects/{project_id}/adapt/bias-checks/",
    "/api/v1/projects/{project_id}/adapt/bias-checks/{id}/",
    "/api/v1/projects/{project_id}/adapt/bias-checks/{id}/review/",
    "/api/v1/projects/{project_id}/adapt/feedback/",
    "/api/v1/projects/{project_id}/adapt/feedback/{id}/",
    "/api/v1/projects/{project_id}/adapt/feedback/{id}/triage/",
    "/api/v1/projects/{project_id}/adapt/feedback/{id}/addressed/",
    "/api/v1/projects/{project_id}/adapt/user-tests/",
    "/api/v1/projects/{project_id}/adapt/user-tests/{id}/",
    "/api/v1/projects/{project_id}/adapt/imports/lm-eval/",
    "/api/v1/projects/{project_id}/adapt/imports/inspect/",
    "/api/v1/projects/{project_id}/adapt/imports/mlflow/",
    # Integrate & operate: A/B tests
    "/api/v1/projects/{project_id}/operate/ab-tests/",
    "/api/v1/projects/{project_id}/operate/ab-tests/{id}/",
    "/api/v1/projects/{project_id}/operate/ab-tests/{id}/finish/",
    "/api/v1/projects/{project_id}/operate/ab-tests/{id}/results/",
    "/api/v1/projects/{project_id}/operate/ab-tests/{id}/start/",
    "/api/v1/projects/{project_id}/selection/criteria/",
    "/api/v1/projects/{project_id}/selection/criteria/{id}/",
    "/api/v1/projects/{project_id}/selection/candidates/",
    "/api/v1/projects/{project_id}/selection/candidates/{id}/",
    "/api/v1/projects/{project_id}/selection/decisions/",
    "/api/v1/projects/{project_id}/selection/decisions/{id}/",
    "/api/v1/projects/{project_id}/selection/decisions/{id}/sign/",
    "/api/v1/projects/{project_id}/selection/workload/",
    "/api/v1/projects/{project_id}/selection/sheets/",
    "/api/v1/projects/{project_id}/selection/matrix/",
    "/api/v1/projects/{project_id}/selection/my-sheet/",
    "/api/v1/projects/{project_id}/selection/my-sheet/submit/",
    "/api/v1/projects/{project_id}/selection/my-sheet/abstain/",
    "/api/v1/projects/{project_id}/bias-audits/",
    "/api/v1/projects/{project_id}/bias-audits/ad-hoc/",
    "/api/v1/projects/{project_id}/bias-audits/{id}/",
    "/api/v1/projects/{project_id}/bias-audits/{id}/conduct/",
    "/api/v1/projects/{project_id}/bias-audits/{id}/sign-off/",
    "/api/v1/projects/{project_id}/privacy/inventory/",
    "/api/v1/projects/{project_id}/privacy/dpia-versions/",
    "/api/v1/projects/{project_id}/privacy/dpia-versions/{id}/",
    "/api/v1/projects/{project_id}/privacy/dpia-versions/{id}/submit/",
    "/api/v1/projects/{project_id}/privacy/dpia-versions/{id}/reopen/",
    "/api/v1/projects/{project_id}/privacy/dpia-versions/{id}/dpo-opinion/",
    "/api/v1/projects/{project_id}/privacy/dpia-versions/{id}/sign-off/",
    "/api/v1/projects/{project_id}/transparency/annex-iv/",
    "/api/v1/projects/{project_id}/transparency/annex-iv/pdf/",
    "/api/v1/projects/{project_id}/transparency/fact-sheet/",
    "/api/v1/projects/{project_id}/transparency/fact-sheet/pdf/",
    "/api/v1/projects/{project_id}/transparency/notice/",
    "/api/v1/projects/{project_id}/transparency/notice/pdf/",
    "/api/v1/projects/{project_id}/fact-sheet-publications/",
    "/api/v1/projects/{project_id}/fact-sheet-publications/{id}/",
    "/api/v1/projects/{project_id}/fact-sheet-publications/{id}/unpublish/",
    "/api/v1/projects/{project_id}/evidence/",
    "/api/v1/projects/{project_id}/evidence/{id}/",
    "/api/v1/projects/{project_id}/evidence/{id}/judge/",
    "/api/v1/projects/{project_id}/evidence/{id}/attach/",
    "/api/v1/projects/{project_id}/evidence/{id}/detach/",
    "/api/v1/projects/{project_id}/evidence/{id}/download/",
    "/api/v1/organizations/{organization_id}/training-records/",
    "/api/v1/organizations/{organization_id}/training-records/{id}/",
    "/api/v1/organizations/{organization_id}/subject-requests/",
    "/api/v1/organizations/{organization_id}/subject-requests/{id}/",
    "/api/v1/organizations/{organization_id}/subject-requests/{id}/start/",
    "/api/v1/organizations/{organization_id}/subject-requests/{id}/extend/",
    "/api/v1/organizations/{organization_id}/subject-requests/{id}/complete/",
    "/api/v1/organizations/{organization_id}/subject-requests/{id}/refuse/",
    "/api/v1/organizations/{organization_id}/subject-requests/{id}/erase/",
    "/api/v1/organizations/{organization_id}/subject-requests/{id}/export/",
    "/api/v1/organizations/{organization_id}/retention-rules/",
    "/api/v1/organizations/{organization_id}/retention-rules/{id}/",
    "/api/v1/organizations/{organization_id}/retention-rules/{id}/erase/",
    "/api/v1/frameworks/",
    "/api/v1/frameworks/{id}/",
    "/api/v1/requirements/",
    "/api/v1/requirements/{id}/",
    "/api/v1/organizations/{organization_id}/frameworks/",
    "/api/v1/organizations/{organization_id}/frameworks/{id}/",
}


def test_schema_is_a_valid_openapi_3_document_listing_every_path(api_client):
    response = api_client.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)  # raises on an invalid document
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == ALL_PATHS
    assert "delete" not in schema["paths"]["/api/v1/projects/{id}/"]
    problem = {"$ref": "#/components/schemas/ProblemDetails"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert responses["401"]["content"][PROBLEM]["schema"] == problem, (path, method)
            assert responses["429"]["content"][PROBLEM]["schema"] == problem, (path, method)
    create = schema["paths"]["/api/v1/projects/"]["post"]
    assert create["requestBody"]["content"]["application/json"]["examples"]
    assert {"400", "403", "409", "415"} <= set(create["responses"])


def test_docs_page_loads_its_assets_from_our_static_only(api_client):
    response = api_client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls, html
    assert not [url for url in urls if re.match(r"^(https?:)?//", url)]
    # Links of the page (back to the application, the schema) lead to pages; the rest are assets.
    links = re.findall(r'<a [^>]*href="([^"]+)"', html)
    assert "/projects/" in links
    urls = [url for url in urls if url not in links]
    assert "cdn" not in html.lower()
    # The initialisation script is a file too: the page has no inline script, which the
    # Content-Security-Policy (script-src 'self' + nonce) would block.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    for url in urls:
        asset = api_client.get(url.replace("&amp;", "&"))
        assert asset.status_code == 200, url
    script = api_client.get("/api/docs/", {"script": ""})
    assert script["Content-Type"].startswith("application/javascript")
    assert b'url: "/api/schema/"' in script.content


def test_throttled_requests_are_429_problem_details_with_retry_after(admin, monkeypatch):
    from rest_framework.throttling import UserRateThrottle

    # Test settings lift the limits; put a tight one back for this user (counted in Redis).
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "2/min", "anon": "2/min"})
    client = client_for(admin)

    statuses = [client.get("/api/v1/me/").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    response = client.get("/api/v1/me/")
    assert assert_problem(response, 429)["title"] == "Too many requests"
    assert 0 < int(response["Retry-After"]) <= 60
