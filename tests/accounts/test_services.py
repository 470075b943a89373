"""Accounts services: tokens, invitations, memberships — and what they refuse."""

from datetime import timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.test import APIRequestFactory

from accounts import services
from accounts.authentication import BearerTokenAuthentication
from accounts.models import APIToken, Invitation, OrganizationMembership, ProjectMembership
from accounts.tokens import sha256_hex
from audit.models import AuditEvent
from outbox.models import OutboxMessage
from outbox.services import outbox_deliver_due
from tests.accounts.invitations import invite, secret_mailed_to

pytestmark = pytest.mark.django_db

OrgRole = OrganizationMembership.Role


def _authenticate(plain: str):
    request = APIRequestFactory().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {plain}")
    return BearerTokenAuthentication().authenticate(request)


# --- API tokens -----------------------------------------------------------------------------


def test_token_is_stored_hashed_and_authenticates(admin):
    token, plain = services.api_token_create(actor=admin, name="CI pipeline", expires_in_days=30)

    assert plain.startswith(f"chr_{token.prefix}_")
    assert token.key_hash == sha256_hex(plain)
    assert plain not in str(APIToken.objects.filter(pk=token.pk).values().get())
    user, used = _authenticate(plain)
    assert (user, used) == (admin, token)
    assert APIToken.objects.get(pk=token.pk).last_used_at is not None
    event = AuditEvent.objects.get(action="api_token.created")
    assert plain not in str(event.data)
    assert event.data["prefix"] == token.prefix


def test_revoked_expired_and_wrong_tokens_fail(admin):
    token, plain = services.api_token_create(actor=admin, name="script")
    services.api_token_revoke(actor=admin, token=token)
    with pytest.raises(AuthenticationFailed):
        _authenticate(plain)

    token2, plain2 = services.api_token_create(actor=admin, name="old")
    APIToken.objects.filter(pk=token2.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(AuthenticationFailed):
        _authenticate(plain2)

    _, plain3 = services.api_token_create(actor=admin, name="tampered")
    with pytest.raises(AuthenticationFailed):
        _authenticate(plain3[:-2] + ("AA" if not plain3.endswith("AA") else "BB"))
    for garbage in ("chr_short_x", "not-a-token", "chr__", "chr_" + "x" * 8 + "_"):
        with pytest.raises(AuthenticationFailed):
            _authenticate(garbage)


def test_token_of_a_deactivated_user_fails(admin):
    _, plain = services.api_token_create(actor=admin, name="ci")
    admin.is_active = False
    admin.save(update_fields=["is_active"])
    with pytest.raises(AuthenticationFailed):
        _authenticate(plain)


@pytest.mark.parametrize("days", [0, -1, 367, 10_000])
def test_token_expiry_outside_bounds_is_refused_and_nothing_is_written(admin, days):
    with pytest.raises(ValidationError) as error:
        services.api_token_create(actor=admin, name="x", expires_in_days=days)
    assert "expires_in_days" in error.value.message_dict
    assert APIToken.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_token_name_too_long_is_refused(admin):
    with pytest.raises(ValidationError) as error:
        services.api_token_create(actor=admin, name="n" * 101)
    assert "name" in error.value.message_dict
    assert APIToken.objects.count() == 0


def test_nobody_revokes_another_users_token(admin, outsider):
    token, _ = services.api_token_create(actor=admin, name="mine")
    with pytest.raises(APIToken.DoesNotExist):
        services.api_token_revoke(actor=outsider, token=token)
    assert APIToken.objects.get(pk=token.pk).revoked_at is None


# --- invitations ----------------------------------------------------------------------------


def test_invitation_is_mailed_once_and_accepted_by_a_new_user(org, admin):
    invitation = services.invitation_create(
        actor=admin,
        organization=org,
        email="New.Person@Example.com",
        role=OrgRole.COMPLIANCE_OFFICER,
    )
    assert invitation.email == "new.person@example.com"
    [message] = OutboxMessage.objects.all()
    assert (message.kind, message.key, message.payload) == (
        "accounts.invitation",
        f"invitation:{invitation.pk}",
        {"invitation_id": str(invitation.pk)},
    )

    assert outbox_deliver_due() == 1
    assert outbox_deliver_due() == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@example.com"]
    assert mail.outbox[0].subject == f"You are invited to {org.name} on Charter"
    secret = secret_mailed_to("new.person@example.com")
    assert Invitation.objects.get(pk=invitation.pk).token_hash == sha256_hex(secret)

    membership = services.invitation_accept(
        secret=secret, full_name="New Person", password="a-long-enough-password"
    )
    assert (membership.organization, membership.role) == (org, OrgRole.COMPLIANCE_OFFICER)
    assert membership.user.check_password("a-long-enough-password")
    assert Invitation.objects.get(pk=invitation.pk).status == Invitation.Status.ACCEPTED
    actions = list(AuditEvent.objects.order_by("occurred_at").values_list("action", flat=True))
    assert actions == [
        "invitation.created",
        "invitation.sent",
        "user.registered",
        "invitation.accepted",
        "organization_membership.created",
    ]
    assert "new.person@example.com" not in str(
        list(AuditEvent.objects.values_list("data", flat=True))
    )


def test_no_link_works_before_the_mail_and_the_secret_never_enters_the_outbox(org, admin):
    invitation = services.invitation_create(actor=admin, organization=org, email="n@example.com")
    unmailed_hash = Invitation.objects.get(pk=invitation.pk).token_hash

    outbox_deliver_due()

    secret = secret_mailed_to("n@example.com")
    stored = Invitation.objects.get(pk=invitation.pk).token_hash
    assert stored == sha256_hex(secret) != unmailed_hash
    [message] = OutboxMessage.objects.all()
    assert secret not in str(message.payload)
    assert stored not in str(message.payload)


class FailingAfterSending:
    """An SMTP server that accepts the mail, then the connection drops before it says so: the
    sender cannot tell, and the outbox tries again."""

    def __init__(self, *args, **kwargs) -> None:
        pass

    def send_messages(self, messages):
        mail.outbox.extend(messages)
        raise SMTPServerDisconnected("connection lost")


def test_a_retried_invitation_rotates_its_secret_so_only_the_last_link_works(org, admin, settings):
    invitation = services.invitation_create(actor=admin, organization=org, email="r@example.com")
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FailingAfterSending"}}
    assert outbox_deliver_due() == 0
    [message] = OutboxMessage.objects.all()
    assert message.status == OutboxMessage.Status.PENDING
    assert "SMTPServerDisconnected" in message.last_error
    first = secret_mailed_to("r@example.com")

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    OutboxMessage.objects.filter(pk=message.pk).update(available_at=timezone.now())
    assert outbox_deliver_due() == 1
    last = secret_mailed_to("r@example.com")

    assert len(mail.outbox) == 2
    assert first != last
    assert services.invitation_by_secret(first) is None
    assert services.invitation_by_secret(last) == invitation
    # Once marked sent, the link is final: nothing rotates it again.
    with pytest.raises(ValidationError, match="mailed already"):
        services.invitation_link_issue(invitation_id=invitation.pk)
    assert services.invitation_by_secret(last) == invitation
    assert AuditEvent.objects.filter(action="invitation.sent").count() == 1


def test_an_invitation_revoked_before_its_mail_is_never_mailed(org, admin):
    invitation = services.invitation_create(actor=admin, organization=org, email="v@example.com")
    services.invitation_revoke(actor=admin, invitation=invitation)

    assert outbox_deliver_due() == 0

    assert mail.outbox == []
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SUPERSEDED
    assert Invitation.objects.get(pk=invitation.pk).sent_at is None
    assert not AuditEvent.objects.filter(action="invitation.sent").exists()


def test_a_used_revoked_or_expired_invitation_cannot_be_accepted(org, admin):
    _, used = invite(actor=admin, organization=org, email="a@example.com")
    services.invitation_accept(secret=used, full_name="A", password="a-long-enough-password")
    with pytest.raises(ValidationError, match="expired, was revoked or was already used"):
        services.invitation_accept(secret=used, full_name="A", password="a-long-enough-password")

    revoked, secret = invite(actor=admin, organization=org, email="b@example.com")
    services.invitation_revoke(actor=admin, invitation=revoked)
    with pytest.raises(ValidationError):
        services.invitation_accept(secret=secret, full_name="B", password="a-long-enough-password")

    expired, secret = invite(actor=admin, organization=org, email="c@example.com")
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    assert services.invitations_expire() == 1
    with pytest.raises(ValidationError):
        services.invitation_accept(secret=secret, full_name="C", password="a-long-enough-password")
    with pytest.raises(ValidationError, match="expired, was revoked or was already used"):
        services.invitation_link_issue(invitation_id=expired.pk)

    with pytest.raises(ValidationError):
        services.invitation_accept(secret="forged", full_name="D", password="x")


def test_invitation_for_another_address_is_refused_to_a_signed_in_user(org, admin, outsider):
    _, secret = invite(actor=admin, organization=org, email="x@example.com")
    with pytest.raises(ValidationError, match="another email address"):
        services.invitation_accept(secret=secret, user=outsider)
    assert not OrganizationMembership.objects.filter(organization=org, user=outsider).exists()


def test_a_new_invitation_replaces_the_pending_one(org, admin):
    first = services.invitation_create(actor=admin, organization=org, email="p@example.com")
    second = services.invitation_create(actor=admin, organization=org, email="p@example.com")
    assert Invitation.objects.get(pk=first.pk).status == Invitation.Status.REVOKED
    assert Invitation.objects.get(pk=second.pk).status == Invitation.Status.PENDING


def test_only_admins_invite_and_existing_members_are_refused(org, admin, org_member):
    member = org_member(OrgRole.MEMBER)
    with pytest.raises(PermissionDenied):
        services.invitation_create(actor=member, organization=org, email="z@example.com")
    with pytest.raises(ValidationError, match="already a member"):
        services.invitation_create(actor=admin, organization=org, email=member.email.upper())
    assert Invitation.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_outsider_cannot_invite_into_another_organisation(org, outsider):
    with pytest.raises(PermissionDenied):
        services.invitation_create(actor=outsider, organization=org, email="z@example.com")
    assert Invitation.objects.count() == 0


# --- memberships ----------------------------------------------------------------------------


def test_the_last_admin_can_be_neither_demoted_nor_removed(org, admin):
    membership = OrganizationMembership.objects.get(organization=org, user=admin)
    with pytest.raises(ValidationError, match="at least one administrator"):
        services.membership_change_role(actor=admin, membership=membership, role=OrgRole.MEMBER)
    with pytest.raises(ValidationError, match="at least one administrator"):
        services.membership_remove(actor=admin, membership=membership)
    assert OrganizationMembership.objects.get(pk=membership.pk).role == OrgRole.ADMIN
    assert AuditEvent.objects.count() == 0


def test_removing_a_member_removes_their_project_roles(org, admin, project, project_member):
    user = project_member(project, ProjectMembership.Role.CONTRIBUTOR)
    membership = OrganizationMembership.objects.get(organization=org, user=user)

    services.membership_remove(actor=admin, membership=membership)

    assert not ProjectMembership.objects.filter(user=user).exists()
    assert not OrganizationMembership.objects.filter(pk=membership.pk).exists()
    event = AuditEvent.objects.get(action="organization_membership.removed")
    assert event.data == {"user_id": str(user.pk), "role": OrgRole.MEMBER}


def test_role_change_records_before_and_after(org, admin, org_member):
    user = org_member(OrgRole.MEMBER)
    membership = OrganizationMembership.objects.get(organization=org, user=user)

    services.membership_change_role(
        actor=admin, membership=membership, role=OrgRole.COMPLIANCE_OFFICER
    )

    event = AuditEvent.objects.get(action="organization_membership.role_changed")
    assert event.data == {
        "user_id": str(user.pk),
        "role": {"old": "member", "new": "compliance_officer"},
    }
    assert (event.actor, event.organization) == (admin, org)


def test_organisation_create_makes_the_creator_admin(outsider):
    org = services.organization_create(actor=outsider, name="Initech")
    assert OrganizationMembership.objects.get(organization=org, user=outsider).role == "admin"
    assert org.slug == "initech"
    assert services.organization_create(actor=outsider, name="Initech").slug == "initech-2"


@pytest.mark.parametrize("password", ["short", "12345678901", "password123"])
def test_weak_passwords_are_refused_when_accepting(org, admin, password):
    _, secret = invite(actor=admin, organization=org, email="w@example.com")
    with pytest.raises(ValidationError) as error:
        services.invitation_accept(secret=secret, full_name="W", password=password)
    assert "password" in error.value.message_dict
    assert Invitation.objects.get().status == Invitation.Status.PENDING
    assert not type(admin).objects.filter(email="w@example.com").exists()


def test_profile_refuses_an_unknown_time_zone(admin):
    with pytest.raises(ValidationError) as error:
        services.user_update_profile(actor=admin, full_name="A", time_zone="Mars/Olympus")
    assert "time_zone" in error.value.message_dict
    admin.refresh_from_db()
    assert admin.time_zone == "UTC"


def test_an_invitations_mail_names_its_organisation_and_address_for_the_dead_letters(admin, org):
    invitation = services.invitation_create(actor=admin, organization=org, email="o@example.com")
    message = OutboxMessage.objects.get(key=f"invitation:{invitation.pk}")
    assert (message.organization_id, message.recipient) == (org.pk, "o@example.com")
