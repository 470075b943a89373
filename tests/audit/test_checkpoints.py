"""Signed checkpoints: each chain's head signed with the server's Ed25519 key, in the database
and in a file; verification holds every chain to its latest checkpoint, so the attacks a walk
of the chain alone lets through — the tail deleted, the chain emptied, the whole chain
recomputed — are reported."""

import json
from datetime import UTC, datetime
from io import StringIO

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core.management import CommandError, call_command

from audit import checkpoints, signing
from audit.hashing import compute_hash
from audit.models import AuditCheckpoint, AuditEvent
from audit.verify import verify_chains
from audit.writer import audit_record
from tests.audit.support import as_superuser, write_events

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def checkpoint_dir(settings, tmp_path):
    settings.CHARTER_AUDIT_CHECKPOINT_DIR = tmp_path
    return tmp_path


def _report(org):
    [report] = [r for r in verify_chains() if r.chain == str(org.pk)]
    return report


def test_a_checkpoint_signs_each_grown_head_once_and_lands_in_the_file_too(
    org, admin, checkpoint_dir
):
    events = write_events(org, admin, 3)
    [first] = checkpoints.checkpoints_write()
    assert (first.chain, first.sequence, first.head_hash) == (str(org.pk), 3, events[-1].hash)
    assert checkpoints.checkpoints_write() == []  # nothing grew: nothing new to sign
    write_events(org, admin, 1)
    [second] = checkpoints.checkpoints_write()
    assert second.sequence == 4

    # The signature verifies with nothing but the published public key and the message.
    public = Ed25519PublicKey.from_public_bytes(signing.public_key_bytes())
    public.verify(
        bytes.fromhex(second.signature),
        f"charter-audit-checkpoint:v1:{org.pk}:4:{second.head_hash}:"
        f"{second.taken_at.isoformat()}".encode(),
    )
    lines = (checkpoint_dir / "audit-checkpoints.jsonl").read_text().splitlines()
    assert [json.loads(line)["sequence"] for line in lines] == [3, 4]
    assert _report(org).ok
    assert _report(org).checkpoint == 4


def test_deleting_the_tail_after_a_checkpoint_is_reported(org, admin):
    events = write_events(org, admin, 5)
    checkpoints.checkpoints_write()
    as_superuser(
        ("DELETE FROM audit_auditevent WHERE id IN (%s, %s)", [events[3].pk, events[4].pk])
    )
    report = _report(org)
    assert not report.ok
    assert "ends at #3 but was signed at #5" in report.reason


def test_an_emptied_chain_is_still_verified_and_reported(org, admin):
    write_events(org, admin, 2)
    checkpoints.checkpoints_write()
    as_superuser(("DELETE FROM audit_auditevent WHERE chain = %s", [str(org.pk)]))
    report = _report(org)  # found by its checkpoint: no event is left to find it by
    assert (report.ok, report.events) == (False, 0)
    err = StringIO()
    with pytest.raises(CommandError, match="audit chain"):
        call_command("verify_audit_chain", stdout=StringIO(), stderr=err)
    assert f"BROKEN chain {org.pk}" in err.getvalue()


def test_a_chain_recomputed_from_an_edited_row_on_is_reported(org, admin):
    events = write_events(org, admin, 4)
    checkpoints.checkpoints_write()
    # The attacker edits event 2 and recomputes every hash after it, so the chain links up.
    rows = list(AuditEvent.objects.filter(chain=str(org.pk)).order_by("sequence"))
    rows[1].data = {"n": "forged"}
    statements = []
    prev = rows[0].hash
    for row in rows[1:]:
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
    assert events[1].pk == rows[1].pk
    report = _report(org)
    assert not report.ok
    assert "no longer has the hash signed" in report.reason
    assert "rewritten" in report.reason


def test_a_checkpoint_signed_with_another_key_is_refused(org, admin, settings):
    write_events(org, admin, 2)
    checkpoints.checkpoints_write()
    signing.private_key.cache_clear()
    settings.CHARTER_AUDIT_SIGNING_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
    try:
        report = _report(org)
    finally:
        signing.private_key.cache_clear()
    assert not report.ok
    assert "does not verify" in report.reason


def test_checkpoints_are_append_only(org, admin):
    write_events(org, admin, 1)
    [checkpoint] = checkpoints.checkpoints_write()
    with pytest.raises(Exception, match="append-only"):
        AuditCheckpoint.objects.filter(pk=checkpoint.pk).update(sequence=99)


def test_the_public_key_is_published_for_auditors(client):
    response = client.get("/.well-known/charter-audit-key.json")
    assert response.status_code == 200
    body = response.json()
    assert body["algorithm"] == "Ed25519"
    assert bytes.fromhex(body["public_key"]) == signing.public_key_bytes()
    assert body["key_id"] == signing.key_id()


def test_the_signed_message_names_every_field():
    at = datetime(2026, 12, 3, 7, 0, tzinfo=UTC)
    signed = checkpoints.message(chain="c", sequence=7, head_hash="ab", taken_at=at)
    assert signed == b"charter-audit-checkpoint:v1:c:7:ab:2026-12-03T07:00:00+00:00"


def test_the_api_lists_the_checkpoints_of_the_chains_one_reads(
    org, admin, other_org, outsider, compliance_officer, token_client
):
    write_events(org, admin, 2)
    audit_record(actor=outsider, action="organization.renamed", target=other_org)
    checkpoints.checkpoints_write()
    write_events(org, admin, 1)
    checkpoints.checkpoints_write()
    mine = token_client(compliance_officer)
    listed = mine.get("/api/v1/audit-checkpoints/").json()["results"]
    assert {(row["chain"], row["sequence"]) for row in listed} == {
        (str(org.pk), 2),
        (str(org.pk), 3),
    }
    latest = mine.get("/api/v1/audit-checkpoints/latest/").json()
    assert [(row["chain"], row["sequence"]) for row in latest] == [(str(org.pk), 3)]
    key = mine.get("/api/v1/audit-checkpoints/public-key/").json()
    assert key["public_key"] == signing.public_key_bytes().hex()
    assert checkpoints.public_key_document() == key
