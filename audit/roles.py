"""The runtime role's rights: normal rights on every table, only INSERT and SELECT on the
audit's own tables.

Two PostgreSQL roles run Charter. The migrator owns the schema: it runs `migrate`, and as the
tables' owner it could disable their triggers, so the web and the worker never use it. The
runtime role (web, worker, beat) reads and writes every table, but on the audit tables
(events, checkpoints, captured row changes and their seals, verification records) it may only
add rows and read them: no UPDATE, DELETE or TRUNCATE — the privilege is missing, before any
trigger is asked — no `ALTER TABLE … DISABLE TRIGGER` (owner only) and no
`session_replication_role` (superuser only). `manage.py audit_grant_runtime_role ROLE` applies
this, run by the migrator after every migrate (docs/deployment.md).
"""

from __future__ import annotations

from django.apps import apps
from django.db import connection, transaction


class RoleRefusedError(Exception):
    """The role may not be the runtime role: it could get past the audit's triggers."""


def audit_tables() -> list[str]:
    """Every table of the audit app's models."""
    return sorted(model._meta.db_table for model in apps.get_app_config("audit").get_models())


def grant_statements(role: str) -> list[str]:
    """The SQL that gives `role` the runtime rights in the current schema, idempotently:
    whatever it had on the tables before is revoked first, in the same transaction."""
    quote = connection.ops.quote_name
    who = quote(role)
    audit = ", ".join(quote(table) for table in audit_tables())
    schema = quote(_schema())
    return [
        f"GRANT USAGE ON SCHEMA {schema} TO {who}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {who}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {who}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {who}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {who}",
        f"REVOKE ALL ON {audit} FROM {who}",
        f"GRANT SELECT, INSERT ON {audit} TO {who}",
    ]


def _schema() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        row = cursor.fetchone()
    if row is None or row[0] is None:
        raise RoleRefusedError("no current schema")
    return str(row[0])


def check_role(role: str) -> None:
    """Refuse a role that could get past the triggers anyway: a superuser, a role that does
    not exist, or one that owns an audit table or is a member of its owner."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
        row = cursor.fetchone()
        if row is None:
            raise RoleRefusedError(f"role {role!r} does not exist")
        if row[0]:
            raise RoleRefusedError(f"role {role!r} is a superuser: it can switch the triggers off")
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relname = ANY(%s) "
            "AND pg_has_role(%s, c.relowner, 'USAGE') ORDER BY c.relname",
            [audit_tables(), role],
        )
        owned = [name for (name,) in cursor.fetchall()]
    if owned:
        raise RoleRefusedError(
            f"role {role!r} owns (or inherits the owner of) {', '.join(owned)}: "
            "an owner can disable the triggers; use a role of its own for the application"
        )


def grant_runtime_role(role: str) -> list[str]:
    """Check `role`, then give it the runtime rights; returns the statements run."""
    if connection.vendor != "postgresql":
        raise RoleRefusedError("database roles need PostgreSQL")
    check_role(role)
    statements = grant_statements(role)
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
    return statements
