"""Install the row-capture trigger function and make the capture tables append-only."""

from django.db import migrations

from audit.rowcapture import APPEND_ONLY_SQL, CAPTURE_FUNCTION_SQL

TABLES = ("audit_rowchange", "audit_rowseal")


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CAPTURE_FUNCTION_SQL, params=None)
        for table in TABLES:
            schema_editor.execute(APPEND_ONLY_SQL.format(table=table), params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for table in TABLES:
            for op in ("UPDATE", "DELETE"):
                schema_editor.execute(
                    f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {op} refused'); END;",
                    params=None,
                )


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(
                f"DROP TRIGGER IF EXISTS {table}_no_update_delete ON {table};"
                f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};",
                params=None,
            )
        schema_editor.execute("DROP FUNCTION IF EXISTS audit_capture_row_change();", params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for table in TABLES:
            for op in ("update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{op};", params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_row_capture")]

    operations = [migrations.RunPython(forward, reverse)]
