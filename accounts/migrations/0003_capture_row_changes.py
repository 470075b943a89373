"""Capture every write to the accounts tables in the audit trail (audit.rowcapture)."""

from django.db import migrations

from audit.rowcapture import capture_tables

# Secrets, per-request bookkeeping and personal data never enter the trail: a person's
# rows are referenced by id, so erasing them cannot break the chain.
TABLES = {
    "accounts_user": ("password", "last_login", "email", "full_name"),
    "accounts_organization": (),
    "accounts_organizationmembership": (),
    "accounts_projectmembership": (),
    "accounts_invitation": ("token_hash", "email"),
    "accounts_apitoken": ("key_hash", "last_used_at"),
}


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial"), ("audit", "0004_row_capture_sql")]

    operations = [capture_tables(TABLES)]
