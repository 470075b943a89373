"""Capture every write to the Scope-phase tables in the audit trail (audit.rowcapture)."""

from django.db import migrations

from audit.rowcapture import install_capture, uninstall_capture

TABLES = {
    "projects_usecaseproposal": (),
    "projects_scopedocument": (),
    "projects_scopeversion": (),
    "projects_milestone": (),
    "projects_successcriterion": (),
    "projects_scopereviewcomment": (),
    "projects_feasibilitystudy": (),
    "projects_risk": (),
    "projects_task": (),
    "projects_gaterequest": (),
    "projects_gateapproval": (),
    "projects_phasechange": (),
}


def forward(apps, schema_editor):
    for table, ignore in TABLES.items():
        install_capture(schema_editor, table, ignore)


def reverse(apps, schema_editor):
    for table in TABLES:
        uninstall_capture(schema_editor, table)


class Migration(migrations.Migration):
    dependencies = [("projects", "0003_scope_phase")]

    operations = [migrations.RunPython(forward, reverse)]
