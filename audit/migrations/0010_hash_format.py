"""Events gain `hash_format`: the rows already written keep 1 (their hash covers Python's sorted
`json.dumps`), every event written from now on is 2 (RFC 8785, see audit/hashing.py).

On PostgreSQL, adding a column with a constant default rewrites no row, so the append-only
triggers (which refuse UPDATE) are not involved. SQLite rebuilds the table for these
operations and loses its triggers with the old table: the last operation puts them back.
"""

from django.db import migrations, models

from audit.append_only import reinstate_sqlite_triggers


class Migration(migrations.Migration):
    dependencies = [("audit", "0009_verifications")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="hash_format",
            field=models.PositiveSmallIntegerField(default=1, editable=False),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash_format",
            field=models.PositiveSmallIntegerField(default=2, editable=False),
        ),
        reinstate_sqlite_triggers("audit_auditevent", name="audit_event"),
    ]
