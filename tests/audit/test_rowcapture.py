"""Row capture sees writes that bypass the services, and seals keep them tamper-evident."""

import pytest
from django.db import IntegrityError, connection, transaction

from accounts.models import Organization
from audit import actions, rowcapture
from audit.actions import AuditAction
from audit.models import AuditEvent, RowChange
from audit.rowcapture import audit_seal_row_changes, direct_writes, verify_seals
from projects.models import Project
from projects.services import project_update

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_bulk_update_is_captured_and_flagged_as_a_direct_write(project):
    Project.objects.filter(pk=project.pk).update(description="changed behind the services")

    change = RowChange.objects.filter(table_name="projects_project", operation="UPDATE").get()
    assert change.row_id == str(project.pk)
    assert change.changes == {
        "description": {
            "old": "A generative-AI assistant for claims handling.",
            "new": "changed behind the services",
        }
    }
    assert direct_writes().filter(pk=change.pk).exists()


def test_a_service_write_is_captured_and_explained_by_its_event(project, manager):
    project_update(actor=manager, project=project, description="Scoped to motor claims.")

    change = RowChange.objects.filter(table_name="projects_project", operation="UPDATE").get()
    assert set(change.changes) == {"description"}  # updated_at is ignored
    assert not direct_writes().filter(pk=change.pk).exists()


def test_raw_sql_is_captured_without_secrets_or_personal_data(admin):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_user SET is_staff = true, password = 'x', email = 'e@x.io' "
            "WHERE id = %s",
            [admin.pk],
        )

    change = RowChange.objects.filter(table_name="accounts_user", operation="UPDATE").get()
    assert change.changes == {"is_staff": {"old": False, "new": True}}


def test_a_change_of_ignored_columns_only_is_not_captured(admin):
    before = RowChange.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_user SET last_login = now() WHERE id = %s", [admin.pk])
    assert RowChange.objects.count() == before


def test_seal_covers_every_change_once_and_verifies(org):
    Organization.objects.filter(pk=org.pk).update(name="Renamed in bulk")
    pending = RowChange.objects.filter(seal__isnull=True).count()

    event = audit_seal_row_changes()

    assert event is not None
    assert event.data["count"] == pending
    assert audit_seal_row_changes() is None  # nothing left to seal
    report = verify_seals()
    assert (report.ok, report.sealed_rows, report.unsealed_rows) == (True, pending, 0)


def test_seals_stored_under_their_old_action_name_are_still_verified(org, monkeypatch):
    legacy = "audit.row_changes_sealed"
    monkeypatch.setitem(actions._registered, legacy, AuditAction)
    monkeypatch.setattr(rowcapture, "SEAL_ACTION", legacy)
    Organization.objects.filter(pk=org.pk).update(name="Sealed long ago")
    old_seal = audit_seal_row_changes()
    monkeypatch.undo()
    Organization.objects.filter(pk=org.pk).update(name="Sealed today")
    new_seal = audit_seal_row_changes()

    assert old_seal is not None
    assert new_seal is not None
    assert (old_seal.action, new_seal.action) == (legacy, "row_change.sealed")
    sealed = RowChange.objects.filter(seal__isnull=False).count()
    assert verify_seals() == rowcapture.SealReport(seals=2, sealed_rows=sealed, unsealed_rows=0)
    assert AuditEvent.objects.filter(pk=old_seal.pk).exists()


def test_editing_a_sealed_change_breaks_its_seal(org):
    Organization.objects.filter(pk=org.pk).update(name="Renamed in bulk")
    event = audit_seal_row_changes()
    assert event is not None
    change = RowChange.objects.filter(table_name="accounts_organization", operation="UPDATE").get()

    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            "UPDATE audit_rowchange SET changes = '{}'::jsonb WHERE id = %s", [change.pk]
        )
        cursor.execute("SET session_replication_role = DEFAULT")

    report = verify_seals()
    assert (report.ok, report.broken_seal) == (False, str(event.pk))


def test_captured_changes_are_append_only(org):
    Organization.objects.filter(pk=org.pk).update(name="Renamed in bulk")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        RowChange.objects.all().update(changes={})
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        RowChange.objects.all().delete()
