"""Verification holds the trail to what must exist: one chain per organisation plus the system
chain, each reaching at least the head its latest signed checkpoint recorded. Every attack
below is done as the database's superuser with the triggers off, and each is reported by
`verify_audit_chain`, naming the chain."""

import json
import uuid
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.services import organization_create
from audit import checkpoints
from audit.hashing import GENESIS_HASH, compute_hash
from audit.models import AuditEvent
from audit.verify import verify_chains
from tests.audit.support import as_superuser, write_events
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def checkpoint_dir(settings, tmp_path):
    settings.CHARTER_AUDIT_CHECKPOINT_DIR = tmp_path
    return tmp_path


def _broken_line(chain) -> str:
    """The command's report of `chain`, which must be broken."""
    err = StringIO()
    with pytest.raises(CommandError, match="audit chain"):
        call_command("verify_audit_chain", stdout=StringIO(), stderr=err)
    lines = [
        line for line in err.getvalue().splitlines() if line.startswith(f"BROKEN chain {chain} ")
    ]
    assert lines, err.getvalue()
    return lines[0]


def _delete_from(org, first_sequence):
    as_superuser(
        (
            "DELETE FROM audit_auditevent WHERE chain = %s AND sequence >= %s",
            [str(org.pk), first_sequence],
        )
    )


def test_the_last_row_deleted_after_a_checkpoint_is_reported(org, admin):
    write_events(org, admin, 3)
    checkpoints.checkpoints_write()
    _delete_from(org, 3)
    assert "ends at #2 but was signed at #3" in _broken_line(org.pk)


def test_the_last_fifty_rows_deleted_after_a_checkpoint_are_reported(org, admin):
    write_events(org, admin, 60)
    checkpoints.checkpoints_write()
    _delete_from(org, 11)
    assert "ends at #10 but was signed at #60" in _broken_line(org.pk)


def test_an_organisations_whole_chain_deleted_before_any_checkpoint_is_reported(admin):
    org = organization_create(actor=admin, name="Initech")
    write_events(org, admin, 2)
    _delete_from(org, 1)
    assert AuditEvent.objects.filter(chain=str(org.pk)).count() == 0
    line = _broken_line(org.pk)
    assert f"organisation {org.pk} has no audit events: its chain is missing" in line


def test_an_organisation_without_events_counts_as_a_missing_chain(org, admin):
    write_events(org, admin, 1)
    silent = OrganizationFactory()  # written behind the services' back: no event at all
    [report] = [r for r in verify_chains() if r.chain == str(silent.pk)]
    assert (report.ok, report.events) == (False, 0)
    assert [r.chain for r in verify_chains() if not r.ok] == [str(silent.pk)]


def test_a_created_organisation_verifies(admin):
    org = organization_create(actor=admin, name="Initech")
    [report] = [r for r in verify_chains() if r.chain == str(org.pk)]
    assert report.ok
    assert report.events >= 1


def test_a_whole_chain_recomputed_with_new_hashes_is_reported(org, admin):
    write_events(org, admin, 4)
    checkpoints.checkpoints_write()
    rows = list(AuditEvent.objects.filter(chain=str(org.pk)).order_by("sequence"))
    prev = GENESIS_HASH
    statements = []
    for row in rows:
        row.data = {**row.data, "forged": True}
        row.prev_hash = prev
        row.hash = compute_hash(row)
        prev = row.hash
        statements.append(
            (
                "UPDATE audit_auditevent SET data = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [json.dumps(row.data), row.prev_hash, row.hash, row.pk],
            )
        )
    as_superuser(*statements)
    assert "no longer has the hash signed" in _broken_line(org.pk)


def _forge_after(last: AuditEvent, *, prev_hash: str | None = None) -> AuditEvent:
    forged = AuditEvent(
        id=uuid.uuid4(),
        chain=last.chain,
        sequence=last.sequence + 1,
        organization_id=last.organization_id,
        action="organization.renamed",
        target_type=last.target_type,
        target_id=last.target_id,
        data={"forged": True},
        prev_hash=prev_hash if prev_hash is not None else last.hash,
    )
    forged.hash = compute_hash(forged)
    forged.save(force_insert=True)
    return forged


def test_a_forged_last_row_that_does_not_link_up_is_reported(org, admin):
    events = write_events(org, admin, 3)
    _forge_after(events[-1], prev_hash="0" * 64)
    assert "at sequence 4" in _broken_line(org.pk)


def test_a_forged_row_in_place_of_the_signed_head_is_reported(org, admin):
    events = write_events(org, admin, 3)
    checkpoints.checkpoints_write()
    _delete_from(org, 3)
    _forge_after(events[1])  # links up, hashes right: only the signed head tells
    assert "no longer has the hash signed" in _broken_line(org.pk)


def test_a_chain_of_no_organisation_is_reported(org, admin):
    write_events(org, admin, 1)
    stray = AuditEvent(
        id=uuid.uuid4(),
        chain=str(uuid.uuid4()),
        sequence=1,
        action="organization.renamed",
        target_type="accounts.organization",
        target_id="0",
        prev_hash=GENESIS_HASH,
    )
    stray.hash = compute_hash(stray)
    stray.save(force_insert=True)
    assert "belongs to no organisation" in _broken_line(stray.chain)


def _drop_checkpoints(org):
    as_superuser(("DELETE FROM audit_auditcheckpoint WHERE chain = %s", [str(org.pk)]))


def test_a_tail_deleted_with_its_checkpoint_rows_is_caught_by_the_file_copy(org, admin):
    write_events(org, admin, 5)
    checkpoints.checkpoints_write()
    _delete_from(org, 4)
    _drop_checkpoints(org)
    assert "ends at #3 but was signed at #5" in _broken_line(org.pk)


def test_an_organisation_deleted_with_its_chain_and_checkpoints_is_caught_by_the_file_copy(
    admin,
):
    org = organization_create(actor=admin, name="Initech")
    checkpoints.checkpoints_write()
    _delete_from(org, 1)
    _drop_checkpoints(org)
    as_superuser(
        ("DELETE FROM accounts_organizationmembership WHERE organization_id = %s", [org.pk]),
        ("DELETE FROM accounts_organization WHERE id = %s", [org.pk]),
    )
    assert "ends at #0 but was signed at #" in _broken_line(org.pk)


def test_a_forged_line_in_the_file_copy_proves_nothing(org, admin, checkpoint_dir):
    write_events(org, admin, 2)
    checkpoints.checkpoints_write()
    forged = {
        "chain": str(org.pk),
        "sequence": 9,
        "head_hash": "a" * 64,
        "taken_at": "2026-12-03T07:00:00+00:00",
        "key_id": "x",
        "signature": "00",
    }
    with (checkpoint_dir / "audit-checkpoints.jsonl").open("a") as out:
        out.write(json.dumps(forged) + "\n")
        out.write("not json\n")
    [report] = [r for r in verify_chains() if r.chain == str(org.pk)]
    assert (report.ok, report.checkpoint) == (True, 2)
