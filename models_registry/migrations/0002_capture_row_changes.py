"""Capture writes to the Select phase's tables in the audit trail.

Nothing here is a stakeholder's personal data: reviewers are users, referenced by id.
"""

from django.db import migrations

from audit.rowcapture import capture_tables

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


class Migration(migrations.Migration):
    dependencies = [("models_registry", "0001_initial"), ("audit", "0004_row_capture_sql")]

    operations = [capture_tables(TABLES)]
