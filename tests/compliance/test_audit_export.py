"""Audit trail exports an outside auditor verifies offline: the compliance officer downloads
the signed JSON Lines file, the stand-alone verifier (standard library only, no Django) accepts
it, and each kind of tampering — a byte changed, a row removed, rows reordered, the manifest
edited, a chain rewritten since its checkpoint — is detected with the first bad line named."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

import audit.offline
from audit import checkpoints
from audit.exports import canonical
from audit.hashing import canonical_bytes, event_fields
from audit.models import AuditEvent
from audit.writer import audit_record

pytestmark = pytest.mark.django_db
VERIFIER = Path(audit.offline.__file__).with_name("verify_export.py")
EXPORT_URL = "/compliance/audit/export.jsonl"


@pytest.fixture(autouse=True)
def checkpoint_dir(settings, tmp_path):
    settings.CHARTER_AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"


@pytest.fixture
def trail(org, admin):
    for n in range(5):
        audit_record(
            actor=admin,
            action="organization.renamed",
            target=org,
            data={"n": n, "name": f"Org é {n}", "share": 0.25, "big": 12345678901234},
        )
    checkpoints.checkpoints_write()
    audit_record(actor=admin, action="organization.renamed", target=org, data={"after": True})


def _download(client, user, query=""):
    client.force_login(user)
    response = client.get(EXPORT_URL + query)
    assert response.status_code == 200, response.content[:300]
    return b"".join(response.streaming_content).decode()


def _verify_offline(path, *, isolated=True):
    """Run the verifier as an auditor would: -I -S is a bare interpreter, with no Django and
    no site-packages at all (so no `cryptography` either)."""
    flags = ["-I", "-S"] if isolated else ["-I"]
    return subprocess.run(  # noqa: S603 (our own script, on a file the test wrote)
        [sys.executable, *flags, str(VERIFIER), str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _write(tmp_path, text, name="export.jsonl"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_line_is_exactly_what_the_server_hashed(trail, org):
    for event in AuditEvent.objects.filter(chain=str(org.pk)):
        assert canonical(event_fields(event)).encode() == canonical_bytes(event_fields(event))


def test_a_compliance_officer_exports_and_the_bare_verifier_accepts_it(
    trail, org, compliance_officer, client, tmp_path
):
    text = _download(client, compliance_officer)
    lines = text.splitlines()
    manifest = json.loads(lines[-1])["manifest"]
    # the six renames, then the export's own event: the export reads after recording it
    assert (
        manifest["rows"] == len(lines) - 1 == AuditEvent.objects.filter(chain=str(org.pk)).count()
    )
    assert manifest["contiguous"] is True
    assert manifest["checkpoint"]["sequence"] == 5
    exported = AuditEvent.objects.filter(chain=str(org.pk), action="audit_trail.exported")
    assert exported.count() == 1
    bare = _verify_offline(_write(tmp_path, text))
    assert bare.returncode == 0, bare.stdout + bare.stderr
    assert "VERIFIED" in bare.stdout
    assert "NOT CHECKED" in bare.stdout  # no cryptography in a bare interpreter: it says so
    with_crypto = _verify_offline(_write(tmp_path, text), isolated=False)
    assert with_crypto.returncode == 0, with_crypto.stdout
    assert "manifest signature: verified" in with_crypto.stdout
    assert "passed through, signature verified" in with_crypto.stdout


@pytest.mark.parametrize("attack", ["byte", "removed", "reordered", "tail", "manifest"])
def test_tampering_is_detected_and_the_first_bad_line_named(
    trail, compliance_officer, client, tmp_path, attack
):
    lines = _download(client, compliance_officer).splitlines()
    rows, manifest_line = lines[:-1], lines[-1]
    if attack == "byte":
        rows[2] = rows[2].replace('"n":2', '"n":3')
    elif attack == "removed":
        del rows[2]
    elif attack == "reordered":
        rows[1], rows[2] = rows[2], rows[1]
    elif attack == "tail":
        rows = rows[:-1]
    else:
        manifest = json.loads(manifest_line)
        manifest["manifest"]["filters"] = {"action": "nothing to see"}
        manifest_line = json.dumps(manifest)
    result = _verify_offline(
        _write(tmp_path, "\n".join([*rows, manifest_line]) + "\n"), isolated=attack != "manifest"
    )
    assert result.returncode == 1, result.stdout
    assert "FAILED" in result.stdout
    expected = {
        "byte": "line 3",
        "removed": "line 3",
        "reordered": "line 2",
        "tail": "manifest",
        "manifest": "signature does not verify",
    }[attack]
    assert expected in result.stdout


def test_a_filtered_export_verifies_its_rows_without_claiming_the_links(
    trail, compliance_officer, client, tmp_path
):
    text = _download(client, compliance_officer, "?action=audit_trail")
    manifest = json.loads(text.splitlines()[-1])["manifest"]
    assert (manifest["contiguous"], manifest["filters"]) == (False, {"action": "audit_trail"})
    result = _verify_offline(_write(tmp_path, text))
    assert result.returncode == 0, result.stdout
    assert "links not contiguous" in result.stdout


def test_the_command_verifies_with_the_servers_own_key(trail, compliance_officer, client, tmp_path):
    path = _write(tmp_path, _download(client, compliance_officer))
    out = StringIO()
    call_command("verify_audit_export", str(path), stdout=out)
    assert "VERIFIED" in out.getvalue()
    path.write_text(path.read_text().replace('"n":1', '"n":9'))
    with pytest.raises(CommandError, match="line 2"):
        call_command("verify_audit_export", str(path), stdout=StringIO())


def test_only_those_who_read_the_whole_trail_export_it(trail, project, manager, client):
    client.force_login(manager)  # a project manager sees their projects' events, not the chain
    assert client.get(EXPORT_URL).status_code == 403


def test_a_bad_filter_is_a_clear_400_and_exports_nothing(trail, compliance_officer, client):
    client.force_login(compliance_officer)
    response = client.get(EXPORT_URL + "?actor=nobody")
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="audit_trail.exported").exists()


def test_the_verifier_script_is_served_to_signed_in_people(client, compliance_officer):
    client.force_login(compliance_officer)
    response = client.get("/compliance/audit/verify_export.py")
    assert response.status_code == 200
    assert b"def verify(" in b"".join(response.streaming_content)
