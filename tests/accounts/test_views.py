"""Accounts pages: layout, sign-in and passwords, profile, organisations, members,
invitations and API tokens — by role, with bad input, over htmx, and across organisations."""

import logging
import re
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import APIToken, Invitation, Organization, OrganizationMembership, User
from accounts.selectors import SESSION_ORG_KEY
from accounts.services import (
    ALREADY_MEMBER,
    LAST_ADMIN,
    api_token_create,
    invitation_create,
    invitation_revoke,
)
from audit import writer
from audit.models import AuditEvent
from outbox.models import OutboxMessage
from outbox.services import outbox_deliver_due
from tests.accounts.invitations import invite
from tests.factories import (
    DEFAULT_PASSWORD,
    OrganizationFactory,
    OrganizationMembershipFactory,
    UserFactory,
)
from tests.pages import found

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
AUDIT_DOWN = "the audit trail cannot be written"
NEW_PASSWORD = "a-brand-new-passphrase"


def members_url(org):
    return f"/organizations/{org.pk}/members/"


# --- layout --------------------------------------------------------------------------------------


def test_layout_has_landmarks_csrf_header_and_nonced_scripts(client, admin, org):
    client.force_login(admin)
    response = client.get("/projects/")
    body = response.content.decode()
    for landmark in ('<header class="topbar">', '<nav aria-label="Main">', '<main id="main"'):
        assert landmark in body
    assert "<footer" in body
    assert '<a class="skip-link" href="#main">Skip to content</a>' in body
    token = found(r"hx-headers='\{\"X-CSRFToken\": \"([^\"]+)\"\}'", body).group(1)
    assert len(token) == 64
    nonce = found(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    scripts = re.findall(r"<script[^>]*>", body)
    assert len(scripts) == 2
    assert all(f'nonce="{nonce}"' in tag and 'src="/static/' in tag for tag in scripts)
    assert 'src="/static/django_htmx/htmx-2.min.js"' in body
    assert "hx-on" not in body
    assert '<a href="/api/docs/">API docs</a>' in body
    assert f'<a href="{members_url(org)}"' in body
    assert re.search(r'<form method="post" action="/accounts/logout/">', body)


def test_audit_trail_is_in_the_nav_of_admins_and_officers_only(
    client, admin, compliance_officer, org_member
):
    link = '<a href="/compliance/audit/"'
    for user, shown in ((admin, True), (compliance_officer, True), (org_member(), False)):
        client.force_login(user)
        assert (link in client.get("/projects/").content.decode()) is shown


def test_messages_are_rendered_as_a_live_region(client, admin, org):
    client.force_login(admin)
    body = client.post(
        "/organizations/switch/", {"organization": str(org.pk)}, follow=True
    ).content.decode()
    assert '<div id="toasts" class="toasts" role="status" aria-live="polite">' in body
    assert f'<p class="toast toast-success">Switched to {org.name}.</p>' in body


# --- sign in and out --------------------------------------------------------------------------


def test_sign_in_page_renders_for_visitors_and_sends_members_on(client, admin):
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert "<h1>Sign in to Charter</h1>" in page.content.decode()
    client.force_login(admin)
    assert client.get("/accounts/login/")["Location"] == "/"  # the dashboard


def test_wrong_password_shows_an_error_and_changes_nothing(client, admin):
    response = client.post("/accounts/login/", {"username": admin.email, "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct email and password" in response.content.decode()
    assert '<ul class="errorlist" role="alert">' in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.count() == 0


def test_sign_in_is_case_insensitive_and_recorded(client, admin, org):
    response = client.post(
        "/accounts/login/", {"username": admin.email.upper(), "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"  # the dashboard
    assert client.session["_auth_user_id"] == str(admin.pk)
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.organization, event.origin) == (
        "user.signed_in",
        admin,
        org,
        "web",
    )


def _fail_audit(event):
    raise RuntimeError(AUDIT_DOWN)


@pytest.fixture
def audit_fails(monkeypatch):
    """Every audit write fails inside the writer, after the action's own writes."""
    monkeypatch.setattr(writer, "compute_hash", _fail_audit)


def test_a_sign_in_whose_audit_write_fails_commits_nothing(client, admin, org, audit_fails):
    with pytest.raises(RuntimeError, match=AUDIT_DOWN):
        client.post("/accounts/login/", {"username": admin.email, "password": DEFAULT_PASSWORD})
    admin.refresh_from_db()
    assert admin.last_login is None
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id")]
    assert AuditEvent.objects.count() == 0


def test_sign_in_follows_a_local_next(client, admin, org):
    response = client.post(
        "/accounts/login/?next=/compliance/audit/",
        {"username": admin.email, "password": DEFAULT_PASSWORD, "next": "/compliance/audit/"},
    )
    assert response["Location"] == "/compliance/audit/"


def test_sign_out_is_a_post(client, admin):
    client.force_login(admin)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response["Location"] == "/accounts/login/"
    assert client.get("/projects/")["Location"] == "/accounts/login/?next=/projects/"


def test_pages_send_visitors_to_sign_in(client, org):
    for url in ("/projects/", "/accounts/tokens/", members_url(org), "/compliance/audit/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url


# --- passwords --------------------------------------------------------------------------------


def test_password_change_with_a_wrong_old_password_changes_nothing(client, admin):
    client.force_login(admin)
    assert client.get("/accounts/password/").status_code == 200
    response = client.post(
        "/accounts/password/",
        {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    admin.refresh_from_db()
    assert admin.check_password(DEFAULT_PASSWORD)
    assert AuditEvent.objects.count() == 0


def test_password_change_is_recorded_and_keeps_the_session(client, admin):
    client.force_login(admin)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response["Location"] == "/accounts/profile/"
    admin.refresh_from_db()
    assert admin.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get()
    assert (event.action, event.data) == ("user.password_changed", {"via": "change"})
    assert client.get("/accounts/profile/").status_code == 200


def test_a_password_change_whose_audit_write_fails_changes_nothing(client, admin, audit_fails):
    client.force_login(admin)  # signs in without an audit write
    with pytest.raises(RuntimeError, match=AUDIT_DOWN):
        client.post(
            "/accounts/password/",
            {
                "old_password": DEFAULT_PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        )
    admin.refresh_from_db()
    assert admin.check_password(DEFAULT_PASSWORD)
    assert AuditEvent.objects.count() == 0


def test_password_reset_by_email_end_to_end(client, admin):
    assert client.get("/accounts/password/reset/").status_code == 200
    response = client.post("/accounts/password/reset/", {"email": admin.email.upper()})
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert outbox_deliver_due() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [admin.email]
    assert mail.outbox[0].subject == "Reset your Charter password"
    link = found(r"https?://[^/]+(/accounts/password/reset/\S+/)", str(mail.outbox[0].body)).group(
        1
    )

    form_page = client.get(link, follow=True)
    assert "<h1>Choose a new password</h1>" in form_page.content.decode()
    set_password_url = form_page.redirect_chain[-1][0]
    weak = client.post(set_password_url, {"new_password1": "123", "new_password2": "123"})
    assert weak.status_code == 200
    assert "This password is too short" in weak.content.decode()
    assert AuditEvent.objects.count() == 0

    done = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done["Location"] == "/accounts/password/reset/done/"
    admin.refresh_from_db()
    assert admin.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.data) == (
        "user.password_changed",
        admin,
        {"via": "reset"},
    )
    # The link works once.
    again = client.get(link, follow=True).content.decode()
    assert "This link no longer works" in again


def test_a_password_reset_whose_audit_write_fails_changes_nothing(client, admin, monkeypatch):
    client.post("/accounts/password/reset/", {"email": admin.email})
    outbox_deliver_due()
    link = found(r"https?://[^/]+(/accounts/password/reset/\S+/)", str(mail.outbox[0].body)).group(
        1
    )
    set_password_url = client.get(link, follow=True).redirect_chain[-1][0]
    monkeypatch.setattr(writer, "compute_hash", _fail_audit)
    with pytest.raises(RuntimeError, match=AUDIT_DOWN):
        client.post(
            set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        )
    admin.refresh_from_db()
    assert admin.check_password(DEFAULT_PASSWORD)
    assert AuditEvent.objects.count() == 0


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert outbox_deliver_due() == 0
    assert mail.outbox == []


def _reset_answer(client, email, capture):
    with capture(execute=False) as callbacks:
        response = client.post("/accounts/password/reset/", {"email": email})
    # Every header but those new on each response (the request id, the CSP nonce).
    fresh = ("X-Request-ID", "Content-Security-Policy", "Content-Security-Policy-Report-Only")
    headers = {k: v for k, v in response.headers.items() if k not in fresh}
    return response.status_code, headers, response.content, len(callbacks)


def test_a_reset_request_does_the_same_for_a_known_and_an_unknown_address(
    client, admin, django_capture_on_commit_callbacks
):
    known = _reset_answer(client, admin.email, django_capture_on_commit_callbacks)
    unknown = _reset_answer(client, "nobody@example.com", django_capture_on_commit_callbacks)

    # The same answer, and one announcement to the broker after commit in both cases.
    assert known == unknown
    assert known[0] == 302
    assert known[1]["Location"] == "/accounts/password/reset/sent/"
    assert known[3] == 1
    # Nothing was mailed inside either request: only the known address has a message waiting,
    # holding the user's id and no link (the link is made when it is sent).
    assert mail.outbox == []
    [message] = OutboxMessage.objects.all()
    assert (message.kind, message.payload) == (
        "accounts.password_reset",
        {"user_id": str(admin.pk)},
    )
    assert outbox_deliver_due() == 1
    assert [m.to for m in mail.outbox] == [[admin.email]]


def test_a_reset_for_an_inactive_account_is_answered_alike_and_never_mailed(
    client, admin, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=admin.pk).update(is_active=False)
    inactive = _reset_answer(client, admin.email, django_capture_on_commit_callbacks)
    unknown = _reset_answer(client, "nobody@example.com", django_capture_on_commit_callbacks)

    assert inactive == unknown
    assert OutboxMessage.objects.count() == 0
    assert mail.outbox == []


def test_a_reset_mail_waiting_while_the_account_is_deactivated_is_not_sent(client, admin):
    client.post("/accounts/password/reset/", {"email": admin.email})
    User.objects.filter(pk=admin.pk).update(is_active=False)

    assert outbox_deliver_due() == 0

    assert mail.outbox == []
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SUPERSEDED


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_a_reset_request_fails_alike_and_the_sweep_mails_it(
    client, admin, broker_down, caplog
):
    caplog.set_level(logging.ERROR, logger="core.jobs")
    for email in (admin.email, "nobody@example.com"):
        caplog.clear()
        response = client.post("/accounts/password/reset/", {"email": email})
        assert response["Location"] == "/accounts/password/reset/sent/"
        assert [r.getMessage() for r in caplog.records] == [
            "could not enqueue outbox.tasks.outbox_deliver: broker unavailable"
        ]
    assert mail.outbox == []

    assert outbox_deliver_due() == 1  # what beat's sweep does every minute

    assert [m.to for m in mail.outbox] == [[admin.email]]


# --- profile ------------------------------------------------------------------------------------


def test_profile_rejects_an_unknown_time_zone_and_saves_a_good_one(client, admin):
    client.force_login(admin)
    page = client.get("/accounts/profile/")
    assert '<option value="Europe/Paris">Europe/Paris</option>' in page.content.decode()
    bad = client.post("/accounts/profile/", {"full_name": "A", "time_zone": "Mars/Base"})
    assert bad.status_code == 400
    assert "Select a valid choice" in bad.content.decode()
    admin.refresh_from_db()
    assert (admin.time_zone, AuditEvent.objects.count()) == ("UTC", 0)

    saved = client.post("/accounts/profile/", {"full_name": "Ada", "time_zone": "Europe/Paris"})
    assert saved["Location"] == "/accounts/profile/"
    admin.refresh_from_db()
    assert (admin.full_name, admin.time_zone) == ("Ada", "Europe/Paris")
    assert AuditEvent.objects.get().action == "user.profile_updated"


# --- organisations --------------------------------------------------------------------------------


def test_the_switcher_lists_the_users_organisations_and_works_without_javascript(
    client, admin, org
):
    second = OrganizationFactory(name="Zeta Labs")
    OrganizationMembershipFactory(organization=second, user=admin, role="member")
    client.force_login(admin)
    body = client.get("/projects/").content.decode()
    assert '<form method="post" action="/organizations/switch/" class="org-switcher">' in body
    assert f'<option value="{org.pk}" selected>{org.name}</option>' in body
    assert f'<option value="{second.pk}">Zeta Labs</option>' in body
    assert '<button type="submit" class="button small js-hidden">Switch</button>' in body

    response = client.post(
        "/organizations/switch/", {"organization": str(second.pk), "next": "/projects/"}
    )
    assert response["Location"] == "/projects/"
    assert client.session[SESSION_ORG_KEY] == str(second.pk)
    assert "<h1>Projects of Zeta Labs</h1>" in client.get("/projects/").content.decode()


def test_switching_to_someone_elses_organisation_is_404(client, admin, org, other_org):
    client.force_login(admin)
    assert (
        client.post("/organizations/switch/", {"organization": str(other_org.pk)}).status_code
        == 404
    )
    assert client.post("/organizations/switch/", {"organization": "x"}).status_code == 404
    assert client.get("/organizations/switch/").status_code == 405
    assert SESSION_ORG_KEY not in client.session


def test_switch_ignores_an_offsite_next(client, admin, org):
    client.force_login(admin)
    response = client.post(
        "/organizations/switch/", {"organization": str(org.pk), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"  # the dashboard


def test_a_person_without_an_organisation_starts_one(client):
    loner = UserFactory()
    client.force_login(loner)
    assert client.get("/projects/")["Location"] == "/organizations/new/"
    page = client.get("/organizations/new/")
    assert "You do not belong to an organisation yet" in page.content.decode()

    blank = client.post("/organizations/new/", {"name": "  "})
    assert blank.status_code == 400
    assert "This field is required." in blank.content.decode()
    assert (Organization.objects.count(), AuditEvent.objects.count()) == (0, 0)

    created = client.post("/organizations/new/", {"name": "Initech"})
    org = Organization.objects.get()
    assert created["Location"] == members_url(org)
    assert client.session[SESSION_ORG_KEY] == str(org.pk)
    assert OrganizationMembership.objects.get(organization=org).role == "admin"
    assert set(AuditEvent.objects.values_list("action", flat=True)) == {
        "organization.created",
        "organization_membership.created",
    }


# --- members ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "manages"), [("admin", True), ("compliance_officer", False), ("member", False)]
)
def test_members_page_by_role(client, org, admin, org_member, role, manages):
    user = admin if role == "admin" else org_member(role)
    client.force_login(user)
    page = client.get(members_url(org))
    body = page.content.decode()
    assert page.status_code == 200
    assert f"<h1>Members of {org.name}</h1>" in body
    assert admin.email in body
    assert ('<h2 id="invite-heading">Invite someone</h2>' in body) is manages
    assert ("Pending invitations" in body) is manages
    assert ('name="role"' in body) is manages


def test_members_page_is_404_for_outsiders_and_malformed_ids(client, org, outsider):
    client.force_login(outsider)
    assert client.get(members_url(org)).status_code == 404
    assert client.get("/organizations/not-a-uuid/members/").status_code == 404
    assert "<h1>Not found</h1>" in client.get(members_url(org)).content.decode()


def test_admin_invites_someone(client, org, admin, django_capture_on_commit_callbacks):
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            f"/organizations/{org.pk}/invitations/",
            {"email": "New@Example.com", "role": "compliance_officer"},
        )
    assert response["Location"] == members_url(org)
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.status) == (
        "new@example.com",
        "compliance_officer",
        "pending",
    )
    assert len(callbacks) == 1  # the worker is told after commit; the mail is the outbox's
    assert OutboxMessage.objects.get().payload == {"invitation_id": str(invitation.pk)}
    assert mail.outbox == []
    assert AuditEvent.objects.get().action == "invitation.created"
    body = client.get(members_url(org)).content.decode()
    assert "new@example.com — Compliance officer" in body
    assert "Invitation on its way to new@example.com." in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not-an-email", "role": "member"}, "Enter a valid email address."),
        ({"email": "a@example.com", "role": "owner"}, "Select a valid choice."),
        ({"email": "", "role": "member"}, "This field is required."),
    ],
)
def test_bad_invitations_rerender_with_errors_and_change_nothing(client, org, admin, data, message):
    client.force_login(admin)
    response = client.post(f"/organizations/{org.pk}/invitations/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "<html" in response.content.decode()
    assert (Invitation.objects.count(), AuditEvent.objects.count()) == (0, 0)


def test_inviting_a_member_shows_the_services_error_in_the_form(client, org, admin, org_member):
    member = org_member()
    client.force_login(admin)
    response = client.post(
        f"/organizations/{org.pk}/invitations/", {"email": member.email, "role": "member"}
    )
    assert response.status_code == 400
    assert f'<ul class="errorlist" id="id_email_error"><li>{ALREADY_MEMBER}</li></ul>' in (
        response.content.decode()
    )
    assert (Invitation.objects.count(), AuditEvent.objects.count()) == (0, 0)


def test_htmx_invitation_answers_with_the_form_or_a_client_redirect(
    client, org, admin, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    bad = client.post(
        f"/organizations/{org.pk}/invitations/",
        {"email": "nope", "role": "member"},
        headers=HTMX,
    )
    body = bad.content.decode()
    assert bad.status_code == 400
    assert body.lstrip().startswith('<form id="invite-form"')
    assert "Enter a valid email address." in body
    assert "<html" not in body

    with django_capture_on_commit_callbacks(execute=False):
        ok = client.post(
            f"/organizations/{org.pk}/invitations/",
            {"email": "fresh@example.com", "role": "member"},
            headers=HTMX,
        )
    assert ok.status_code == 200
    assert ok["HX-Redirect"] == members_url(org)
    assert Invitation.objects.get().email == "fresh@example.com"


@pytest.mark.parametrize("role", ["compliance_officer", "member"])
def test_non_admins_get_403_on_every_member_action(client, org, admin, org_member, role):
    user = org_member(role)
    target = OrganizationMembership.objects.get(user=admin)
    invitation = invitation_create(actor=admin, organization=org, email="p@example.com")
    before = AuditEvent.objects.count()
    client.force_login(user)
    for url, data in (
        (f"/organizations/{org.pk}/invitations/", {"email": "x@example.com", "role": "admin"}),
        (f"/organizations/{org.pk}/members/{target.pk}/role/", {"role": "member"}),
        (f"/organizations/{org.pk}/members/{target.pk}/remove/", {}),
        (f"/organizations/{org.pk}/invitations/{invitation.pk}/revoke/", {}),
    ):
        response = client.post(url, data)
        assert response.status_code == 403, url
        assert "<h1>Not allowed</h1>" in response.content.decode()
    assert OrganizationMembership.objects.get(pk=target.pk).role == "admin"
    assert Invitation.objects.get(pk=invitation.pk).status == "pending"
    assert AuditEvent.objects.count() == before


def test_outsider_gets_404_on_every_member_action(client, org, admin, outsider):
    target = OrganizationMembership.objects.get(user=admin)
    invitation = invitation_create(actor=admin, organization=org, email="p@example.com")
    before = AuditEvent.objects.count()
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
    assert Invitation.objects.get(pk=invitation.pk).status == "pending"
    assert AuditEvent.objects.count() == before


def test_ids_of_another_organisation_are_404_even_for_an_admin_here(
    client, org, admin, other_org, outsider
):
    """An admin of `org` cannot reach `other_org`'s members or invitations through org's URLs."""
    their_membership = OrganizationMembership.objects.get(user=outsider)
    their_invitation = invitation_create(
        actor=outsider, organization=other_org, email="q@example.com"
    )
    client.force_login(admin)
    assert (
        client.post(
            f"/organizations/{org.pk}/members/{their_membership.pk}/role/", {"role": "member"}
        ).status_code
        == 404
    )
    assert (
        client.post(f"/organizations/{org.pk}/members/{their_membership.pk}/remove/").status_code
        == 404
    )
    assert (
        client.post(
            f"/organizations/{org.pk}/invitations/{their_invitation.pk}/revoke/"
        ).status_code
        == 404
    )
    assert OrganizationMembership.objects.get(pk=their_membership.pk).role == "admin"
    assert Invitation.objects.get(pk=their_invitation.pk).status == "pending"


def test_htmx_role_change_returns_the_row_and_a_toast(client, org, admin, org_member):
    member = org_member()
    target = OrganizationMembership.objects.get(user=member)
    client.force_login(admin)
    response = client.post(
        f"/organizations/{org.pk}/members/{target.pk}/role/",
        {"role": "compliance_officer"},
        headers=HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<tr id="member-{target.pk}">')
    assert '<option value="compliance_officer" selected>Compliance officer</option>' in body
    assert '<div hx-swap-oob="beforeend:#toasts">' in body
    assert f"{member.email} is now compliance officer." in body
    assert "<html" not in body
    assert OrganizationMembership.objects.get(pk=target.pk).role == "compliance_officer"
    event = AuditEvent.objects.get()
    assert (event.action, event.data["role"]) == (
        "organization_membership.role_changed",
        {"old": "member", "new": "compliance_officer"},
    )


def test_role_change_errors_stay_in_the_row_and_change_nothing(client, org, admin, org_member):
    member = org_member()
    target = OrganizationMembership.objects.get(user=member)
    own = OrganizationMembership.objects.get(user=admin)
    client.force_login(admin)

    bad = client.post(
        f"/organizations/{org.pk}/members/{target.pk}/role/", {"role": "owner"}, headers=HTMX
    )
    assert bad.status_code == 400
    assert "Choose a valid role." in bad.content.decode()
    last_admin = client.post(
        f"/organizations/{org.pk}/members/{own.pk}/role/", {"role": "member"}, headers=HTMX
    )
    assert last_admin.status_code == 400
    assert LAST_ADMIN in last_admin.content.decode()
    assert OrganizationMembership.objects.get(pk=own.pk).role == "admin"
    assert OrganizationMembership.objects.get(pk=target.pk).role == "member"
    assert AuditEvent.objects.count() == 0


def test_plain_post_role_change_redirects_with_a_message(client, org, admin, org_member):
    member = org_member()
    target = OrganizationMembership.objects.get(user=member)
    client.force_login(admin)
    response = client.post(
        f"/organizations/{org.pk}/members/{target.pk}/role/", {"role": "admin"}, follow=True
    )
    assert response.redirect_chain == [(members_url(org), 302)]
    assert f"{member.email} is now administrator." in response.content.decode()
    assert OrganizationMembership.objects.get(pk=target.pk).role == "admin"


def test_admin_removes_a_member_but_never_the_last_admin(client, org, admin, org_member):
    member = org_member()
    target = OrganizationMembership.objects.get(user=member)
    own = OrganizationMembership.objects.get(user=admin)
    client.force_login(admin)
    body = client.get(members_url(org)).content.decode()
    assert f'data-confirm="Remove {member.email} from {org.name}?' in body

    response = client.post(f"/organizations/{org.pk}/members/{target.pk}/remove/", follow=True)
    assert f"{member.display_name} was removed." in response.content.decode()
    assert not OrganizationMembership.objects.filter(pk=target.pk).exists()
    assert AuditEvent.objects.get().action == "organization_membership.removed"

    refused = client.post(f"/organizations/{org.pk}/members/{own.pk}/remove/", follow=True)
    assert LAST_ADMIN in refused.content.decode()
    assert OrganizationMembership.objects.filter(pk=own.pk).exists()
    assert AuditEvent.objects.count() == 1


def test_admin_revokes_a_pending_invitation(client, org, admin):
    invitation, secret = invite(actor=admin, organization=org, email="p@example.com")
    client.force_login(admin)
    response = client.post(
        f"/organizations/{org.pk}/invitations/{invitation.pk}/revoke/", follow=True
    )
    assert "Invitation to p@example.com revoked." in response.content.decode()
    assert Invitation.objects.get(pk=invitation.pk).status == "revoked"
    assert "p@example.com — Member" not in response.content.decode()
    assert client.get(f"/invitations/{secret}/").status_code == 410


# --- invitation acceptance -----------------------------------------------------------------------


def test_invitation_accepted_by_a_new_person(client, org, admin):
    _, secret = invite(
        actor=admin, organization=org, email="newbie@example.com", role="compliance_officer"
    )
    page = client.get(f"/invitations/{secret}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert f"<h1>Join {org.name}</h1>" in body
    assert "<strong>compliance officer</strong>" in body
    assert 'name="password2"' in body
    before = AuditEvent.objects.count()

    mismatch = client.post(
        f"/invitations/{secret}/",
        {"full_name": "N", "password1": "a-strong-pass-phrase", "password2": "other"},
    )
    assert mismatch.status_code == 400
    assert "The two passwords differ." in mismatch.content.decode()
    weak = client.post(
        f"/invitations/{secret}/",
        {"full_name": "N", "password1": "newbie123", "password2": "newbie123"},
    )
    assert weak.status_code == 400
    assert "The password is too similar to the email." in weak.content.decode()
    assert not User.objects.filter(email="newbie@example.com").exists()
    assert AuditEvent.objects.count() == before

    done = client.post(
        f"/invitations/{secret}/",
        {
            "full_name": "New Bie",
            "password1": "a-strong-pass-phrase",
            "password2": "a-strong-pass-phrase",
        },
    )
    assert done["Location"] == "/"  # the dashboard
    newbie = User.objects.get(email="newbie@example.com")
    assert (newbie.full_name, newbie.check_password("a-strong-pass-phrase")) == ("New Bie", True)
    membership = OrganizationMembership.objects.get(user=newbie)
    assert (membership.organization, membership.role) == (org, "compliance_officer")
    assert client.session["_auth_user_id"] == str(newbie.pk)
    assert client.session[SESSION_ORG_KEY] == str(org.pk)
    assert client.get("/projects/").status_code == 200
    reused = client.get(f"/invitations/{secret}/")
    assert reused.status_code == 410
    assert "This invitation cannot be used" in reused.content.decode()


def test_invitation_accepted_by_the_signed_in_invitee(client, org, admin, outsider):
    _, secret = invite(actor=admin, organization=org, email=outsider.email)
    client.force_login(outsider)
    page = client.get(f"/invitations/{secret}/").content.decode()
    assert "Accept the invitation" in page
    assert 'name="password1"' not in page
    response = client.post(f"/invitations/{secret}/")
    assert response["Location"] == "/"  # the dashboard
    assert OrganizationMembership.objects.get(organization=org, user=outsider).role == "member"
    assert client.session[SESSION_ORG_KEY] == str(org.pk)
    assert Invitation.objects.get().status == "accepted"


def test_an_existing_account_is_asked_to_sign_in_first(client, org, admin, outsider):
    _, secret = invite(actor=admin, organization=org, email=outsider.email)
    page = client.get(f"/invitations/{secret}/").content.decode()
    assert "An account with this email exists." in page
    assert f'href="/accounts/login/?next=/invitations/{secret}/"' in page
    assert 'name="password1"' not in page
    # Posting a new account for that address is refused and changes nothing.
    refused = client.post(
        f"/invitations/{secret}/",
        {
            "full_name": "X",
            "password1": "a-strong-pass-phrase",
            "password2": "a-strong-pass-phrase",
        },
    )
    assert refused.status_code == 400
    assert not OrganizationMembership.objects.filter(organization=org, user=outsider).exists()
    assert Invitation.objects.get().status == "pending"


def test_the_wrong_signed_in_person_cannot_accept(client, org, admin, outsider):
    _, secret = invite(actor=admin, organization=org, email="someone@example.com")
    client.force_login(outsider)
    page = client.get(f"/invitations/{secret}/").content.decode()
    assert f"You are signed in as {outsider.email}" in page
    refused = client.post(f"/invitations/{secret}/")
    assert refused.status_code == 400
    assert "This invitation was sent to another email address." in refused.content.decode()
    assert not OrganizationMembership.objects.filter(organization=org, user=outsider).exists()
    assert Invitation.objects.get().status == "pending"


def test_unusable_invitations_get_a_clear_page(client, org, admin):
    revoked, revoked_secret = invite(actor=admin, organization=org, email="r@x.org")
    invitation_revoke(actor=admin, invitation=revoked)
    expired, expired_secret = invite(actor=admin, organization=org, email="e@x.org")
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))

    assert client.get("/invitations/never-issued/").status_code == 404
    for secret in (revoked_secret, expired_secret):
        response = client.get(f"/invitations/{secret}/")
        assert response.status_code == 410
        assert "This invitation cannot be used" in response.content.decode()
        assert client.post(f"/invitations/{secret}/").status_code == 410
    assert not User.objects.filter(email__in=["r@x.org", "e@x.org"]).exists()


# --- API tokens ----------------------------------------------------------------------------------


def test_tokens_page_lists_ones_own_tokens(client, admin, org_member):
    api_token_create(actor=admin, name="CI pipeline", expires_in_days=30)
    api_token_create(actor=org_member(), name="Someone else's")
    client.force_login(admin)
    body = client.get("/accounts/tokens/").content.decode()
    token = APIToken.objects.get(user=admin)
    assert "<td>CI pipeline</td>" in body
    assert f"chr_{token.prefix}_…" in body
    assert '<span class="badge ok">active</span>' in body
    assert "never" in body
    assert "Someone else" not in body


def test_a_new_token_is_shown_exactly_once(client, admin):
    client.force_login(admin)
    created = client.post("/accounts/tokens/", {"name": "CI", "expires_in_days": 30})
    assert created["Location"] == "/accounts/tokens/"
    token = APIToken.objects.get()
    assert abs(token.expires_at - token.created_at - timedelta(days=30)) < timedelta(seconds=5)
    assert AuditEvent.objects.get().action == "api_token.created"

    first = client.get("/accounts/tokens/")
    body = first.content.decode()
    plain = found(r'<code id="new-token">(chr_[0-9a-f]{8}_[A-Za-z0-9_\-]+)</code>', body).group(1)
    assert plain.startswith(f"chr_{token.prefix}_")
    assert first["Cache-Control"] == "no-store"
    assert "Copy it now" in body

    again = client.get("/accounts/tokens/").content.decode()
    assert plain not in again
    assert 'id="new-token"' not in again
    assert APIToken.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "expires_in_days": 30}, "This field is required."),
        ({"name": "CI", "expires_in_days": 9999}, "less than or equal to 366"),
        ({"name": "CI", "expires_in_days": 0}, "greater than or equal to 1"),
        ({"name": "CI", "expires_in_days": "soon"}, "Enter a whole number."),
    ],
)
def test_bad_token_input_rerenders_with_errors_and_changes_nothing(client, admin, data, message):
    client.force_login(admin)
    response = client.post("/accounts/tokens/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert (APIToken.objects.count(), AuditEvent.objects.count()) == (0, 0)


def test_tokens_are_revoked_only_by_their_owner(client, admin, org_member, outsider):
    token, _ = api_token_create(actor=admin, name="CI")
    client.force_login(org_member())  # same organisation, not the owner
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    client.force_login(outsider)
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert APIToken.objects.get().revoked_at is None
    assert AuditEvent.objects.filter(action="api_token.revoked").count() == 0

    client.force_login(admin)
    assert client.get(f"/accounts/tokens/{token.pk}/revoke/").status_code == 405
    response = client.post(f"/accounts/tokens/{token.pk}/revoke/", follow=True)
    assert "Token “CI” revoked." in response.content.decode()
    assert '<span class="badge bad">revoked</span>' in response.content.decode()
    assert APIToken.objects.get().revoked_at is not None
    assert AuditEvent.objects.filter(action="api_token.revoked").count() == 1


# --- error pages ----------------------------------------------------------------------------------


def test_unknown_addresses_get_the_404_page(client, admin):
    client.force_login(admin)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "<h1>Not found</h1>" in response.content.decode()


def test_the_500_page_renders_without_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = render_to_string("500.html")
    assert "<h1>Something went wrong</h1>" in html
    assert "{% extends" not in html


def test_reset_requests_are_limited_per_address_and_per_client_with_the_same_answer(
    client, admin, org_member
):
    """Found trying it: anyone could flood an inbox with reset mails, one request each."""
    from accounts.services import RESET_PER_CLIENT, RESET_PER_EMAIL

    answers = {
        client.post("/accounts/password/reset/", {"email": admin.email})["Location"]
        for _ in range(RESET_PER_EMAIL + 2)
    }
    assert answers == {"/accounts/password/reset/sent/"}  # the same answer past the limit
    assert outbox_deliver_due() == RESET_PER_EMAIL
    others = [org_member().email for _ in range(RESET_PER_CLIENT)]
    for email in others:
        client.post("/accounts/password/reset/", {"email": email})
    # The client asked RESET_PER_EMAIL + 2 times already: past its limit the rest send nothing.
    sent = RESET_PER_CLIENT - (RESET_PER_EMAIL + 2)
    assert outbox_deliver_due() == sent
