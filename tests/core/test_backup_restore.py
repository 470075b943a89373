"""The backup procedure of docs/deployment.md, for real: `pg_dump --format=custom` of a live
database, `pg_restore` into a fresh one, and `manage.py verify_audit_chain` passes there —
against the signed checkpoint taken before the backup. A restore that lost the newest events
does not pass."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from audit import checkpoints
from audit.writer import audit_record

ROOT = Path(__file__).resolve().parents[2]


def _postgres_env() -> dict[str, str]:
    db = connection.settings_dict
    env = {
        **os.environ,
        "PGHOST": db["HOST"] or "127.0.0.1",
        "PGPORT": str(db["PORT"] or 5432),
        "PGUSER": db["USER"] or "postgres",
    }
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _verify(database: str) -> subprocess.CompletedProcess[str]:
    """verify_audit_chain in a process of its own, on the restored database, with this
    server's signing key and checkpoint file."""
    env = _postgres_env()
    url = f"postgres://{env['PGUSER']}@{env['PGHOST']}:{env['PGPORT']}/{database}"
    if "PGPASSWORD" in env:
        url = url.replace("@", f":{env['PGPASSWORD']}@", 1)
    return subprocess.run(
        [sys.executable, "manage.py", "verify_audit_chain"],
        cwd=ROOT,
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "true",
            "DJANGO_SECRET_KEY": settings.SECRET_KEY,
            "CHARTER_AUDIT_SIGNING_KEY": settings.CHARTER_AUDIT_SIGNING_KEY,
            "CHARTER_AUDIT_CHECKPOINT_DIR": str(settings.CHARTER_AUDIT_CHECKPOINT_DIR),
            "DATABASE_URL": url,
            "REDIS_URL": "",
            "CELERY_BROKER_URL": "",
        },
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_verifies_and_a_truncated_one_does_not(org, admin, tmp_path):
    for n in range(6):
        audit_record(actor=admin, action="organization.renamed", target=org, data={"n": n})
    checkpoints.checkpoints_write()
    env = _postgres_env()
    dump = tmp_path / "charter.dump"
    subprocess.run(  # noqa: S603
        ["pg_dump", "--format=custom", "--file", str(dump), connection.settings_dict["NAME"]],  # noqa: S607
        env=env,
        check=True,
    )
    restored = f"charter_restore_{uuid.uuid4().hex[:10]}"
    subprocess.run(["createdb", restored], env=env, check=True)  # noqa: S603, S607
    try:
        subprocess.run(  # noqa: S603
            ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", restored, str(dump)],  # noqa: S607
            env=env,
            check=True,
        )
        good = _verify(restored)
        assert good.returncode == 0, good.stdout + good.stderr
        assert "OK" in good.stdout

        # A backup that lost the newest events (as a partial restore would) is told apart.
        with psycopg.connect(
            host=env["PGHOST"],
            port=int(env["PGPORT"]),
            user=env["PGUSER"],
            password=env.get("PGPASSWORD"),
            dbname=restored,
            autocommit=True,
        ) as restore:
            restore.execute("SET session_replication_role = replica")
            restore.execute(
                "DELETE FROM audit_auditevent WHERE chain = %s AND sequence > "
                "(SELECT max(sequence) - 2 FROM audit_auditevent WHERE chain = %s)",
                [str(org.pk), str(org.pk)],
            )
        bad = _verify(restored)
        assert bad.returncode != 0
        assert str(org.pk) in bad.stdout + bad.stderr
    finally:
        subprocess.run(["dropdb", "--if-exists", restored], env=env, check=False)  # noqa: S603, S607
