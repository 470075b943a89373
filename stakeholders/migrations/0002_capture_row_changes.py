"""Capture writes to the stakeholders tables in the audit trail, without personal data.

Names, emails and notes of stakeholders, and the answers they give, never enter the trail.
"""

from django.db import migrations

from audit.rowcapture import install_capture, uninstall_capture

TABLES = {
    "stakeholders_stakeholder": ("name", "email", "notes"),
    "stakeholders_projectstakeholder": (),
    "stakeholders_workshop": (),
    "stakeholders_workshopinvitation": (),
    "stakeholders_workshopdecision": (),
    "stakeholders_feedbackround": (),
    "stakeholders_question": (),
    "stakeholders_feedbackinvite": ("link_nonce",),
    "stakeholders_feedbackresponse": (),
    "stakeholders_answer": ("rating", "choices", "text"),
    "stakeholders_intakekey": ("key_hash", "last_used_at"),
    "stakeholders_productfeedback": ("comment",),
}


def forward(apps, schema_editor):
    for table, ignore in TABLES.items():
        install_capture(schema_editor, table, ignore)


def reverse(apps, schema_editor):
    for table in TABLES:
        uninstall_capture(schema_editor, table)


class Migration(migrations.Migration):
    dependencies = [("stakeholders", "0001_initial"), ("audit", "0004_row_capture_sql")]

    operations = [migrations.RunPython(forward, reverse)]
