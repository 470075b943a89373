"""Service accounts: API identities owned by an organisation, managed by its administrators,
acting only through their tokens, never signing in, never notified."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import APIToken, User
from accounts.service_accounts import (
    SERVICE_ACCOUNT_DOMAIN,
    service_account_create,
    service_account_deactivate,
    service_account_token_create,
)
from accounts.services import api_token_create
from audit.models import AuditEvent
from notifications.models import Notification
from notifications.services import notify
from tests.factories import ProjectMembershipFactory
from tests.helpers import UNKNOWN_UUID, assert_problem, bearer_client, client_for

pytestmark = pytest.mark.django_db


def _base(org):
    return f"/api/v1/organizations/{org.pk}/service-accounts/"


# --- the service ------------------------------------------------------------------------------


def test_an_administrator_creates_a_service_account_of_the_organisation(admin, org):
    account = service_account_create(actor=admin, organization=org, name="CI pipeline")

    assert account.service_account_of == org
    assert account.email.endswith(f"@{SERVICE_ACCOUNT_DOMAIN}")
    assert not account.has_usable_password()
    assert account.org_memberships.get(organization=org).role == "member"
    actions = set(AuditEvent.objects.filter(chain=str(org.pk)).values_list("action", flat=True))
    assert {"service_account.created", "organization_membership.created"} <= actions


@pytest.mark.parametrize(
    ("name", "role", "field"),
    [("", "member", "name"), ("Bot", "admin", "role"), ("a\nb", "member", "full_name")],
)
def test_bad_service_accounts_are_refused_and_nothing_is_written(admin, org, name, role, field):
    with pytest.raises(ValidationError) as error:
        service_account_create(actor=admin, organization=org, name=name, role=role)

    assert field in error.value.message_dict
    assert not User.objects.filter(service_account_of=org).exists()


def test_a_member_cannot_create_one(org, org_member):
    with pytest.raises(PermissionDenied):
        service_account_create(actor=org_member("member"), organization=org, name="Bot")


def test_a_service_account_never_signs_in(client, admin, org):
    account = service_account_create(actor=admin, organization=org, name="CI")

    for password in ("", "anything at all", account.password):
        response = client.post(
            "/accounts/login/", {"username": account.email, "password": password}
        )
        assert response.status_code == 200  # the form again, with its error
        assert "_auth_user_id" not in client.session


def test_nothing_notifies_a_service_account(admin, org):
    account = service_account_create(actor=admin, organization=org, name="CI")

    told = notify(
        kind="audit.verification_failed",
        recipients=[account, admin],
        organization=org,
        title="Check",
        link="/",
        key_parts=["x"],
    )

    assert [n.recipient_id for n in told] == [admin.pk]
    assert not Notification.objects.filter(recipient=account).exists()


def test_deactivation_revokes_every_token_and_is_idempotent(admin, org):
    account = service_account_create(actor=admin, organization=org, name="CI")
    _, plain = service_account_token_create(actor=admin, account=account, name="ci")
    client = bearer_client(plain)
    assert client.get("/api/v1/me/").status_code == 200

    service_account_deactivate(actor=admin, account=account)
    service_account_deactivate(actor=admin, account=account)

    assert client.get("/api/v1/me/").status_code == 401
    assert not APIToken.objects.filter(user=account, revoked_at__isnull=True).exists()
    events = AuditEvent.objects.filter(
        action="service_account.deactivated", target_id=str(account.pk)
    )
    assert events.count() == 1
    with pytest.raises(ValidationError):
        service_account_token_create(actor=admin, account=account, name="again")


# --- acting through its token -----------------------------------------------------------------


def test_its_token_acts_with_its_own_roles_only(admin, org, project):
    account = service_account_create(actor=admin, organization=org, name="CI")
    _, plain = service_account_token_create(
        actor=admin, account=account, name="ci", scopes=["write"]
    )
    client = bearer_client(plain)

    assert client.get("/api/v1/me/").json()["email"] == account.email
    # A member sees only the projects it is on: add it, as one would a person.
    assert client.get(f"/api/v1/projects/{project.pk}/").status_code == 404
    ProjectMembershipFactory(project=project, user=account, role="contributor")
    assert client.get(f"/api/v1/projects/{project.pk}/").status_code == 200
    token = APIToken.objects.get(user=account)
    created = AuditEvent.objects.get(action="api_token.created", target_id=str(token.pk))
    assert created.actor_id == admin.pk
    assert created.chain == str(org.pk)  # on the organisation's trail, not the system's
    assert created.data["scopes"] == ["read", "write"]


# --- the API ----------------------------------------------------------------------------------


def test_the_api_creates_gives_a_token_lists_and_deactivates(admin, org):
    client = client_for(admin)

    created = client.post(_base(org), {"name": "GitHub Actions", "role": "compliance_officer"})
    assert created.status_code == 201, created.content
    account_id = created.json()["id"]
    assert created.json()["role"] == "compliance_officer"
    token = client.post(f"{_base(org)}{account_id}/tokens/", {"name": "ci", "scopes": ["write"]})
    assert token.status_code == 201, token.content
    assert bearer_client(token.json()["token"]).get("/api/v1/me/").json()["id"] == account_id
    listed = client.get(f"{_base(org)}{account_id}/tokens/").json()["results"]
    assert [row["scopes"] for row in listed] == [["read", "write"]]
    assert "token" not in listed[0]

    deactivated = client.post(f"{_base(org)}{account_id}/deactivate/")
    assert deactivated.json()["is_active"] is False
    assert client.get(_base(org)).json()["results"][0]["is_active"] is False


def test_members_get_403_and_other_organisations_404(org, org_member, outsider, other_org, admin):
    account = service_account_create(actor=admin, organization=org, name="CI")
    theirs = service_account_create(actor=outsider, organization=other_org, name="Theirs")

    assert_problem(client_for(org_member("member")).get(_base(org)), 403)
    assert_problem(client_for(outsider).get(_base(org)), 404)
    assert_problem(client_for(outsider).get(f"{_base(org)}{account.pk}/"), 404)
    # Another organisation's account through my organisation's URL: not found either.
    assert_problem(client_for(admin).get(f"{_base(org)}{theirs.pk}/"), 404)
    assert_problem(client_for(admin).get(f"{_base(org)}{theirs.pk}/tokens/"), 404)
    assert_problem(client_for(admin).get(f"{_base(org)}{UNKNOWN_UUID}/tokens/"), 404)
    assert_problem(client_for(admin).get(f"{_base(org)}not-a-uuid/tokens/"), 404)


def test_an_admin_role_is_refused_with_the_reason(admin, org):
    body = assert_problem(client_for(admin).post(_base(org), {"name": "Bot", "role": "admin"}), 400)

    assert "role" in body["errors"]
    assert not User.objects.filter(service_account_of=org).exists()


def test_a_token_without_admin_cannot_manage_service_accounts(admin, org):
    _, plain = api_token_create(actor=admin, name="ci", scopes=["write"])

    response = bearer_client(plain).post(_base(org), {"name": "Bot"})

    assert assert_problem(response, 403)["required_scope"] == "admin"
    assert not User.objects.filter(service_account_of=org).exists()


# --- the page ---------------------------------------------------------------------------------


def test_the_page_creates_one_and_shows_a_new_token_once(client, admin, org):
    client.force_login(admin)
    url = f"/organizations/{org.pk}/service-accounts/"

    assert client.post(url, {"name": "Nightly evals", "role": "member"}).status_code == 302
    account = User.objects.get(service_account_of=org)
    response = client.post(
        f"{url}{account.pk}/tokens/", {"name": "cron", "expires_in_days": 30, "scopes": ["write"]}
    )
    assert response.status_code == 302
    token = APIToken.objects.get(user=account)
    first = client.get(url).content.decode()
    again = client.get(url).content.decode()

    assert f"chr_{token.prefix}_" in first
    assert "Copy it now" in first
    assert "Copy it now" not in again
    assert "Nightly evals" in again
    assert "read, write" in again


def test_the_page_refuses_bad_input_in_place(client, admin, org):
    client.force_login(admin)

    response = client.post(
        f"/organizations/{org.pk}/service-accounts/", {"name": "", "role": "member"}
    )

    assert response.status_code == 400
    assert 'id="service-account-name_error"' in response.content.decode()
    assert not User.objects.filter(service_account_of=org).exists()


def test_members_page_marks_service_accounts(client, admin, org):
    service_account_create(actor=admin, organization=org, name="CI")
    client.force_login(admin)

    page = client.get(f"/organizations/{org.pk}/members/").content.decode()

    assert "service account" in page
    assert f"/organizations/{org.pk}/service-accounts/" in page


def test_a_service_account_can_be_added_to_projects_as_anyone(admin, org, project):
    account = service_account_create(actor=admin, organization=org, name="CI")

    response = client_for(project.owner).post(
        f"/api/v1/projects/{project.pk}/members/", {"user": str(account.pk), "role": "contributor"}
    )

    assert response.status_code == 201, response.content
