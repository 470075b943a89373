"""Export and erasure of a data subject: the export holds every personal field of the subject
across apps; after erasure none of their data is anywhere in the database (every text and
jsonb column of every table searched, the audit tables included) and the chain verifies."""

import pytest
from django.core.management import call_command

from accounts.models import APIToken, OrganizationMembership, User
from accounts.services import api_token_create
from audit.models import AuditEvent
from audit.personal import personal_fields
from compliance import personal_data
from compliance.models import DataSubjectRequest
from compliance.personal_data import personal_models, subject_lookups, uncovered_personal_models
from compliance.services.erasure import ONLY_ADMIN, subject_request_erase
from compliance.services.subject_exports import subject_request_export
from compliance.services.subject_requests import subject_request_record
from core.errors import ConflictError
from core.models import IdempotentRequest
from notifications.models import Notification
from outbox.models import OutboxMessage
from stakeholders.models import Answer, Stakeholder
from tests.compliance import subjects_support as support

OrgRole = OrganizationMembership.Role
STAKEHOLDER_NEEDLES = [
    support.NAME,
    support.EMAIL,
    support.NOTES,
    support.ANSWER,
    "Zebulon",
    "Quarterfield",
    "Ottoline",
]
MEMBER_NEEDLES = [support.MEMBER_NAME, support.MEMBER_EMAIL, "Wilhelmina", "Oddbody"]


def test_every_model_with_personal_fields_is_reached_by_the_export():
    assert uncovered_personal_models() == []
    reached = {lookup.label for lookup in subject_lookups("stakeholders.stakeholder")}
    assert {
        "stakeholders.stakeholder",
        "stakeholders.answer",
        "stakeholders.workshopinvitation",
        "stakeholders.feedbackinvite",
        "stakeholders.projectstakeholder",
    } <= reached
    by_user = {lookup.describe() for lookup in subject_lookups("accounts.user")}
    assert "notifications.notification by recipient" in by_user
    assert "accounts.invitation by email" in by_user
    assert "outbox.outboxmessage by recipient" in by_user
    assert "projects.usecaseproposal by submitted_by" in by_user  # their intake submissions
    # Authorship is not about the person: a round's author does not own its answers.
    assert "stakeholders.answer by question__round__created_by" not in by_user


def test_a_model_that_declares_personal_fields_and_that_no_subject_reaches_is_reported(
    monkeypatch,
):
    monkeypatch.setattr(personal_data, "UNATTRIBUTED", {})
    assert uncovered_personal_models() == [
        "core.idempotentrequest",
        "stakeholders.productfeedback",
    ]


def _erasure_request(actor, org, subject, subject_type="stakeholder", kind="erasure"):
    return subject_request_record(
        actor=actor, organization=org, kind=kind, subject_type=subject_type, subject_id=subject.pk
    )


def _rows_holding(needles):
    """(model label, row id, field) of every personal field holding one of `needles`, found
    without the enumeration: each declaring model's rows read one by one."""
    found = set()
    for model in personal_models():
        for row in model._default_manager.all():
            for name in personal_fields(model):
                value = str(getattr(row, name) or "").lower()
                if any(needle.lower() in value for needle in needles):
                    found.add((model._meta.label_lower, str(row.pk), name))
    return found


@pytest.mark.django_db
def test_the_export_holds_every_personal_field_of_the_stakeholder_across_apps(
    org, compliance_officer, project, manager
):
    subject = support.stakeholder_everywhere(manager=manager, project=project)
    request = _erasure_request(compliance_officer, org, subject.stakeholder, kind="access")
    data = subject_request_export(actor=compliance_officer, request=request)

    exported = {
        (record["model"], row["id"], name)
        for record in data["records"]
        for row in record["rows"]
        for name in record["personal_fields"]
        if row.get(name) not in ("", None)
    }
    holding = _rows_holding([support.NAME, support.EMAIL, support.NOTES, support.ANSWER])
    assert holding  # the stakeholder's row and their answer at least
    assert holding <= exported
    by_model = {record["model"]: record["rows"] for record in data["records"]}
    assert by_model["stakeholders.stakeholder"][0]["name"] == support.NAME
    assert [row["text"] for row in by_model["stakeholders.answer"] if row["text"]] == [
        support.ANSWER
    ]
    assert by_model["stakeholders.projectstakeholder"][0]["role"] == "claims lead"
    assert len(by_model["stakeholders.workshopinvitation"]) == 1
    assert len(by_model["stakeholders.feedbackresponse"]) == 1
    emails = {row["kind"] for row in by_model["outbox.outboxmessage"]}
    assert "stakeholders.workshop_invitation" in emails
    assert "link_nonce" not in by_model["stakeholders.feedbackinvite"][0]  # a secret
    event = AuditEvent.objects.get(action="subject_data.exported")
    assert event.data["rows"]["stakeholders.answer"] == 2  # the rating and the text
    assert "Zebulon" not in str(event.data)


@pytest.mark.django_db
def test_after_erasure_the_stakeholder_is_nowhere_in_the_database_and_the_chain_verifies(
    org, compliance_officer, project, manager
):
    subject = support.stakeholder_everywhere(manager=manager, project=project)
    support.admin_history_of(subject.stakeholder, by=manager)
    request = _erasure_request(compliance_officer, org, subject.stakeholder)
    before = support.where_found(STAKEHOLDER_NEEDLES)
    assert ("django_admin_log", "object_repr", support.NAME) in before
    assert ("stakeholders_stakeholder", "name", support.NAME) in before
    assert ("stakeholders_answer", "text", support.ANSWER) in before

    erased = subject_request_erase(actor=compliance_officer, request=request, confirm=True)

    assert erased.status == DataSubjectRequest.Status.COMPLETED
    assert support.where_found(STAKEHOLDER_NEEDLES) == []
    person = Stakeholder.objects.get(pk=subject.stakeholder.pk)
    assert person.name == "Erased stakeholder"
    assert person.email == f"erased-{person.pk}@erased.invalid"
    assert person.notes == "[erased]"
    answers = Answer.objects.filter(response__invite=subject.invite)
    assert sorted(answers.values_list("text", flat=True)) == ["", "[erased]"]
    pending = OutboxMessage.objects.filter(kind="stakeholders.workshop_invitation")
    assert set(pending.values_list("status", flat=True)) == {"superseded"}
    event = AuditEvent.objects.get(action="subject_data.erased")
    assert event.data["subject_id"] == str(person.pk)
    assert event.data["request_id"] == str(request.pk)
    assert event.data["fields"]["stakeholders.stakeholder"] == ["email", "name", "notes"]
    assert event.data["fields"]["stakeholders.answer"] == ["text"]
    call_command("verify_audit_chain")  # raises CommandError on a broken link


@pytest.mark.django_db
def test_erasure_forgets_the_cached_api_answers_that_name_the_stakeholder(
    org, compliance_officer, project, manager
):
    subject = support.stakeholder_everywhere(manager=manager, project=project)
    # The answer a client's create got, kept for its Idempotency-Key replays.
    IdempotentRequest.objects.create(
        owner=str(manager.pk),
        key="create-stakeholder",
        method="POST",
        path="/api/v1/stakeholders/",
        fingerprint="f",
        status_code=201,
        response_body={"id": str(subject.stakeholder.pk), "name": support.NAME},
    )
    unrelated = IdempotentRequest.objects.create(
        owner=str(manager.pk), key="other", method="POST", path="/x/", fingerprint="g"
    )
    request = _erasure_request(compliance_officer, org, subject.stakeholder)

    subject_request_erase(actor=compliance_officer, request=request, confirm=True)

    assert support.where_found(STAKEHOLDER_NEEDLES) == []
    assert list(IdempotentRequest.objects.values_list("pk", flat=True)) == [unrelated.pk]


@pytest.mark.django_db
def test_erasing_twice_gives_the_same_result_and_records_nothing_more(
    org, compliance_officer, project, manager
):
    subject = support.stakeholder_everywhere(manager=manager, project=project)
    request = _erasure_request(compliance_officer, org, subject.stakeholder)
    subject_request_erase(actor=compliance_officer, request=request, confirm=True)
    first = Stakeholder.objects.values().get(pk=subject.stakeholder.pk)
    events = AuditEvent.objects.count()

    again = subject_request_erase(actor=compliance_officer, request=request, confirm=True)
    assert again.status == DataSubjectRequest.Status.COMPLETED
    assert Stakeholder.objects.values().get(pk=subject.stakeholder.pk) == first
    assert AuditEvent.objects.count() == events
    # A second request for the same, erased subject finds nothing left to tombstone.
    second = _erasure_request(compliance_officer, org, subject.stakeholder)
    subject_request_erase(actor=compliance_officer, request=second, confirm=True)
    latest = AuditEvent.objects.filter(action="subject_data.erased").order_by("-sequence").first()
    assert latest is not None
    assert latest.data["fields"] == {}
    assert Stakeholder.objects.values().get(pk=subject.stakeholder.pk)["name"] == first["name"]


@pytest.mark.django_db
def test_an_unconfirmed_or_a_non_erasure_request_erases_nothing(
    org, compliance_officer, project, manager
):
    from django.core.exceptions import ValidationError

    subject = support.stakeholder_everywhere(manager=manager, project=project)
    request = _erasure_request(compliance_officer, org, subject.stakeholder)
    with pytest.raises(ValidationError) as error:
        subject_request_erase(actor=compliance_officer, request=request, confirm=False)
    assert "confirm" in error.value.message_dict
    access = _erasure_request(compliance_officer, org, subject.stakeholder, kind="access")
    with pytest.raises(ValidationError):
        subject_request_erase(actor=compliance_officer, request=access, confirm=True)
    assert Stakeholder.objects.get(pk=subject.stakeholder.pk).name == support.NAME


@pytest.mark.django_db
def test_after_erasure_a_member_is_nowhere_and_their_account_is_closed(
    org, admin, org_member, compliance_officer
):
    member = org_member(OrgRole.MEMBER, full_name=support.MEMBER_NAME, email=support.MEMBER_EMAIL)
    support.member_everywhere(organization=org, member=member)
    support.sign_in_logged(member)
    token, _ = api_token_create(actor=member, name="laptop")
    epoch = member.session_epoch
    request = _erasure_request(compliance_officer, org, member, subject_type="user")
    assert ("axes_accesslog", "username", support.MEMBER_EMAIL) in support.where_found(
        MEMBER_NEEDLES
    )

    subject_request_erase(actor=compliance_officer, request=request, confirm=True)

    assert support.where_found(MEMBER_NEEDLES) == []
    erased = User.objects.get(pk=member.pk)
    assert erased.full_name == "Erased user"
    assert erased.email == f"erased-{member.pk}@erased.invalid"
    assert not erased.is_active
    assert not erased.has_usable_password()
    assert erased.session_epoch == epoch + 1
    assert APIToken.objects.get(pk=token.pk).revoked_at is not None
    assert Notification.objects.get(recipient=member).title == "[erased]"
    event = AuditEvent.objects.get(action="subject_data.erased")
    assert event.data["api_tokens_revoked"] == 1
    assert event.data["fields"]["accounts.user"] == ["email", "full_name"]
    call_command("verify_audit_chain")


@pytest.mark.django_db
def test_the_export_of_a_member_holds_their_account_notifications_emails_and_submissions(
    org, org_member, compliance_officer
):
    member = org_member(OrgRole.MEMBER, full_name=support.MEMBER_NAME, email=support.MEMBER_EMAIL)
    support.member_everywhere(organization=org, member=member)
    request = _erasure_request(compliance_officer, org, member, subject_type="user", kind="access")
    data = subject_request_export(actor=compliance_officer, request=request)
    rows = {record["model"]: record["rows"] for record in data["records"] if record["rows"]}
    assert rows["accounts.user"][0]["full_name"] == support.MEMBER_NAME
    assert "password" not in rows["accounts.user"][0]
    assert rows["notifications.notification"][0]["title"] == f"Reminder for {support.MEMBER_NAME}"
    assert {row["recipient"] for row in rows["outbox.outboxmessage"]} >= {support.MEMBER_EMAIL}
    assert [row["title"] for row in rows["projects.usecaseproposal"]] == [
        "Summaries of claim files"
    ]
    assert rows["accounts.organizationmembership"][0]["role"] == "member"
    holding = _rows_holding([support.MEMBER_NAME, support.MEMBER_EMAIL])
    exported = {
        (record["model"], row["id"], name)
        for record in data["records"]
        for row in record["rows"]
        for name in record["personal_fields"]
    }
    assert holding <= exported


@pytest.mark.django_db
def test_the_only_administrator_is_not_erased(org, admin, compliance_officer):
    request = _erasure_request(compliance_officer, org, admin, subject_type="user")
    with pytest.raises(ConflictError) as error:
        subject_request_erase(actor=compliance_officer, request=request, confirm=True)
    assert error.value.message == ONLY_ADMIN
    assert User.objects.get(pk=admin.pk).is_active
    assert DataSubjectRequest.objects.get(pk=request.pk).is_open
