"""Capture writes to the Select phase's tables in the audit trail.

Nothing here is a stakeholder's personal data: reviewers are users, referenced by id.
"""

from django.db import migrations

from audit.rowcapture import install_capture, uninstall_capture

TABLES = {
    "models_registry_vendor": (),
    "models_registry_vendorassessment": (),
    "models_registry_cataloguemodel": (),
    "models_registry_exchangerate": (),
    "models_registry_criterion": (),
    "models_registry_candidate": (),
    "models_registry_workload": (),
    "models_registry_scoresheet": (),
    "models_registry_score": (),
    "models_registry_decisionrecord": (),
    "models_registry_decisionapproval": (),
}


def forward(apps, schema_editor):
    for table, ignore in TABLES.items():
        install_capture(schema_editor, table, ignore)


def reverse(apps, schema_editor):
    for table in TABLES:
        uninstall_capture(schema_editor, table)


class Migration(migrations.Migration):
    dependencies = [("models_registry", "0001_initial"), ("audit", "0004_row_capture_sql")]

    operations = [migrations.RunPython(forward, reverse)]
