"""Capture writes to the compliance tables in the audit trail.

The catalogue tables are reference data loaded by `load_frameworks`; they are captured too, so
a catalogue changed by hand in the database shows as a direct write.
"""

from django.db import migrations

from audit.rowcapture import capture_tables

TABLES = {
    "compliance_framework": (),
    "compliance_requirement": (),
    "compliance_crosswalk": (),
    "compliance_frameworkdate": (),
    "compliance_organizationframework": (),
    "compliance_classification": (),
    "compliance_compliancecheck": (),
    "compliance_checkreview": (),
    "compliance_evidence": (),
    "compliance_checkevidence": (),
    "compliance_trainingrecord": (),
}


class Migration(migrations.Migration):
    dependencies = [("compliance", "0001_initial"), ("audit", "0004_row_capture_sql")]

    operations = [capture_tables(TABLES)]
