"""Accounts pages: sign-in, passwords, members, invitations, tokens — and isolation."""

import re

import pytest
from django.core import mail

from accounts.models import APIToken, Invitation, OrganizationMembership
from accounts.services import invitation_create
from audit.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


def test_sign_in_records_an_event_and_a_wrong_password_changes_nothing(client, admin, org):
    bad = client.post("/accounts/login/", {"username": admin.email, "password": "wrong"})
    assert bad.status_code == 200
    assert (
        "correct email" in bad.content.decode().lower()
        or "enter a correct" in bad.content.decode().lower()
    )
    assert AuditEvent.objects.count() == 0

    ok = client.post("/accounts/login/", {"username": admin.email, "password": DEFAULT_PASSWORD})
    assert ok.status_code == 302
    event = AuditEvent.objects.get(action="user.signed_in")
    assert (event.actor, event.organization, event.origin) == (admin, org, "web")


def test_sign_out_is_a_post(client, admin):
    client.force_login(admin)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/projects/").status_code == 302  # back to the login page


def test_password_reset_by_email_end_to_end(client, admin):
    response = client.post("/accounts/password/reset/", {"email": admin.email.upper()})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-passphrase", "new_password2": "a-brand-new-passphrase"},
    )
    assert done.status_code == 302
    admin.refresh_from_db()
    assert admin.check_password("a-brand-new-passphrase")
    assert AuditEvent.objects.get(action="user.password_changed").data == {"via": "reset"}


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_members_page_for_members_and_404_for_outsiders(client, org, admin, org_member, outsider):
    member = org_member()
    client.force_login(member)
    page = client.get(f"/organizations/{org.pk}/members/")
    assert page.status_code == 200
    assert admin.email in page.content.decode()
    assert "Invite someone" not in page.content.decode()

    client.force_login(outsider)
    assert client.get(f"/organizations/{org.pk}/members/").status_code == 404
    assert client.get("/organizations/not-a-uuid/members/").status_code == 404


def test_admin_invites_and_bad_input_changes_nothing(
    client, org, admin, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    bad = client.post(
        f"/organizations/{org.pk}/invitations/", {"email": "not-an-email", "role": "member"}
    )
    assert bad.status_code == 400
    assert Invitation.objects.count() == 0
    bad_role = client.post(
        f"/organizations/{org.pk}/invitations/", {"email": "a@example.com", "role": "owner"}
    )
    assert bad_role.status_code == 400

    with django_capture_on_commit_callbacks(execute=False):
        ok = client.post(
            f"/organizations/{org.pk}/invitations/", {"email": "new@example.com", "role": "member"}
        )
    assert ok.status_code == 302
    assert Invitation.objects.get().email == "new@example.com"


def test_members_cannot_invite_or_change_roles(client, org, admin, org_member):
    member = org_member()
    client.force_login(member)
    target = OrganizationMembership.objects.get(user=admin)
    assert (
        client.post(
            f"/organizations/{org.pk}/invitations/", {"email": "x@example.com", "role": "admin"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/organizations/{org.pk}/members/{target.pk}/role/", {"role": "member"}
        ).status_code
        == 403
    )
    assert OrganizationMembership.objects.get(pk=target.pk).role == "admin"
    assert AuditEvent.objects.count() == 0


def test_outsider_gets_404_on_every_member_action(client, org, admin, outsider):
    target = OrganizationMembership.objects.get(user=admin)
    invitation, _ = invitation_create(actor=admin, organization=org, email="p@example.com")
    client.force_login(outsider)
    for url in (
        f"/organizations/{org.pk}/members/{target.pk}/role/",
        f"/organizations/{org.pk}/members/{target.pk}/remove/",
        f"/organizations/{org.pk}/invitations/",
        f"/organizations/{org.pk}/invitations/{invitation.pk}/revoke/",
    ):
        assert client.post(url, {"role": "member", "email": "z@example.com"}).status_code == 404, (
            url
        )
    assert OrganizationMembership.objects.get(pk=target.pk).role == "admin"


def test_htmx_role_change_returns_the_row_only(client, org, admin, org_member):
    member = org_member()
    target = OrganizationMembership.objects.get(user=member)
    client.force_login(admin)
    response = client.post(
        f"/organizations/{org.pk}/members/{target.pk}/role/",
        {"role": "compliance_officer"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="member-{target.pk}"' in body
    assert "<html" not in body
    assert OrganizationMembership.objects.get(pk=target.pk).role == "compliance_officer"


def test_invitation_accepted_by_a_new_person(client, org, admin):
    _, secret = invitation_create(actor=admin, organization=org, email="newbie@example.com")
    page = client.get(f"/invitations/{secret}/")
    assert page.status_code == 200
    assert org.name in page.content.decode()

    mismatch = client.post(
        f"/invitations/{secret}/",
        {"full_name": "N", "password1": "a-strong-pass-phrase", "password2": "other"},
    )
    assert mismatch.status_code == 400
    assert not OrganizationMembership.objects.filter(user__email="newbie@example.com").exists()

    done = client.post(
        f"/invitations/{secret}/",
        {
            "full_name": "New Bie",
            "password1": "a-strong-pass-phrase",
            "password2": "a-strong-pass-phrase",
        },
    )
    assert done.status_code == 302
    assert OrganizationMembership.objects.get(user__email="newbie@example.com").organization == org
    assert client.get("/projects/").status_code == 200  # signed in
    assert client.get(f"/invitations/{secret}/").status_code == 410


def test_invitation_accepted_by_a_signed_in_user(client, org, admin, outsider):
    _, secret = invitation_create(actor=admin, organization=org, email=outsider.email)
    client.force_login(outsider)
    assert client.post(f"/invitations/{secret}/").status_code == 302
    assert OrganizationMembership.objects.filter(organization=org, user=outsider).exists()
    assert client.get("/invitations/unknown-secret/").status_code == 404


def test_token_is_shown_once_and_revoked(client, admin, outsider):
    client.force_login(admin)
    created = client.post("/accounts/tokens/", {"name": "CI", "expires_in_days": 30}, follow=True)
    body = created.content.decode()
    token = APIToken.objects.get()
    plain = re.search(r"chr_[0-9a-f]{8}_[A-Za-z0-9_\-]+", body).group(0)
    assert plain.startswith(f"chr_{token.prefix}_")
    assert created["Cache-Control"] == "no-store"
    assert plain not in client.get("/accounts/tokens/").content.decode()

    assert (
        client.post("/accounts/tokens/", {"name": "", "expires_in_days": 9999}).status_code == 400
    )
    assert APIToken.objects.count() == 1

    client.force_login(outsider)
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    client.force_login(admin)
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    assert APIToken.objects.get().revoked_at is not None


def test_switching_to_someone_elses_organisation_is_404(client, admin, other_org):
    client.force_login(admin)
    assert (
        client.post("/organizations/switch/", {"organization": str(other_org.pk)}).status_code
        == 404
    )
    assert client.post("/organizations/switch/", {"organization": "x"}).status_code == 404


def test_switch_ignores_an_offsite_next(client, admin, org):
    client.force_login(admin)
    response = client.post(
        "/organizations/switch/", {"organization": str(org.pk), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/projects/"


def test_profile_rejects_an_unknown_time_zone(client, admin):
    client.force_login(admin)
    assert (
        client.post("/accounts/profile/", {"full_name": "A", "time_zone": "Mars/Base"}).status_code
        == 200
    )
    admin.refresh_from_db()
    assert admin.time_zone == "UTC"
    client.post("/accounts/profile/", {"full_name": "Ada", "time_zone": "Europe/Paris"})
    admin.refresh_from_db()
    assert (admin.full_name, admin.time_zone) == ("Ada", "Europe/Paris")
