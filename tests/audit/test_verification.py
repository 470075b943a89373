"""Verification that scales and whose failures are kept: a chain is read in keyset pages of
plain values (a fixed number of queries per page, whatever its length), a walk may resume at
the latest signed checkpoint, a run may stop at a deadline, and every run's outcome is an
AuditVerification row that /healthz and the admin show."""

import json
import tracemalloc
import uuid
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from audit import checkpoints
from audit.hashing import GENESIS_HASH, compute_hash
from audit.models import AuditEvent, AuditVerification
from audit.rowcapture import direct_writes
from audit.verify import verify_and_record, verify_chain
from audit.writer import audit_record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def checkpoint_dir(settings, tmp_path):
    settings.CHARTER_AUDIT_CHECKPOINT_DIR = tmp_path


def _bulk_chain(org, n: int, *, start: int = 1, prev: str = GENESIS_HASH) -> str:
    """n well-formed events appended to `org`'s chain in one INSERT (what n writes would
    leave); returns the head's hash."""
    events = []
    now = timezone.now()
    for sequence in range(start, start + n):
        event = AuditEvent(
            id=uuid.uuid4(),
            chain=str(org.pk),
            sequence=sequence,
            occurred_at=now,
            organization_id=org.pk,
            action="organization.renamed",
            target_type="accounts.organization",
            target_id=str(org.pk),
            data={"n": sequence},
            prev_hash=prev,
        )
        event.hash = compute_hash(event)
        prev = event.hash
        events.append(event)
    AuditEvent.objects.bulk_create(events, batch_size=2000)
    return prev


def test_a_chain_is_read_in_keyset_pages(org, django_assert_num_queries):
    head = _bulk_chain(org, 5000)
    with django_assert_num_queries(6) as captured:  # five full pages, one empty
        report = verify_chain(str(org.pk), batch_size=1000)
    assert (report.ok, report.events, report.head_hash) == (True, 5000, head)
    first, second = captured.captured_queries[0]["sql"], captured.captured_queries[1]["sql"]
    assert '"sequence" > 0' in first
    assert '"sequence" > 1000' in second
    assert "ORDER BY" in second
    assert second.endswith("LIMIT 1000")
    assert "OFFSET" not in second


def test_memory_stays_flat_however_long_the_chain(org):
    def peak() -> int:
        tracemalloc.start()
        verify_chain(str(org.pk), batch_size=500)
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top

    head = _bulk_chain(org, 1000)
    short = peak()
    _bulk_chain(org, 5000, start=1001, prev=head)
    long = peak()
    assert long < short * 1.5  # six times the events, about the same memory


def test_a_walk_resumes_at_the_latest_checkpoint(org, admin, django_assert_num_queries):
    head = _bulk_chain(org, 3000)
    [checkpoint] = checkpoints.checkpoints_write()
    assert checkpoint.head_hash == head
    audit_record(actor=admin, action="organization.renamed", target=org)
    with django_assert_num_queries(2):  # the signed head, then one page after it
        report = verify_chain(str(org.pk), checkpoint=checkpoint, resume=True)
    assert (report.ok, report.events, report.resumed_from) == (True, 3001, 3000)
    out = StringIO()
    call_command("verify_audit_chain", "--resume", stdout=out)
    assert f"OK chain {org.pk}: 3001 events" in out.getvalue()
    assert "recomputed from #3000" in out.getvalue()


def test_a_resumed_walk_does_not_trust_a_rewritten_checkpoint_head(org, admin):
    _bulk_chain(org, 10)
    [checkpoint] = checkpoints.checkpoints_write()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "UPDATE audit_auditevent SET hash = %s WHERE chain = %s AND sequence = 10",
            ["f" * 64, str(org.pk)],
        )
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    report = verify_chain(str(org.pk), checkpoint=checkpoint, resume=True)
    assert (report.ok, report.resumed_from, report.broken_at) == (False, None, 10)


def test_a_timed_out_run_is_recorded_and_shown_on_healthz(org, client):
    _bulk_chain(org, 50)
    assert client.get("/healthz").json()["reports"]["audit_verification"] == {
        "ok": None,
        "detail": "never verified",
    }
    err = StringIO()
    with pytest.raises(CommandError, match=r"1 of 1 audit chain.*not verified"):
        call_command("verify_audit_chain", "--time-limit", "0", "--batch-size", "10", stderr=err)
    assert f"TIMED OUT chain {org.pk}" in err.getvalue()
    [row] = AuditVerification.objects.all()
    assert (row.chain, row.status) == (str(org.pk), AuditVerification.Status.TIMED_OUT)
    response = client.get("/healthz")
    assert response.status_code == 200  # it informs; it does not take the site out
    shown = response.json()["reports"]["audit_verification"]
    assert (shown["ok"], shown["chains"], shown["timed_out"], shown["broken"]) == (
        False,
        1,
        1,
        0,
    )


def test_a_broken_chain_is_recorded_listed_in_the_admin_and_on_healthz(org, admin, client):
    events = [audit_record(actor=admin, action="organization.renamed", target=org) for _ in "ab"]
    run, _ = verify_and_record()
    assert AuditVerification.objects.get(run=run).status == "ok"
    assert client.get("/healthz").json()["reports"]["audit_verification"]["ok"] is True
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "UPDATE audit_auditevent SET data = %s::jsonb WHERE id = %s",
            [json.dumps({"forged": True}), events[0].pk],
        )
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    run, [report] = verify_and_record()
    row = AuditVerification.objects.get(run=run)
    assert (row.status, row.checked_up_to, report.broken_at) == ("broken", 0, 1)
    assert "altered" in row.error
    assert client.get("/healthz").json()["reports"]["audit_verification"]["broken"] == 1

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    listed = client.get("/admin/audit/auditverification/?status=broken")
    assert listed.status_code == 200
    assert str(org.pk) in listed.content.decode()
    assert client.get(f"/admin/audit/auditverification/{row.pk}/delete/").status_code == 403
    with pytest.raises(Exception, match="append-only"):
        AuditVerification.objects.filter(pk=row.pk).update(status="ok")


def test_direct_writes_are_found_with_an_anti_join(org, admin):
    sql = str(direct_writes().query)
    assert "NOT EXISTS" in sql
    assert " NOT IN " not in sql.upper().replace("NOT EXISTS", "")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_organization SET name = 'Behind' WHERE id = %s", [org.pk])
    behind = direct_writes().filter(table_name="accounts_organization", row_id=str(org.pk))
    assert set(behind.values_list("operation", flat=True)) == {"INSERT", "UPDATE"}
    # An event of the same transaction explains it (this test is one transaction).
    audit_record(actor=admin, action="organization.renamed", target=org)
    assert behind.count() == 0
