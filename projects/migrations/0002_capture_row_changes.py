"""Capture every write to the projects tables in the audit trail (audit.rowcapture)."""

from django.db import migrations

from audit.rowcapture import capture_tables

TABLES = {"projects_project": ()}


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial"), ("audit", "0004_row_capture_sql")]

    operations = [capture_tables(TABLES)]
