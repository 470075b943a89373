"""Consent on the public feedback form: the terms shown and the hash kept, required or not,
refused without the box, the withdrawal link in every feedback email, and withdrawing."""

import hashlib
import html
import re
import time

import pytest
from django.core import mail, signing
from django.core.exceptions import PermissionDenied

from accounts.models import OrganizationMembership
from audit.models import AuditEvent
from notifications.models import Notification
from outbox.services import outbox_deliver_due
from stakeholders import links, services
from stakeholders.models import Answer, ConsentPolicy, ConsentRecord, FeedbackResponse
from stakeholders.services.consent import CONSENT_CHANGED, CONSENT_MISSING
from tests.stakeholders.helpers import answers_by_position, assert_no_personal_data_in_trail

pytestmark = pytest.mark.django_db

OrgRole = OrganizationMembership.Role
# Characters HTML escapes, a non-ASCII letter and line breaks: the hash must be of the text
# as the stakeholder reads it, not of its escaped markup.
TERMS = (
    "We process your answers to shape the claims assistant & its rollout.\n"
    "They stay <inside> the project team; you may withdraw at any time — "
    "the team stops using them.\n\nQuestions: privacy@acme.example (Élodie)."
)
CONSENT_TEXT = re.compile(r'<div class="consent-text" id="consent-text">(.*?)</div>', re.S)


def _publish(admin, org, *, text=TERMS, required=True, purpose="Processing of feedback answers"):
    return services.consent_policy_publish(
        actor=admin, organization=org, purpose=purpose, text=text, required_on_feedback=required
    )


@pytest.fixture
def dana(open_round):
    feedback_round, invites = open_round
    invite = invites["Dana Claims"]
    return feedback_round, invite, links.make_token(invite)


def _answers(feedback_round, **extra):
    return {**answers_by_position(feedback_round, q1="4", q2="Privacy"), **extra}


def _shown_text(page: str) -> str:
    found = CONSENT_TEXT.search(page)
    assert found, "the form shows no terms of consent"
    return html.unescape(found.group(1))


# --- the form --------------------------------------------------------------------------------


def test_the_stored_hash_is_the_sha256_of_the_text_shown_on_the_page(client, dana, admin, org):
    feedback_round, invite, token = dana
    policy = _publish(admin, org)

    page = client.get(f"/f/{token}/").content.decode()
    shown = _shown_text(page)
    assert shown == TERMS
    assert 'name="consent"' in page
    assert f'name="consent_version" value="{policy.version}"' in page
    assert "Processing of feedback answers" in page

    response = client.post(
        f"/f/{token}/", _answers(feedback_round, consent="yes", consent_version="1")
    )

    assert response.status_code == 302
    record = ConsentRecord.objects.get()
    assert record.text_sha256 == hashlib.sha256(shown.encode("utf-8")).hexdigest()
    assert record.text_sha256 == policy.text_sha256
    assert (record.stakeholder_id, record.invite_id, record.policy_id) == (
        invite.stakeholder_id,
        invite.pk,
        policy.pk,
    )
    assert record.purpose == "Processing of feedback answers"
    assert record.withdrawn_at is None
    assert FeedbackResponse.objects.filter(invite=invite).exists()
    given = AuditEvent.objects.get(action="consent_record.given")
    assert given.data == {
        "stakeholder_id": str(invite.stakeholder_id),
        "round_id": str(feedback_round.pk),
        "policy_version": 1,
        "text_sha256": policy.text_sha256,
    }


def test_without_terms_or_with_terms_not_required_the_form_is_as_before(client, dana, admin, org):
    feedback_round, _invite, token = dana
    page = client.get(f"/f/{token}/").content.decode()
    assert "consent" not in page.lower()
    _publish(admin, org, required=False)
    page = client.get(f"/f/{token}/").content.decode()
    assert 'name="consent"' not in page
    assert 'class="consent-text"' not in page

    response = client.post(f"/f/{token}/", _answers(feedback_round))

    assert response.status_code == 302
    assert Answer.objects.count() == 2
    assert not ConsentRecord.objects.exists()


def test_without_the_box_the_form_comes_back_with_the_error_and_nothing_is_stored(
    client, dana, admin, org
):
    feedback_round, invite, token = dana
    _publish(admin, org)
    events = AuditEvent.objects.count()

    response = client.post(f"/f/{token}/", _answers(feedback_round, consent_version="1"))

    page = response.content.decode()
    assert response.status_code == 400
    assert f'<a href="#consent">Consent: {CONSENT_MISSING}</a>' in page
    assert 'id="error-consent"' in page
    assert 'aria-invalid="true"' in page
    assert 'value="Privacy" checked' in page  # the answers given stay in place
    assert not FeedbackResponse.objects.exists()
    assert not Answer.objects.exists()
    assert not ConsentRecord.objects.exists()
    assert AuditEvent.objects.count() == events
    invite.refresh_from_db()
    assert invite.responded_at is None


def test_consent_to_terms_replaced_meanwhile_is_refused_and_the_new_terms_shown(
    client, dana, admin, org
):
    feedback_round, _invite, token = dana
    _publish(admin, org)
    _publish(admin, org, text="New terms: answers are kept one year.")

    response = client.post(
        f"/f/{token}/", _answers(feedback_round, consent="yes", consent_version="1")
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert CONSENT_CHANGED in page
    assert _shown_text(page) == "New terms: answers are kept one year."
    assert 'name="consent_version" value="2"' in page
    assert not ConsentRecord.objects.exists()
    assert not FeedbackResponse.objects.exists()


def test_an_edit_does_not_ask_again_but_after_a_withdrawal_the_form_asks_again(
    client, dana, admin, org
):
    feedback_round, invite, token = dana
    _publish(admin, org)
    services.feedback_submit(
        token=token, answers=_answers(feedback_round), consent=True, consent_version=1
    )
    assert 'name="consent"' not in client.get(f"/f/{token}/").content.decode()
    services.feedback_submit(token=token, answers=_answers(feedback_round))  # an edit
    assert ConsentRecord.objects.count() == 1

    services.consent_withdraw(token=links.make_withdrawal_token(invite.stakeholder))

    assert 'name="consent"' in client.get(f"/f/{token}/").content.decode()
    refused = client.post(f"/f/{token}/", _answers(feedback_round, consent_version="1"))
    assert refused.status_code == 400
    client.post(f"/f/{token}/", _answers(feedback_round, consent="yes", consent_version="1"))
    assert list(
        ConsentRecord.objects.order_by("given_at").values_list("withdrawn_via", flat=True)
    ) == [
        "link",
        "",
    ]


# --- the emails ------------------------------------------------------------------------------


def _withdrawal_path(body: str) -> str:
    found = re.search(r"https?://[^/\s]+(/consent/withdraw/[^/\s]+/)", body)
    assert found, body
    return found.group(1)


def test_every_feedback_email_carries_the_stakeholders_withdrawal_link(client, open_round, manager):
    feedback_round, invites = open_round
    mail.outbox.clear()
    assert outbox_deliver_due() == 2
    for message in mail.outbox:
        stakeholder = next(
            i.stakeholder for i in invites.values() if i.stakeholder.email in message.to
        )
        token = _withdrawal_path(str(message.body)).split("/")[3]
        claim = links.read_withdrawal_token(token)
        assert claim.stakeholder_id == str(stakeholder.pk)
        assert client.get(f"/consent/withdraw/{token}/").status_code == 200

    # The "you said, we did" email after the round, too.
    dana = invites["Dana Claims"]
    services.feedback_submit(token=links.make_token(dana), answers=_answers(feedback_round))
    services.feedback_round_close(actor=manager, feedback_round=feedback_round)
    services.feedback_round_publish_summary(
        actor=manager, feedback_round=feedback_round, you_said_we_did="We added a review step."
    )
    mail.outbox.clear()
    assert outbox_deliver_due() == 1
    token = _withdrawal_path(str(mail.outbox[0].body)).split("/")[3]
    assert links.read_withdrawal_token(token).stakeholder_id == str(dana.stakeholder_id)


# --- the withdrawal page ---------------------------------------------------------------------


@pytest.fixture
def consented(dana, admin, org):
    """Dana answered with consent; returns (invite, withdrawal token)."""
    feedback_round, invite, token = dana
    _publish(admin, org)
    services.feedback_submit(
        token=token, answers=_answers(feedback_round), consent=True, consent_version=1
    )
    return invite, links.make_withdrawal_token(invite.stakeholder)


def test_the_page_shows_the_consent_held_and_a_get_never_withdraws(client, consented):
    _invite, token = consented
    for _ in range(2):
        response = client.get(f"/consent/withdraw/{token}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "Processing of feedback answers" in page
    assert "Claims assistant" in page
    assert '<form method="post">' in page
    for personal in ("Dana", "dana.claims@example.com", "Lee"):
        assert personal not in page
    claimed = client.get(f"/consent/withdraw/{token}/?done=1").content.decode()
    assert "Your consent is withdrawn." not in claimed  # only said when true
    assert ConsentRecord.objects.get().withdrawn_at is None
    assert not AuditEvent.objects.filter(action="consent_record.withdrawn").exists()


def test_confirming_withdraws_audits_without_personal_data_and_tells_the_manager(
    client, consented, manager
):
    invite, token = consented

    response = client.post(f"/consent/withdraw/{token}/")

    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    record = ConsentRecord.objects.get()
    assert record.withdrawn_at is not None
    assert record.withdrawn_via == "link"
    event = AuditEvent.objects.get(action="consent_record.withdrawn")
    assert event.actor_id is None
    assert (event.target_type, event.target_id) == ("stakeholders.consentrecord", str(record.pk))
    assert event.project_id == invite.round.project_id
    assert event.organization_id == invite.round.project.organization_id
    assert event.data == {
        "stakeholder_id": str(invite.stakeholder_id),
        "round_id": str(invite.round_id),
        "policy_version": 1,
        "via": "link",
    }
    assert_no_personal_data_in_trail("Dana Claims", "dana.claims@example.com", "Privacy")
    told = Notification.objects.get(kind="consent.withdrawn")
    assert told.recipient == manager
    assert told.project == invite.round.project
    assert "Dana" not in told.title + told.body
    done = client.get(response["Location"]).content.decode()
    assert "Your consent is withdrawn." in done
    assert "Withdraw my consent" not in done


def test_withdrawing_twice_changes_nothing_the_second_time(client, consented):
    _invite, token = consented
    client.post(f"/consent/withdraw/{token}/")
    first = ConsentRecord.objects.get().withdrawn_at
    events, told = AuditEvent.objects.count(), Notification.objects.count()

    again = client.post(f"/consent/withdraw/{token}/")

    assert again.status_code == 302
    assert ConsentRecord.objects.get().withdrawn_at == first
    assert (AuditEvent.objects.count(), Notification.objects.count()) == (events, told)
    assert services.consent_withdraw(token=token) == []


def _expired_token(stakeholder, monkeypatch):
    """A genuine withdrawal token signed 367 days ago."""
    past = time.time() - 367 * 24 * 60 * 60
    with monkeypatch.context() as patched:
        patched.setattr("time.time", lambda: past)  # the signature's timestamp
        return links.make_withdrawal_token(stakeholder)


@pytest.mark.parametrize("kind", ["tampered", "feedback-link", "garbage", "expired"])
def test_a_tampered_or_expired_link_answers_a_clear_page_and_changes_nothing(
    client, consented, monkeypatch, kind
):
    invite, token = consented
    bad = {
        "tampered": token[:-2] + ("aa" if not token.endswith("aa") else "bb"),
        # A feedback link's token is signed for another purpose: it withdraws nothing.
        "feedback-link": links.make_token(invite),
        "garbage": "x" * 40,
        "expired": _expired_token(invite.stakeholder, monkeypatch) if kind == "expired" else "",
    }[kind]
    events = AuditEvent.objects.count()
    for method in (client.get, client.post):
        response = method(f"/consent/withdraw/{bad}/")
        page = response.content.decode()
        assert response.status_code == (410 if kind == "expired" else 400)
        assert response["Cache-Control"] == "private, no-store"
        assert "Nothing has changed." in page
        assert "expired" in page if kind == "expired" else "not valid" in page
        assert "Claims assistant" not in page
        assert "Processing of feedback answers" not in page
    assert ConsentRecord.objects.get().withdrawn_at is None
    assert AuditEvent.objects.count() == events
    with pytest.raises(PermissionDenied):
        services.consent_withdraw(token=bad)


def test_a_link_of_someone_unknown_looks_like_a_tampered_one(client):
    token = signing.TimestampSigner(salt=links.WITHDRAWAL_SALT).sign(
        "00000000-0000-4000-8000-000000000000"
    )
    response = client.get(f"/consent/withdraw/{token}/")
    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()


def test_the_withdrawal_page_is_rate_limited_like_the_form(client, consented, monkeypatch):
    from stakeholders import ratelimit

    _invite, token = consented
    monkeypatch.setattr(ratelimit, "PUBLIC_FORM_LIMIT", 2)
    statuses = [client.post(f"/consent/withdraw/{token}/").status_code for _ in range(3)]
    assert statuses == [302, 302, 429]


# --- the team's side -------------------------------------------------------------------------


def test_publishing_adds_versions_and_keeps_the_old_text_and_hash(admin, compliance_officer, org):
    first = _publish(admin, org)
    assert _publish(admin, org) == first  # unchanged: no new version
    second = _publish(compliance_officer, org, text="Shorter terms.\r\nTwo lines.")

    assert (first.version, second.version) == (1, 2)
    assert second.text == "Shorter terms.\nTwo lines."
    assert second.text_sha256 == hashlib.sha256(b"Shorter terms.\nTwo lines.").hexdigest()
    first.refresh_from_db()
    assert (first.text, first.text_sha256) == (TERMS, hashlib.sha256(TERMS.encode()).hexdigest())
    assert services.consent_policy_current(organization_id=org.pk) == second
    assert AuditEvent.objects.filter(action="consent_policy.published").count() == 2


def test_only_administrators_and_compliance_officers_publish(org, org_member, manager):
    for person in (org_member(OrgRole.MEMBER), manager):
        with pytest.raises(PermissionDenied):
            _publish(person, org)
    assert not ConsentPolicy.objects.exists()


def test_the_policy_page_lists_versions_and_publishes_for_those_who_may(
    client, admin, org, org_member
):
    _publish(admin, org)
    member = org_member(OrgRole.MEMBER)
    client.force_login(member)
    page = client.get(f"/organizations/{org.pk}/consent/").content.decode()
    assert hashlib.sha256(TERMS.encode()).hexdigest() in page
    assert "Publish a new version" not in page
    refused = client.post(
        f"/organizations/{org.pk}/consent/",
        {"purpose": "P", "text": "T", "required_on_feedback": "on"},
    )
    assert refused.status_code == 403

    client.force_login(admin)
    empty = client.post(f"/organizations/{org.pk}/consent/", {"purpose": "", "text": ""})
    assert empty.status_code == 400
    assert "This field is required." in empty.content.decode()
    published = client.post(
        f"/organizations/{org.pk}/consent/",
        {"purpose": "Feedback answers", "text": "Version two.", "required_on_feedback": "on"},
    )
    assert published.status_code == 302
    assert ConsentPolicy.objects.filter(organization=org).count() == 2


def test_the_stakeholder_page_shows_the_history_and_the_round_page_the_tally(
    client, consented, manager, admin
):
    invite, token = consented
    client.force_login(admin)
    person_page = client.get(f"/organizations/stakeholders/{invite.stakeholder_id}/").content
    assert b"Active" in person_page
    assert b"version 1" in person_page
    round_url = f"/projects/{invite.round.project_id}/feedback/{invite.round_id}/"
    assert b"1 of 1 answer with active consent" in client.get(round_url).content
    rounds = client.get(f"/projects/{invite.round.project_id}/feedback/").content.decode()
    assert "1 with active consent" in rounds

    services.consent_withdraw(token=token)

    assert (
        b"Withdrawn" in client.get(f"/organizations/stakeholders/{invite.stakeholder_id}/").content
    )
    assert b"0 of 1 answer with active consent" in client.get(round_url).content
    rounds = client.get(f"/projects/{invite.round.project_id}/feedback/").content.decode()
    assert "0 with active consent" in rounds


def test_the_team_records_a_withdrawal_asked_for_with_its_note_off_the_trail(
    client, consented, admin, org_member
):
    invite, _token = consented
    url = f"/organizations/stakeholders/{invite.stakeholder_id}/consent/withdraw/"
    client.force_login(org_member(OrgRole.MEMBER))
    assert client.post(url, {"note": "Phoned"}).status_code == 403
    assert ConsentRecord.objects.get().withdrawn_at is None

    client.force_login(admin)
    too_long = client.post(url, {"note": "x" * 2001})
    assert too_long.status_code == 400
    assert "Ensure this value has at most 2000 characters" in too_long.content.decode()
    assert ConsentRecord.objects.get().withdrawn_at is None
    response = client.post(url, {"note": "Dana Claims phoned on 3 December"})

    assert response.status_code == 302
    record = ConsentRecord.objects.get()
    assert (record.withdrawn_via, record.withdrawal_note) == (
        "request",
        "Dana Claims phoned on 3 December",
    )
    event = AuditEvent.objects.get(action="consent_record.withdrawn")
    assert event.actor_id == admin.pk
    assert_no_personal_data_in_trail("Dana Claims", "phoned")
