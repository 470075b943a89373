"""Row-level capture: every write to a governed table lands in `audit_rowchange`.

Services write the *semantic* events ("gate approved", "invitation sent") through
`audit_record`. Writes that bypass services — a bulk `QuerySet.update()`, raw SQL, a psql
session — are still seen here, by a PostgreSQL trigger on each governed table. Each app
installs the trigger on its own tables from a migration with `install_capture`.

Captured rows are folded into the system hash chain by `audit_seal_row_changes` (beat, every
minute): one chained event per batch carries the batch's count and SHA-256, and RowSeal rows
say which changes it covers. A row change whose transaction wrote no semantic event is a
*direct write*: `direct_writes()` lists them for review.

SQLite (the quickstart) has no row capture: it is for trying Charter, not for production.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps as django_apps
from django.db import connection, migrations, transaction
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import Exists, OuterRef, QuerySet

from audit.actions import AuditAction
from audit.models import SYSTEM_CHAIN, AuditEvent, RowChange, RowSeal
from audit.personal import off_the_trail
from audit.writer import audit_record, lock_chain
from core.actors import SYSTEM

SEAL_ACTION = AuditAction.ROW_CHANGE_SEALED
# Seals written before the actions were renamed keep their name and are still verified.
SEAL_ACTIONS = (SEAL_ACTION, "audit.row_changes_sealed")
ALWAYS_IGNORED = ("updated_at",)  # bookkeeping, changes with every save

CAPTURE_FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION audit_capture_row_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
    new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
    changed jsonb := '{}'::jsonb;
    column_name text;
BEGIN
    IF TG_NARGS > 0 THEN
        old_row := old_row - TG_ARGV;
        new_row := new_row - TG_ARGV;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        FOR column_name IN SELECT jsonb_object_keys(new_row) LOOP
            IF new_row -> column_name IS DISTINCT FROM old_row -> column_name THEN
                changed := changed || jsonb_build_object(
                    column_name,
                    jsonb_build_object('old', old_row -> column_name, 'new', new_row -> column_name)
                );
            END IF;
        END LOOP;
        IF changed = '{}'::jsonb THEN
            RETURN NULL;  -- only ignored columns changed (timestamps, password hashes)
        END IF;
    ELSIF TG_OP = 'INSERT' THEN
        changed := jsonb_build_object('new', new_row);
    ELSE
        changed := jsonb_build_object('old', old_row);
    END IF;
    INSERT INTO audit_rowchange
        (occurred_at, transaction_id, table_name, row_id, operation, changes)
    VALUES (
        clock_timestamp(), txid_current(), TG_TABLE_NAME,
        coalesce(new_row ->> 'id', old_row ->> 'id', ''), TG_OP, changed
    );
    RETURN NULL;
END;
$$;
"""

APPEND_ONLY_SQL = """
CREATE TRIGGER {table}_no_update_delete
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change();
CREATE TRIGGER {table}_no_truncate
    BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_change();
"""


def _quote_literal(value: str) -> str:
    if not value.replace("_", "").isalnum():
        raise ValueError(f"unexpected identifier {value!r}")
    return f"'{value}'"


def install_capture(
    schema_editor: BaseDatabaseSchemaEditor, table: str, ignore: Sequence[str] = ()
) -> None:
    """Attach the capture trigger to `table` (PostgreSQL only). For use in RunPython."""
    if schema_editor.connection.vendor != "postgresql":
        return
    columns = ", ".join(_quote_literal(c) for c in (*ALWAYS_IGNORED, *ignore))
    schema_editor.execute(
        f"CREATE TRIGGER {table}_capture AFTER INSERT OR UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION audit_capture_row_change({columns});",
        params=None,
    )


def uninstall_capture(schema_editor: BaseDatabaseSchemaEditor, table: str) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_capture ON {table};", params=None)


def capture_tables(tables: Mapping[str, Sequence[str]]) -> migrations.RunPython:
    """The migration operation that captures writes to `tables` (name → columns whose changes
    alone are not worth an entry) and, reversed, stops capturing them."""

    def forward(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
        for table, ignore in tables.items():
            install_capture(schema_editor, table, ignore)

    def reverse(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
        for table in tables:
            uninstall_capture(schema_editor, table)

    return migrations.RunPython(forward, reverse)


def capture_models(labels: Sequence[str]) -> migrations.RunPython:
    """capture_tables for models ("app.Model"), each ignoring the fields its declaration keeps
    off the trail (audit/personal.py: personal and excluded fields). The declaration is read
    from the model as it is when the migration runs (a migration's historical models do not
    carry it); `declared_ignored_columns` gives the same list to the test that holds the
    installed triggers to the declarations."""

    def forward(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
        for label in labels:
            table, ignore = declared_ignored_columns(label)
            uninstall_capture(schema_editor, table)
            install_capture(schema_editor, table, ignore)

    def reverse(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
        for label in labels:
            uninstall_capture(schema_editor, declared_ignored_columns(label)[0])

    return migrations.RunPython(forward, reverse)


def declared_ignored_columns(label: str) -> tuple[str, tuple[str, ...]]:
    """The table of model `label` and the columns its capture trigger must leave out."""
    model = django_apps.get_model(label)
    columns = tuple(model._meta.get_field(name).column for name in off_the_trail(model))
    return model._meta.db_table, columns


# --- sealing ------------------------------------------------------------------------------------


def row_changes_digest(rows: Iterable[RowChange]) -> str:
    """SHA-256 over the canonical JSON of row changes, in id order."""
    canonical = [
        [
            row.id,
            row.occurred_at.isoformat(),
            row.transaction_id,
            row.table_name,
            row.row_id,
            row.operation,
            row.changes,
        ]
        for row in rows
    ]
    payload = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@transaction.atomic
def audit_seal_row_changes(*, limit: int = 5000) -> AuditEvent | None:
    """Fold committed, unsealed row changes into the system chain; None if there were none.

    Seals are recorded per row (RowSeal), not as id ranges, so a change whose transaction
    commits after a later one was sealed is simply sealed by the next run, never skipped.
    """
    if connection.vendor != "postgresql":
        return None
    lock_chain(SYSTEM_CHAIN)  # one sealer at a time; audit_record takes the same lock again
    rows = list(RowChange.objects.filter(seal__isnull=True).order_by("id")[:limit])
    if not rows:
        return None
    event = audit_record(
        actor=SYSTEM,
        action=SEAL_ACTION,
        target_type="audit.rowchange",
        target_id=f"{rows[0].id}-{rows[-1].id}",
        data={
            "count": len(rows),
            "first_id": rows[0].id,
            "last_id": rows[-1].id,
            "digest": row_changes_digest(rows),
        },
    )
    RowSeal.objects.bulk_create([RowSeal(row_change=row, event=event) for row in rows])
    return event


@dataclass(frozen=True)
class SealReport:
    seals: int
    sealed_rows: int
    unsealed_rows: int
    broken_seal: str | None = None  # id of the first seal event whose rows no longer match
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seal is None


def verify_seals() -> SealReport:
    """Recompute each seal's count and digest from the rows it covers."""
    seals = AuditEvent.objects.filter(chain=SYSTEM_CHAIN, action__in=SEAL_ACTIONS).order_by(
        "sequence"
    )
    sealed_rows = 0
    count = 0
    for event in seals.iterator():
        count += 1
        rows = list(RowChange.objects.filter(seal__event=event).order_by("id"))
        sealed_rows += len(rows)
        if len(rows) != event.data.get("count"):
            reason = f"{event.data.get('count')} rows sealed, {len(rows)} found"
            return SealReport(count, sealed_rows, 0, str(event.id), reason)
        if row_changes_digest(rows) != event.data.get("digest"):
            reason = "sealed row changes were altered"
            return SealReport(count, sealed_rows, 0, str(event.id), reason)
    unsealed = RowChange.objects.filter(seal__isnull=True).count()
    return SealReport(count, sealed_rows, unsealed)


def direct_writes() -> QuerySet[RowChange]:
    """Row changes whose transaction recorded no semantic audit event: writes that bypassed
    the services (bulk updates, raw SQL, database sessions)."""
    # An anti-join (NOT EXISTS on the indexed transaction_id), not NOT IN over every event's
    # transaction: PostgreSQL plans NOT IN (subquery) as a hashed subplan of all of them, or
    # worse, and it would be wrong if a NULL slipped in.
    explained = AuditEvent.objects.filter(transaction_id=OuterRef("transaction_id"))
    return RowChange.objects.filter(~Exists(explained))
