"""Capture every write to the Scope-phase tables in the audit trail (audit.rowcapture)."""

from django.db import migrations

from audit.rowcapture import capture_tables

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


class Migration(migrations.Migration):
    dependencies = [("projects", "0003_scope_phase")]

    operations = [capture_tables(TABLES)]
