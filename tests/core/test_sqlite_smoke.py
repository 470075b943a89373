"""The smoke run on the embedded defaults: `make test` runs this file again on SQLite.

Written engine-agnostic, so the PostgreSQL run keeps it too; under a sqlite DATABASE_URL it
also proves that SQLite really was the engine.
"""

import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from accounts.models import User
from accounts.services import organization_create, user_register
from audit.models import AuditEvent
from projects.services import project_create

pytestmark = [pytest.mark.sqlite_smoke, pytest.mark.django_db]


def test_services_audit_trail_and_chain_on_the_configured_engine():
    if os.environ.get("DATABASE_URL", "").startswith("sqlite"):
        assert connection.vendor == "sqlite"
    founder = user_register(
        email="founder@smoke.example", password="smoke-test-passphrase", full_name="Founder"
    )
    org = organization_create(actor=founder, name="Smoke Test Ltd")
    project = project_create(
        actor=founder, organization=org, name="Smoke assistant", description="A first project."
    )

    actions = list(
        AuditEvent.objects.filter(organization=org)
        .order_by("sequence")
        .values_list("sequence", "action")
    )
    assert actions == [
        (1, "organization.created"),
        (2, "organization_membership.created"),
        (3, "project.created"),
        (4, "project_membership.created"),
    ]
    assert AuditEvent.objects.filter(project=project).count() == 2
    assert User.objects.get(pk=founder.pk).check_password("smoke-test-passphrase")

    event = AuditEvent.objects.filter(organization=org).first()
    assert event is not None
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == event.action

    out = StringIO()
    call_command("verify_audit_chain", stdout=out)
    assert f"OK chain {org.pk}: 4 events" in out.getvalue()
    assert "OK: 2 chain(s) verified" in out.getvalue()
