import pytest
from django.db import IntegrityError, connection, transaction

from audit.hashing import GENESIS_HASH
from audit.models import AuditEvent
from audit.verify import verify_chain
from audit.writer import audit_record

pytestmark = pytest.mark.django_db


def test_events_of_one_organisation_form_a_chain(org, admin):
    first = audit_record(actor=admin, action="organization.renamed", target=org)
    second = audit_record(actor=admin, action="organization.renamed", target=org)

    assert (first.chain, first.sequence, first.prev_hash) == (str(org.pk), 1, GENESIS_HASH)
    assert (second.sequence, second.prev_hash) == (2, first.hash)
    assert verify_chain(str(org.pk)).ok


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET action = 'forged'",
        "DELETE FROM audit_auditevent",
    ],
)
def test_database_refuses_update_and_delete_by_raw_sql(org, admin, statement):
    audit_record(actor=admin, action="organization.renamed", target=org)

    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)

    assert AuditEvent.objects.get().action == "organization.renamed"


def test_database_refuses_update_and_delete_through_the_orm(org, admin):
    event = audit_record(actor=admin, action="organization.renamed", target=org)

    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(IntegrityError), transaction.atomic():
        event.delete()

    assert AuditEvent.objects.filter(pk=event.pk, action="organization.renamed").exists()
