"""No session may TRUNCATE the audit tables any more.

Until now the refusing trigger functions let a session that set
`charter.allow_audit_truncate=on` empty the tables — any session, the application's own
included, so whoever held the application's credentials could wipe the trail. The functions
are replaced by ones that refuse every UPDATE, DELETE and TRUNCATE (audit/append_only.py).
`audit_event_refuse_change` also guards audit_rowchange and audit_rowseal (migration 0004).
"""

from django.db import migrations

from audit.append_only import replace_refuse_function


def _with_exemption(table: str, name: str) -> str:
    # What 0002 and 0007 installed, put back if this migration is reversed.
    return f"""
CREATE OR REPLACE FUNCTION {name}_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE'
       AND coalesce(current_setting('charter.allow_audit_truncate', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '{table} is append-only: % refused', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0007_checkpoints")]

    operations = [
        replace_refuse_function(
            "audit_auditevent",
            name="audit_event",
            previous_sql=_with_exemption("audit_auditevent", "audit_event"),
        ),
        replace_refuse_function(
            "audit_auditcheckpoint",
            name="audit_checkpoint",
            previous_sql=_with_exemption("audit_auditcheckpoint", "audit_checkpoint"),
        ),
    ]
