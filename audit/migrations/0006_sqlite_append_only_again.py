"""Put the SQLite append-only triggers of audit_auditevent back.

On SQLite, 0005's AlterField rebuilds the table (new table, copy, rename), and the rebuild
drops its triggers: from 0005 on, UPDATE and DELETE went through on the quickstart database.
PostgreSQL alters in place and kept its triggers. Any later AlterField on this table must
reinstate them the same way (the SQLite smoke test in tests/core fails otherwise).
"""

from django.db import migrations

SQLITE_TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only: UPDATE refused'); END;""",
    """CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only: DELETE refused'); END;""",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_TRIGGERS:
            schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_origin_default")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
