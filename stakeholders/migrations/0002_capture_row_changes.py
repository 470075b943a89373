"""Capture writes to the stakeholders tables in the audit trail, without personal data.

Names, emails and notes of stakeholders, and the answers they give, never enter the trail.
"""

from django.db import migrations

from audit.rowcapture import capture_tables

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


class Migration(migrations.Migration):
    dependencies = [("stakeholders", "0001_initial"), ("audit", "0004_row_capture_sql")]

    operations = [capture_tables(TABLES)]
