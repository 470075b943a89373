"""Two database roles: the runtime role adds to the audit trail and reads it, and nothing else;
no session, whatever it sets, may empty the audit tables."""

import uuid
from collections.abc import Iterator
from io import StringIO

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from psycopg import errors

from audit.models import AuditEvent, RowChange
from audit.roles import audit_tables
from audit.writer import audit_record

PASSWORD = "runtime-test-password"


def _truncate_saying_allowed(table: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks left
        cursor.execute("SET LOCAL charter.allow_audit_truncate = on")
        cursor.execute(f"TRUNCATE {table} CASCADE")


@pytest.mark.django_db
def test_no_session_setting_lets_the_audit_tables_be_truncated(org, admin):
    audit_record(actor=admin, action="organization.renamed", target=org)
    for table in audit_tables():
        with pytest.raises(Exception, match="append-only: TRUNCATE refused"):
            _truncate_saying_allowed(table)
    assert AuditEvent.objects.filter(chain=str(org.pk)).count() == 1


@pytest.fixture
def runtime_role() -> Iterator[str]:
    """A fresh login role of this test database, no superuser; dropped afterwards (roles
    belong to the whole server)."""
    role = f"charter_rt_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} LOGIN NOSUPERUSER PASSWORD %s", [PASSWORD])
    try:
        yield role
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")


def _connect(role: str) -> psycopg.Connection:
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        dbname=settings["NAME"],
        user=role,
        password=PASSWORD,
        autocommit=True,
    )


@pytest.mark.django_db(transaction=True)
def test_the_runtime_role_can_only_add_to_the_audit_trail(org, admin, runtime_role):
    out = StringIO()
    call_command("audit_grant_runtime_role", runtime_role, stdout=out)
    assert "SELECT and INSERT only" in out.getvalue()
    event = audit_record(actor=admin, action="organization.renamed", target=org)

    refused = [
        ("UPDATE audit_auditevent SET data = '{}'::jsonb WHERE id = %s", [event.pk]),
        ("DELETE FROM audit_auditevent WHERE id = %s", [event.pk]),
        ("TRUNCATE audit_auditevent CASCADE", None),
        ("ALTER TABLE audit_auditevent DISABLE TRIGGER ALL", None),
        ("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update_delete", None),
        ("SET session_replication_role = replica", None),
        ("DELETE FROM audit_auditcheckpoint", None),
        ("TRUNCATE audit_rowchange CASCADE", None),
        ("UPDATE audit_rowchange SET changes = '{}'::jsonb", None),
        ("DELETE FROM audit_rowseal", None),
    ]
    with _connect(runtime_role) as conn:
        for sql, params in refused:
            with pytest.raises(errors.InsufficientPrivilege):
                conn.execute(sql, params)
        # Reading the trail, and ordinary rights elsewhere, are kept.
        assert conn.execute("SELECT count(*) FROM audit_auditevent").fetchone() == (1,)
        conn.execute("UPDATE accounts_organization SET name = 'Acme Re' WHERE id = %s", [org.pk])
    assert AuditEvent.objects.get(pk=event.pk).hash == event.hash
    # The runtime role's own write to a governed table was captured all the same.
    assert RowChange.objects.filter(table_name="accounts_organization", row_id=str(org.pk))

    # The writer, running as the runtime role, still appends to the chain.
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {runtime_role}")
    try:
        second = audit_record(actor=admin, action="organization.renamed", target=org)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
    assert (second.chain, second.sequence, second.prev_hash) == (str(org.pk), 2, event.hash)


@pytest.mark.django_db
def test_the_grant_refuses_a_superuser_or_an_unknown_role():
    with pytest.raises(CommandError, match="superuser"):
        call_command("audit_grant_runtime_role", connection.settings_dict["USER"] or "postgres")
    with pytest.raises(CommandError, match="does not exist"):
        call_command("audit_grant_runtime_role", "charter_no_such_role")


@pytest.mark.django_db
def test_the_grant_prints_only_insert_and_select_for_the_audit_tables():
    out = StringIO()
    call_command("audit_grant_runtime_role", "charter_app", "--print", stdout=out)
    printed = out.getvalue()
    assert 'GRANT SELECT, INSERT ON "audit_auditcheckpoint", "audit_auditevent"' in printed
    assert "TRUNCATE" not in printed
