"""Data-subject requests: the Art. 12(3) deadline, the extension, the transitions, the
unknown subject, and who may handle them."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import OrganizationMembership
from audit.models import AuditEvent
from compliance.models import DataSubjectRequest
from compliance.services.subject_requests import (
    ALREADY_EXTENDED,
    UNKNOWN_SUBJECT,
    add_calendar_months,
    subject_request_complete,
    subject_request_extend,
    subject_request_record,
    subject_request_refuse,
    subject_request_start,
)
from core.errors import ConflictError
from stakeholders import services as stakeholder_services

OrgRole = OrganizationMembership.Role
Status = DataSubjectRequest.Status


def _at(year, month, day, hour=9):
    return datetime(year, month, day, hour, tzinfo=UTC)


@pytest.mark.parametrize(
    ("received", "months", "due"),
    [
        (_at(2027, 1, 31), 1, _at(2027, 2, 28)),  # a shorter month: its last day
        (_at(2028, 1, 31), 1, _at(2028, 2, 29)),  # a leap year
        (_at(2027, 1, 15), 1, _at(2027, 2, 15)),
        (_at(2027, 12, 31), 1, _at(2028, 1, 31)),  # across the year
        (_at(2027, 3, 31), 1, _at(2027, 4, 30)),
        (_at(2027, 2, 28), 2, _at(2027, 4, 28)),  # the extension: two further months
        (_at(2027, 11, 30), 2, _at(2028, 1, 30)),
    ],
)
def test_one_calendar_month_lands_on_the_same_day_or_the_months_last(received, months, due):
    assert add_calendar_months(received, months) == due


@pytest.fixture
def stakeholder(org, admin):
    return stakeholder_services.stakeholder_create(
        actor=admin, organization=org, name="Ada Subject", email="ada@subject.test"
    )


def _record(actor, org, subject, **extra):
    return subject_request_record(
        actor=actor,
        organization=org,
        kind=extra.pop("kind", "access"),
        subject_type=extra.pop("subject_type", "stakeholder"),
        subject_id=subject.pk,
        **extra,
    )


@pytest.mark.django_db
def test_a_request_received_on_31_january_is_due_on_the_last_day_of_february(
    org, compliance_officer, stakeholder
):
    received = _at(2024, 1, 31, 15)
    request = _record(compliance_officer, org, stakeholder, received_at=received)
    assert request.due_at == _at(2024, 2, 29, 15)
    assert request.owner == compliance_officer
    assert request.status == Status.RECEIVED
    event = AuditEvent.objects.get(action="subject_request.received")
    assert event.data["subject_id"] == str(stakeholder.pk)
    assert "Ada" not in str(event.data)
    assert request.is_overdue


@pytest.mark.django_db
def test_the_extension_adds_months_to_the_deadline_once_with_a_reason(
    org, compliance_officer, stakeholder
):
    request = _record(compliance_officer, org, stakeholder, received_at=_at(2026, 11, 30))
    assert request.due_at == _at(2026, 12, 30)
    with pytest.raises(ValidationError) as error:
        subject_request_extend(actor=compliance_officer, request=request, months=3, reason="")
    assert set(error.value.message_dict) == {"months", "reason"}
    extended = subject_request_extend(
        actor=compliance_officer, request=request, months=2, reason="Many systems to search"
    )
    assert extended.due_at == _at(2027, 2, 28)
    assert extended.extended_months == 2
    with pytest.raises(ConflictError) as conflict:
        subject_request_extend(actor=compliance_officer, request=request, months=1, reason="x")
    assert conflict.value.message == ALREADY_EXTENDED
    assert AuditEvent.objects.filter(action="subject_request.extended").count() == 1


@pytest.mark.django_db
def test_a_request_is_started_then_completed_and_then_closed_for_good(org, admin, stakeholder):
    request = _record(admin, org, stakeholder)
    assert subject_request_start(actor=admin, request=request).status == Status.IN_PROGRESS
    done = subject_request_complete(actor=admin, request=request)
    assert done.status == Status.COMPLETED
    assert done.closed_at is not None
    with pytest.raises(ConflictError):
        subject_request_refuse(actor=admin, request=request, reason="Manifestly unfounded")


@pytest.mark.django_db
def test_a_refusal_needs_its_reason(org, admin, stakeholder):
    request = _record(admin, org, stakeholder, kind="objection")
    with pytest.raises(ValidationError):
        subject_request_refuse(actor=admin, request=request, reason="  ")
    refused = subject_request_refuse(actor=admin, request=request, reason="Legitimate grounds")
    assert refused.status == Status.REFUSED
    assert refused.refusal_reason == "Legitimate grounds"


@pytest.mark.django_db
def test_an_erasure_request_is_not_completed_without_erasing(org, admin, stakeholder):
    request = _record(admin, org, stakeholder, kind="erasure")
    with pytest.raises(ValidationError):
        subject_request_complete(actor=admin, request=request)


@pytest.mark.django_db
def test_an_unknown_subject_and_another_organisations_are_the_same_field_error(
    org, other_org, admin, outsider
):
    theirs = stakeholder_services.stakeholder_create(
        actor=outsider, organization=other_org, name="Not Yours", email="not@yours.test"
    )
    for subject_type, subject_id in [
        ("stakeholder", theirs.pk),
        ("user", outsider.pk),
        ("stakeholder", "not-a-uuid"),
        ("user", "00000000-0000-0000-0000-000000000000"),
    ]:
        with pytest.raises(ValidationError) as error:
            subject_request_record(
                actor=admin,
                organization=org,
                kind="access",
                subject_type=subject_type,
                subject_id=subject_id,
            )
        assert error.value.message_dict == {"subject_id": [UNKNOWN_SUBJECT]}
    assert not DataSubjectRequest.objects.exists()


@pytest.mark.django_db
def test_a_request_received_in_the_future_or_owned_by_a_member_is_refused(
    org, admin, org_member, stakeholder
):
    with pytest.raises(ValidationError) as error:
        _record(admin, org, stakeholder, received_at=timezone.now() + timedelta(days=1))
    assert "received_at" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _record(admin, org, stakeholder, owner=org_member(OrgRole.MEMBER))
    assert "owner" in error.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"),
    [(OrgRole.ADMIN, True), (OrgRole.COMPLIANCE_OFFICER, True), (OrgRole.MEMBER, False)],
)
def test_only_administrators_and_compliance_officers_record_requests(
    org, org_member, stakeholder, role, allowed
):
    person = org_member(role)
    if allowed:
        assert _record(person, org, stakeholder).owner == person
    else:
        with pytest.raises(PermissionDenied):
            _record(person, org, stakeholder)
        assert not AuditEvent.objects.filter(action="subject_request.received").exists()
