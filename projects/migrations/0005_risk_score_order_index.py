"""The risk register's default order as an index, on PostgreSQL.

selectors.risk_list sorts a project's risks by likelihood × impact, highest first, unscored
last, then by reference. With this index PostgreSQL reads the first page in that order (an
index scan that stops after 50 rows) instead of scoring and sorting every risk of the project
on each request: 6.1 ms to 0.2 ms for a project of 2,000 risks (EXPLAIN ANALYZE,
docs/performance.md). The expression is exactly the ORDER BY Django writes, which the
planner needs to match it. SQLite refuses NULLS LAST in an index; it sorts as before.
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS risk_score_order ON projects_risk "
    "(project_id, (likelihood * impact) DESC NULLS LAST, reference)"
)
DROP = "DROP INDEX IF EXISTS risk_score_order"


def _on_postgresql(statement: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("projects", "0004_capture_scope_tables")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
