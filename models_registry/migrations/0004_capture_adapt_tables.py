"""Capture writes to the Adapt & align tables in the audit trail."""

from django.db import migrations

from audit.rowcapture import capture_tables

TABLES = {
    "models_registry_modelversion": (),
    "models_registry_prompttemplate": (),
    "models_registry_promptversion": (),
    "models_registry_dataset": (),
    "models_registry_finetunerun": (),
    "models_registry_evaluation": (),
    "models_registry_evaluationmetric": (),
}


class Migration(migrations.Migration):
    dependencies = [("models_registry", "0003_adapt_records")]

    operations = [capture_tables(TABLES)]
