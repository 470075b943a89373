"""Make a table append-only in the database itself, for migrations: UPDATE and DELETE raise
in PostgreSQL and SQLite whatever the client; PostgreSQL also refuses TRUNCATE unless the
session sets `charter.allow_audit_truncate=on` (the test settings do, so pytest can empty
tables between tests). The same rule as the events' own triggers (audit migration 0002),
written once for every table added since."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def _postgres_forward(table: str, name: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {name}_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE'
       AND coalesce(current_setting('charter.allow_audit_truncate', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '{table} is append-only: % refused', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER {name}_no_update_delete
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {name}_refuse_change();
CREATE TRIGGER {name}_no_truncate
    BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION {name}_refuse_change();
"""


def _postgres_reverse(table: str, name: str) -> str:
    return f"""
DROP TRIGGER IF EXISTS {name}_no_truncate ON {table};
DROP TRIGGER IF EXISTS {name}_no_update_delete ON {table};
DROP FUNCTION IF EXISTS {name}_refuse_change();
"""


def _sqlite_forward(table: str, name: str) -> list[str]:
    return [
        f"""CREATE TRIGGER {name}_no_update BEFORE UPDATE ON {table}
       BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END;""",
        f"""CREATE TRIGGER {name}_no_delete BEFORE DELETE ON {table}
       BEGIN SELECT RAISE(ABORT, '{table} is append-only: DELETE refused'); END;""",
    ]


def _sqlite_reverse(table: str, name: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {name}_no_update;",
        f"DROP TRIGGER IF EXISTS {name}_no_delete;",
    ]


def append_only(table: str, *, name: str) -> migrations.RunPython:
    """The migration operation that makes `table` append-only; `name` prefixes its triggers
    and function (e.g. "audit_checkpoint")."""
    forward = {
        "postgresql": [_postgres_forward(table, name)],
        "sqlite": _sqlite_forward(table, name),
    }
    reverse = {
        "postgresql": [_postgres_reverse(table, name)],
        "sqlite": _sqlite_reverse(table, name),
    }

    def run(statements: dict[str, list[str]]) -> Any:
        def apply(apps: Any, schema_editor: Any) -> None:
            for sql in statements.get(schema_editor.connection.vendor, []):
                schema_editor.execute(sql, params=None)

        return apply

    return migrations.RunPython(run(forward), run(reverse))
