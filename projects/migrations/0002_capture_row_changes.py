"""Capture every write to the projects tables in the audit trail (audit.rowcapture)."""

from django.db import migrations

from audit.rowcapture import install_capture, uninstall_capture

TABLES = {"projects_project": ()}


def forward(apps, schema_editor):
    for table, ignore in TABLES.items():
        install_capture(schema_editor, table, ignore)


def reverse(apps, schema_editor):
    for table in TABLES:
        uninstall_capture(schema_editor, table)


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial"), ("audit", "0004_row_capture_sql")]

    operations = [migrations.RunPython(forward, reverse)]
