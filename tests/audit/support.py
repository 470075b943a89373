"""What the audit tests share: a few events through the one writer, and SQL run as an
attacker with the database's superuser would (triggers off)."""

from django.db import connection

from audit.writer import audit_record


def write_events(org, admin, n):
    return [
        audit_record(actor=admin, action="organization.renamed", target=org, data={"n": i})
        for i in range(n)
    ]


def as_superuser(*statements):
    """What an attacker with the database's superuser does: triggers off, then SQL."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        for sql, params in statements:
            cursor.execute(sql, params)
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
