"""The hash chain: concurrent writers cannot fork it, and tampering is found."""

import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

from audit.models import AuditEvent
from audit.verify import verify_chain
from audit.writer import audit_record

WRITERS = 8
EVENTS_PER_WRITER = 15


@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_writers_keep_one_unbroken_chain(org, admin):
    """Each thread has its own database connection and transaction, as gunicorn workers do."""
    barrier = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def write(writer: int) -> None:
        try:
            barrier.wait()
            for n in range(EVENTS_PER_WRITER):
                audit_record(
                    actor=admin,
                    action="organization.renamed",
                    target=org,
                    data={"writer": writer, "n": n},
                )
        except BaseException as exc:  # reported to the main thread below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(w,)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    chain = AuditEvent.objects.filter(chain=str(org.pk))
    total = WRITERS * EVENTS_PER_WRITER
    assert chain.count() == total
    assert sorted(chain.values_list("sequence", flat=True)) == list(range(1, total + 1))
    report = verify_chain(str(org.pk))
    assert (report.ok, report.events) == (True, total)


def _tamper(event: AuditEvent, new_data: str) -> None:
    """Edit a row the way an attacker with table-owner rights could: triggers off."""
    with connection.cursor() as cursor:
        # replica mode skips ordinary triggers: what a superuser can do to hide an edit
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "UPDATE audit_auditevent SET data = %s::jsonb WHERE id = %s", [new_data, event.pk]
        )
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")


@pytest.mark.django_db
def test_verify_finds_a_row_edited_with_triggers_disabled(org, admin):
    events = [
        audit_record(actor=admin, action="organization.renamed", target=org, data={"n": n})
        for n in range(5)
    ]
    _tamper(events[2], '{"n": 99}')

    report = verify_chain(str(org.pk))

    assert report.ok is False
    assert report.broken_at == 3
    assert report.event_id == str(events[2].pk)
    assert "altered" in report.reason


@pytest.mark.django_db
def test_verify_command_reports_ok_then_the_first_broken_link(org, admin):
    events = [
        audit_record(actor=admin, action="organization.renamed", target=org) for _ in range(3)
    ]
    out = StringIO()
    call_command("verify_audit_chain", stdout=out)
    assert f"OK chain {org.pk}: 3 events" in out.getvalue()

    _tamper(events[1], '{"forged": true}')
    err = StringIO()
    with pytest.raises(CommandError, match="1 of 1 audit chain"):
        call_command("verify_audit_chain", stdout=StringIO(), stderr=err)
    assert f"BROKEN chain {org.pk} at sequence 2 (event {events[1].pk})" in err.getvalue()


@pytest.mark.django_db
def test_verify_finds_a_deleted_event_by_the_gap_it_leaves(org, admin):
    events = [
        audit_record(actor=admin, action="organization.renamed", target=org) for _ in range(4)
    ]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")

    report = verify_chain(str(org.pk))

    assert (report.ok, report.broken_at) == (False, 3)
    assert "sequence 3 found where 2 was expected" in report.reason


@pytest.mark.django_db
def test_chains_of_two_organisations_are_independent(org, other_org, admin, outsider):
    audit_record(actor=admin, action="organization.renamed", target=org)
    other = audit_record(actor=outsider, action="organization.renamed", target=other_org)

    assert (other.chain, other.sequence) == (str(other_org.pk), 1)
    assert verify_chain(str(org.pk)).ok
    assert verify_chain(str(other_org.pk)).ok
