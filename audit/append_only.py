"""Make a table append-only in the database itself, for migrations: UPDATE and DELETE raise
in PostgreSQL and SQLite whatever the client; PostgreSQL also refuses TRUNCATE, with no
exemption for any session. Only a superuser gets past it (`session_replication_role =
replica` skips ordinary triggers; the test suite empties its tables that way, tests/conftest.py)
and only the table's owner can disable the triggers: the runtime role is neither
(`manage.py audit_grant_runtime_role`, docs/deployment.md). The same rule as the events' own
triggers (audit migrations 0002 and 0008), written once for every table added since."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def refuse_function_sql(table: str, name: str) -> str:
    """The trigger function `{name}_refuse_change()`: every UPDATE, DELETE and TRUNCATE
    raises, whatever the session has set."""
    return f"""
CREATE OR REPLACE FUNCTION {name}_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{table} is append-only: % refused', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
"""


def _postgres_forward(table: str, name: str) -> str:
    return (
        refuse_function_sql(table, name)
        + f"""
CREATE TRIGGER {name}_no_update_delete
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {name}_refuse_change();
CREATE TRIGGER {name}_no_truncate
    BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION {name}_refuse_change();
"""
    )


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


def replace_refuse_function(
    table: str, *, name: str, previous_sql: str | None = None
) -> migrations.RunPython:
    """The migration operation that replaces `{name}_refuse_change()` by the current one
    (its triggers stay); reversed, it puts `previous_sql` back if given (PostgreSQL only:
    SQLite's triggers never had an exemption)."""

    def forward(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(refuse_function_sql(table, name), params=None)

    def reverse(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql" and previous_sql:
            schema_editor.execute(previous_sql, params=None)

    return migrations.RunPython(forward, reverse)


def reinstate_sqlite_triggers(table: str, *, name: str) -> migrations.RunPython:
    """The migration operation that puts `table`'s SQLite triggers back after an operation that
    rebuilt the table there (SQLite's AddField and AlterField copy the table into a new one and
    drop the old one with its triggers; PostgreSQL alters in place). Idempotent."""

    def forward(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "sqlite":
            for sql in _sqlite_forward(table, name):
                create = sql.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS", 1)
                schema_editor.execute(create, params=None)

    return migrations.RunPython(forward, migrations.RunPython.noop)
