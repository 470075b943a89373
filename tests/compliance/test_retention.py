"""Retention: the periods, the daily flag (a record just inside its period is not flagged,
one just past it is), the notification, and the confirmed erasure through the erasure
service."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import OrganizationMembership
from audit.models import AuditEvent
from compliance.retention import retention_past
from compliance.services.retention import (
    DAYS_POSITIVE,
    retention_erase,
    retention_flag_due,
    retention_rule_set,
)
from notifications import kinds
from notifications.models import Notification
from stakeholders.models import Answer, FeedbackResponse, Stakeholder
from tests.compliance import subjects_support as support

OrgRole = OrganizationMembership.Role
pytestmark = pytest.mark.django_db


def _age_response(subject, days, seconds=0):
    moment = timezone.now() - timedelta(days=days, seconds=seconds)
    FeedbackResponse.objects.filter(invite=subject.invite).update(submitted_at=moment)


def test_zero_or_negative_days_and_unknown_types_are_refused(org, admin):
    for days in (0, -1):
        with pytest.raises(ValidationError) as error:
            retention_rule_set(
                actor=admin, organization=org, record_type="feedback_answers", days=days
            )
        assert error.value.message_dict == {"days": [DAYS_POSITIVE]}
    with pytest.raises(ValidationError):
        retention_rule_set(actor=admin, organization=org, record_type="everything", days=3)


def test_a_member_sets_no_retention_period(org, org_member):
    with pytest.raises(PermissionDenied):
        retention_rule_set(
            actor=org_member(OrgRole.MEMBER),
            organization=org,
            record_type="feedback_answers",
            days=3,
        )


def test_an_answer_just_inside_its_period_is_kept_and_one_just_past_it_is_flagged(
    org, compliance_officer, project, manager
):
    subject = support.stakeholder_everywhere(manager=manager, project=project)
    rule = retention_rule_set(
        actor=compliance_officer, organization=org, record_type="feedback_answers", days=30
    )
    _age_response(subject, 30, seconds=-60)  # a minute inside the period
    assert retention_past(rule=rule).count() == 0
    assert retention_flag_due() == 0
    _age_response(subject, 30, seconds=60)  # a minute past it
    assert [a.text for a in retention_past(rule=rule)] == [support.ANSWER]


def test_the_daily_flag_tells_the_keepers_once_a_day_and_erases_nothing(
    org, admin, compliance_officer, project, manager
):
    subject = support.stakeholder_everywhere(manager=manager, project=project)
    retention_rule_set(
        actor=compliance_officer, organization=org, record_type="feedback_answers", days=30
    )
    _age_response(subject, 31)
    assert retention_flag_due() == 1
    assert retention_flag_due() == 1  # the same day again: nobody is told twice
    told = Notification.objects.filter(kind=kinds.RETENTION_DUE)
    assert {n.recipient for n in told} == {admin, compliance_officer}
    assert {n.title for n in told} == {"1 record past their retention period"}
    assert Answer.objects.filter(text=support.ANSWER).exists()


def test_the_confirmed_erasure_tombstones_what_is_past_and_a_second_run_finds_nothing(
    org, compliance_officer, project, manager
):
    subject = support.stakeholder_everywhere(manager=manager, project=project)
    rule = retention_rule_set(
        actor=compliance_officer, organization=org, record_type="feedback_answers", days=30
    )
    _age_response(subject, 31)
    with pytest.raises(ValidationError):
        retention_erase(actor=compliance_officer, rule=rule, confirm=False)
    assert retention_erase(actor=compliance_officer, rule=rule, confirm=True) == 1
    assert not Answer.objects.filter(text=support.ANSWER).exists()
    assert Answer.objects.filter(text="[erased]").count() == 1
    event = AuditEvent.objects.get(action="retention.erased")
    assert event.data["fields"] == {"stakeholders.answer": ["text"]}
    assert support.ANSWER not in str(event.data)
    assert retention_erase(actor=compliance_officer, rule=rule, confirm=True) == 0
    assert AuditEvent.objects.filter(action="retention.erased").count() == 1


def test_a_stakeholder_without_activity_is_erased_whole(org, compliance_officer, admin):
    from stakeholders import services as stakeholder_services

    idle = stakeholder_services.stakeholder_create(
        actor=admin, organization=org, name="Idle Person", email="idle@subject.test"
    )
    recent = stakeholder_services.stakeholder_create(
        actor=admin, organization=org, name="Busy Person", email="busy@subject.test"
    )
    Stakeholder.objects.filter(pk=idle.pk).update(updated_at=timezone.now() - timedelta(days=400))
    rule = retention_rule_set(
        actor=compliance_officer, organization=org, record_type="inactive_stakeholders", days=365
    )
    assert list(retention_past(rule=rule)) == [idle]
    assert retention_erase(actor=compliance_officer, rule=rule, confirm=True) == 1
    assert Stakeholder.objects.get(pk=idle.pk).name == "Erased stakeholder"
    assert Stakeholder.objects.get(pk=recent.pk).name == "Busy Person"
    assert retention_past(rule=rule).count() == 0
