"""A chain that fails verification is told to the organisation's administrators and compliance
officers, once per failure; a chain that verifies tells nobody."""

import pytest
from django.db import connection

from accounts.models import OrganizationMembership
from audit.models import AuditEvent
from audit.verify import verify_and_record
from audit.writer import audit_record
from notifications import kinds
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _events(org, admin, n):
    return [
        audit_record(actor=admin, action="organization.renamed", target=org, data={"n": i})
        for i in range(n)
    ]


def _edit_as_superuser(event):
    """What an attacker with the database's superuser does: triggers off, then SQL."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "UPDATE audit_auditevent SET data = %s WHERE id = %s", ['{"n": 99}', str(event.pk)]
        )
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def test_a_broken_chain_is_told_to_who_answers_for_the_trail_once(
    org, admin, compliance_officer, org_member
):
    member = org_member(OrganizationMembership.Role.MEMBER)
    events = _events(org, admin, 3)
    verify_and_record()
    assert not Notification.objects.filter(kind=kinds.AUDIT_VERIFICATION_FAILED).exists()

    _edit_as_superuser(events[1])
    verify_and_record()
    verify_and_record()  # tomorrow's run finds the same break: not news

    told = Notification.objects.filter(kind=kinds.AUDIT_VERIFICATION_FAILED)
    assert {n.recipient for n in told} == {admin, compliance_officer}
    assert member not in {n.recipient for n in told}
    [first] = told.filter(recipient=admin)
    assert first.organization == org
    assert first.title == f"Audit trail verification: broken at event #{events[1].sequence}"
    assert first.link == "/compliance/audit/"
    assert AuditEvent.objects.filter(pk=events[1].pk).exists()
