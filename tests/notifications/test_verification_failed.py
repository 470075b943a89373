"""A chain that fails verification is told to the organisation's administrators and compliance
officers, once per failure; a chain that verifies tells nobody."""

import pytest

from accounts.models import OrganizationMembership
from audit.models import AuditEvent
from audit.verify import verify_and_record
from notifications import kinds
from notifications.models import Notification
from tests.audit.support import as_superuser, write_events

pytestmark = pytest.mark.django_db


def test_a_broken_chain_is_told_to_who_answers_for_the_trail_once(
    org, admin, compliance_officer, org_member
):
    member = org_member(OrganizationMembership.Role.MEMBER)
    written = write_events(org, admin, 3)
    verify_and_record()
    assert not Notification.objects.filter(kind=kinds.AUDIT_VERIFICATION_FAILED).exists()

    as_superuser(
        ("UPDATE audit_auditevent SET data = %s WHERE id = %s", ['{"n": 99}', str(written[1].pk)])
    )
    verify_and_record()
    verify_and_record()  # tomorrow's run finds the same break: not news

    told = Notification.objects.filter(kind=kinds.AUDIT_VERIFICATION_FAILED)
    assert {n.recipient for n in told} == {admin, compliance_officer}
    assert member not in {n.recipient for n in told}
    [first] = told.filter(recipient=admin)
    assert first.organization == org
    assert first.title == f"Audit trail verification: broken at event #{written[1].sequence}"
    assert first.link == "/compliance/audit/"
    assert AuditEvent.objects.filter(pk=written[1].pk).exists()
