"""Exports of any filtered view of the trail: CSV (neutralised, verifiable offline like the
JSON Lines file), PDF, filters and their bad values, each export on the trail, large exports
queued for a real worker, and the API (filters, exports, verify)."""

import csv
import hashlib
import io
import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

import audit.offline
from audit import checkpoints
from audit.exports import CSV_COLUMNS, CSV_MANIFEST_MARK, ExportWriter
from audit.hashing import GENESIS_HASH, compute_hash
from audit.models import AuditEvent
from audit.writer import audit_record
from compliance.models import AuditExport
from config.celery import app

pytestmark = pytest.mark.django_db
VERIFIER = Path(audit.offline.__file__).with_name("verify_export.py")
CSV_URL = "/compliance/audit/export.csv"
JSONL_URL = "/compliance/audit/export.jsonl"
PDF_URL = "/compliance/audit/export.pdf"
QUEUE_URL = "/compliance/audit/exports/"


@pytest.fixture(autouse=True)
def folders(settings, tmp_path):
    settings.CHARTER_AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    settings.CHARTER_AUDIT_EXPORT_DIR = tmp_path / "exports"


@pytest.fixture
def trail(org, admin, project):
    for n in range(4):
        audit_record(
            actor=admin, action="organization.renamed", target=org, data={"n": n, "x": "=1+1"}
        )
    audit_record(actor=admin, action="project.updated", target=project, project=project)
    checkpoints.checkpoints_write()
    audit_record(actor=admin, action="organization.renamed", target=org, data={"n": 9})


def _get(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    body = response.streaming_content if response.streaming else [response.content]
    return b"".join(body)


def _verify(path, *, isolated=True):
    """The verifier as an auditor runs it: -I -S, no Django, no site-packages."""
    flags = ["-I", "-S"] if isolated else ["-I"]
    return subprocess.run(  # noqa: S603 (our own script, on a file the test wrote)
        [sys.executable, *flags, str(VERIFIER), str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _verify_with_cryptography_only(path, tmp_path):
    """A bare interpreter (-I -S: no site-packages, so no Django) given only the
    `cryptography` package and what it needs, as an auditor who installed just that."""
    import cryptography

    site = Path(cryptography.__file__).parent.parent
    only = tmp_path / "only-cryptography"
    only.mkdir(exist_ok=True)
    for name in (
        "cryptography",
        "cffi",
        "pycparser",
        *(p.name for p in site.glob("_cffi_backend*")),
    ):
        if not (only / name).exists():
            (only / name).symlink_to(site / name)
    script = (
        "import sys, runpy; sys.path.insert(0, sys.argv[1]);"
        "assert __import__('importlib').util.find_spec('django') is None;"
        "sys.argv = [sys.argv[2], sys.argv[3]]; runpy.run_path(sys.argv[0], run_name='__main__')"
    )
    return subprocess.run(  # noqa: S603 (our own script, on a file the test wrote)
        [sys.executable, "-I", "-S", "-c", script, str(only), str(VERIFIER), str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _rows(text):
    return list(csv.reader(io.StringIO(text, newline="")))


def _csv_text(rows):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def test_a_csv_export_carries_the_rows_and_manifest_and_the_bare_verifier_accepts_it(
    trail, org, compliance_officer, client, tmp_path
):
    text = _get(client, compliance_officer, CSV_URL).decode()
    table = _rows(text)
    assert tuple(table[0]) == CSV_COLUMNS
    assert table[-1][0] == CSV_MANIFEST_MARK
    manifest = json.loads(table[-1][1])
    events = list(AuditEvent.objects.filter(chain=str(org.pk)).order_by("sequence"))
    # every event of the chain, the export's own included (recorded before the rows are read)
    assert manifest["rows"] == len(table) - 2 == len(events)
    assert events[-1].action == "audit_trail.exported"
    assert events[-1].data == {"filters": {}, "format": "csv"}
    assert (manifest["rows_format"], manifest["contiguous"]) == ("csv", True)
    assert manifest["first"] == {
        "id": str(events[0].id),
        "sequence": 1,
        "prev_hash": events[0].prev_hash,
    }
    assert manifest["last"] == {
        "id": str(events[-1].id),
        "sequence": events[-1].sequence,
        "hash": events[-1].hash,
    }
    assert manifest["checkpoint"]["sequence"] == 5
    assert len(manifest["signature"]) == 128
    first = dict(zip(table[0], table[1], strict=True))
    assert (first["sequence"], first["action"], first["hash"]) == (
        "1",
        "organization.renamed",
        events[0].hash,
    )
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8", newline="")
    bare = _verify(path)
    assert bare.returncode == 0, bare.stdout + bare.stderr
    assert "VERIFIED" in bare.stdout
    assert f"{len(events)} rows: every hash recomputed, every link checked" in bare.stdout
    signed = _verify_with_cryptography_only(path, tmp_path)
    assert signed.returncode == 0, signed.stdout + signed.stderr
    assert "manifest signature: verified" in signed.stdout, signed.stdout


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised_and_still_verify(org, tmp_path):
    # An event as it would stand in the chain, with formula starts in its readable columns
    # (built in memory: no registered action starts with "=").
    event = AuditEvent(
        chain=str(org.pk),
        sequence=1,
        organization=org,
        action="=HYPERLINK(1)",
        target_type="-cmd",
        target_id="@SUM(A1)",
        data={"q": "+1"},
        prev_hash=GENESIS_HASH,
    )
    event.hash = compute_hash(event)
    writer = ExportWriter(
        chain=str(org.pk), filters={}, checkpoint=None, contiguous=True, rows_format="csv"
    )
    text = "".join(writer.csv_lines([event]))
    row = dict(zip(*_rows(text)[:2], strict=True))
    assert (row["action"], row["target_type"], row["target_id"]) == (
        "'=HYPERLINK(1)",
        "'-cmd",
        "'@SUM(A1)",
    )
    assert row["canonical"].startswith("{")  # JSON: nothing to neutralise, the hash holds
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8", newline="")
    result = _verify(path)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize(
    "attack", ["byte", "column", "removed", "reordered", "manifest", "manifest_rows"]
)
def test_csv_tampering_is_detected_and_the_first_bad_row_named(
    trail, compliance_officer, client, tmp_path, attack
):
    table = _rows(_get(client, compliance_officer, CSV_URL).decode())
    header, rows, manifest = table[0], table[1:-1], table[-1]
    canonical = header.index("canonical")
    if attack == "byte":
        rows[2][canonical] = rows[2][canonical].replace('"n":2', '"n":3')
    elif attack == "column":
        rows[1][header.index("action")] = "organization.deleted"
    elif attack == "removed":
        del rows[2]
    elif attack == "reordered":
        rows[1], rows[2] = rows[2], rows[1]
    else:
        edited = json.loads(manifest[1])
        if attack == "manifest":
            edited["filters"] = {"action": "nothing to see"}
        else:
            edited["rows"] -= 1
        manifest = [manifest[0], json.dumps(edited)]
    path = tmp_path / "export.csv"
    path.write_text(_csv_text([header, *rows, manifest]), encoding="utf-8", newline="")
    # the signature needs `cryptography`: an interpreter with that package alone
    result = (
        _verify_with_cryptography_only(path, tmp_path) if attack == "manifest" else _verify(path)
    )
    assert result.returncode == 1, result.stdout
    expected = {
        "byte": "FAILED: row 3 (line 4)",
        "column": "FAILED: row 2 (line 3): its action column does not match",
        "removed": "FAILED: row 3 (line 4)",
        "reordered": "FAILED: row 2 (line 3)",
        "manifest": "signature does not verify",
        "manifest_rows": "the manifest says",
    }[attack]
    assert expected in result.stdout


def test_filters_reach_every_format_and_the_manifest(
    trail, org, project, compliance_officer, client, tmp_path
):
    today = timezone.localdate()
    query = f"?project={project.pk}&start={today}&end={today}"
    text = _get(client, compliance_officer, CSV_URL + query).decode()
    table = _rows(text)
    manifest = json.loads(table[-1][1])
    assert [row[2] for row in table[1:-1]] == ["project.updated"]
    assert manifest["contiguous"] is False
    assert manifest["filters"]["project"] == str(project.pk)
    assert set(manifest["filters"]) == {"project", "occurred_after", "occurred_before"}
    path = tmp_path / "filtered.csv"
    path.write_text(text, encoding="utf-8", newline="")
    result = _verify(path)
    assert result.returncode == 0, result.stdout
    assert "links not contiguous" in result.stdout
    lines = _get(client, compliance_officer, JSONL_URL + "?target_type=projects.project")
    assert [json.loads(line).get("action") for line in lines.decode().splitlines()[:-1]] == [
        "project.updated"
    ]
    exported = AuditEvent.objects.filter(action="audit_trail.exported").order_by("sequence")
    assert [e.data["format"] for e in exported] == ["csv", "jsonl"]
    assert exported[0].data["filters"]["project"] == str(project.pk)


def test_a_pdf_export_prints_the_rows_and_the_signed_manifest(
    trail, org, compliance_officer, client, tmp_path
):
    pdf = _get(client, compliance_officer, PDF_URL + "?action=organization.")
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "export.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(  # noqa: S603
        ["/usr/bin/pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert "Audit trail of Acme Insurance" in text
    assert "5 events, oldest first; filter: action = organization." in text
    assert "Latest checkpoint: #5" in text
    assert "Signed with Ed25519 key" in text
    event = AuditEvent.objects.filter(action="audit_trail.exported").get()
    assert event.data == {"filters": {"action": "organization."}, "format": "pdf"}


def test_a_pdf_over_its_row_limit_is_refused_with_a_way_out(
    trail, compliance_officer, client, settings
):
    settings.CHARTER_AUDIT_PDF_MAX_ROWS = 3
    client.force_login(compliance_officer)
    response = client.get(PDF_URL)
    assert response.status_code == 400
    assert "at most 3 events" in response.content.decode()


@pytest.mark.parametrize("url", [CSV_URL, JSONL_URL, PDF_URL])
@pytest.mark.parametrize(
    "query",
    ["?start=2026-05-02&end=2026-05-01", "?start=last-week", "?project=42", "?actor=nobody"],
)
def test_bad_filters_are_a_400_and_export_nothing(trail, compliance_officer, client, url, query):
    client.force_login(compliance_officer)
    response = client.get(url + query)
    assert response.status_code == 400
    assert "The filter is not valid" in response.content.decode()
    assert not AuditEvent.objects.filter(action="audit_trail.exported").exists()


def test_the_page_offers_export_now_below_the_threshold_and_queues_above(
    trail, compliance_officer, client, settings
):
    client.force_login(compliance_officer)
    body = client.get("/compliance/audit/").content.decode()
    assert f'href="{CSV_URL}"' in body
    settings.CHARTER_AUDIT_EXPORT_NOW_MAX_ROWS = 3
    body = client.get("/compliance/audit/").content.decode()
    assert f'href="{CSV_URL}"' not in body
    assert "queue the export" in body
    assert f'action="{QUEUE_URL}"' in body


def test_queueing_an_export_records_it_and_the_build_writes_a_verifiable_file(
    trail, org, compliance_officer, client, tmp_path
):
    from compliance.services import audit_export_build

    client.force_login(compliance_officer)
    response = client.post(QUEUE_URL, {"format": "csv", "action": "organization."})
    assert response.status_code == 302
    export = AuditExport.objects.get()
    assert (export.status, export.format, export.filters) == (
        "queued",
        "csv",
        {"action": "organization."},
    )
    event = AuditEvent.objects.get(action="audit_trail.exported")
    assert event.data["export"] == str(export.pk)
    queued = client.get("/compliance/audit/").content.decode()
    assert '<span class="badge status-queued">Queued</span>' in queued
    assert 'hx-trigger="every 5s" hx-select="#exports"' in queued  # the list refreshes itself
    built = audit_export_build(export_id=export.pk)
    assert built is not None
    assert built.status == "ready"
    assert built.rows == 5
    body = client.get("/compliance/audit/").content.decode()
    assert f"/compliance/audit/exports/{export.pk}/download" in body
    assert 'hx-trigger="every 5s"' not in body
    download = client.get(f"/compliance/audit/exports/{export.pk}/download")
    content = b"".join(download.streaming_content)
    assert hashlib.sha256(content).hexdigest() == built.sha256
    path = tmp_path / "queued.csv"
    path.write_bytes(content)
    assert _verify(path).returncode == 0
    assert audit_export_build(export_id=export.pk) is None  # a second delivery does nothing


def test_queueing_with_a_bad_range_or_format_is_a_400(trail, compliance_officer, client):
    client.force_login(compliance_officer)
    bad_range = {"format": "csv", "start": "2026-05-02", "end": "2026-05-01"}
    assert client.post(QUEUE_URL, bad_range).status_code == 400
    assert client.post(QUEUE_URL, {"format": "xlsx"}).status_code == 400
    assert not AuditExport.objects.exists()


def test_another_organisations_export_is_not_found(
    trail, org, compliance_officer, outsider, client
):
    from compliance.services import audit_export_build, audit_export_request

    export = audit_export_request(
        actor=compliance_officer, organization=org, filters={}, format="jsonl"
    )
    audit_export_build(export_id=export.pk)
    client.force_login(outsider)
    assert client.get(f"/compliance/audit/exports/{export.pk}/download").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_a_queued_export(worker, org, admin, compliance_officer):
    from compliance.services import audit_export_request

    assert app.conf.broker_url.startswith("redis://")
    for n in range(3):
        audit_record(actor=admin, action="organization.renamed", target=org, data={"n": n})
    export = audit_export_request(
        actor=compliance_officer, organization=org, filters={}, format="jsonl"
    )
    # the service enqueued it on commit (no transaction here: at once)
    results = worker.wait_for(1, timeout=60)
    assert list(results.values()) == ["ready"]
    export.refresh_from_db()
    assert (export.status, export.rows) == ("ready", 4)
    assert len(export.sha256) == 64
    assert export.finished_at is not None


# --- the API --------------------------------------------------------------------------------


def test_the_api_filters_events_and_refuses_bad_values_with_problems(
    trail, org, project, compliance_officer, token_client
):
    api = token_client(compliance_officer)
    found = api.get(f"/api/v1/audit-events/?project={project.pk}").json()
    assert [e["action"] for e in found["results"]] == ["project.updated"]
    found = api.get("/api/v1/audit-events/?target_type=projects.project").json()
    assert [e["action"] for e in found["results"]] == ["project.updated"]
    for query in (
        "project=42",
        "actor=nobody",
        "occurred_after=yesterday",
        "occurred_after=2026-05-02T00:00:00Z&occurred_before=2026-05-01T00:00:00Z",
    ):
        response = api.get(f"/api/v1/audit-events/?{query}")
        assert response.status_code == 400, query
        assert response["Content-Type"].startswith("application/problem+json"), query
    response = api.get(
        "/api/v1/audit-events/?occurred_after=2026-05-02T00:00:00Z"
        "&occurred_before=2026-05-01T00:00:00Z"
    )
    assert "occurred_before" in response.json()["errors"]


def test_the_api_queues_an_export_and_serves_its_status_and_file(
    trail, org, compliance_officer, token_client, outsider
):
    from compliance.services import audit_export_build

    api = token_client(compliance_officer)
    after = (timezone.now() - timedelta(hours=1)).isoformat()
    response = api.post(
        "/api/v1/audit-exports/",
        {
            "organization": str(org.pk),
            "format": "jsonl",
            "filters": {"action": "organization.", "occurred_after": after},
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["status"], created["format"]) == ("queued", "jsonl")
    assert api.get(f"/api/v1/audit-exports/{created['id']}/download/").status_code == 409
    audit_export_build(export_id=created["id"])
    status = api.get(f"/api/v1/audit-exports/{created['id']}/").json()
    assert (status["status"], status["rows"]) == ("ready", 5)
    download = api.get(f"/api/v1/audit-exports/{created['id']}/download/")
    lines = b"".join(download.streaming_content).decode().splitlines()
    assert json.loads(lines[-1])["manifest"]["rows"] == 5
    stranger = token_client(outsider)
    assert stranger.get(f"/api/v1/audit-exports/{created['id']}/").status_code == 404
    assert stranger.get(f"/api/v1/audit-exports/{created['id']}/download/").status_code == 404
    assert (
        stranger.post(
            "/api/v1/audit-exports/",
            {"organization": str(org.pk), "format": "csv"},
            format="json",
        ).status_code
        == 404
    )


@pytest.mark.parametrize(
    "body",
    [
        {
            "format": "csv",
            "filters": {
                "occurred_after": "2026-05-02T00:00:00Z",
                "occurred_before": "2026-05-01T00:00:00Z",
            },
        },
        {"format": "csv", "filters": {"project": "42"}},
        {"format": "csv", "filters": {"actor": "nobody"}},
        {"format": "xlsx"},
        {"format": "csv", "filters": {"colour": "red"}},
    ],
)
def test_the_api_refuses_a_bad_export_request(trail, org, compliance_officer, token_client, body):
    api = token_client(compliance_officer)
    response = api.post(
        "/api/v1/audit-exports/", {"organization": str(org.pk), **body}, format="json"
    )
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert not AuditExport.objects.exists()


@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_the_api_verifies_a_file_and_names_the_first_bad_row(
    trail, compliance_officer, client, token_client, kind
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = CSV_URL if kind == "csv" else JSONL_URL
    text = _get(client, compliance_officer, url).decode()
    api = token_client(compliance_officer)
    good = api.post(
        "/api/v1/audit-exports/verify/",
        {"file": SimpleUploadedFile(f"export.{kind}", text.encode())},
        format="multipart",
    ).json()
    assert good["verified"] is True, good
    assert "manifest signature: verified" in good["notes"]
    quote = '""' if kind == "csv" else '"'  # CSV doubles the quotes of the canonical column
    bad = text.replace(f"{quote}n{quote}:1", f"{quote}n{quote}:7", 1)
    answer = api.post(
        "/api/v1/audit-exports/verify/",
        {"file": SimpleUploadedFile(f"export.{kind}", bad.encode())},
        format="multipart",
    ).json()
    assert (answer["verified"], answer["first_bad_row"]) == (False, 2)
    assert "does not match its hash" in answer["failure"]
    garbage = api.post(
        "/api/v1/audit-exports/verify/",
        {"file": SimpleUploadedFile("x.jsonl", b"\xff\xfe not an export")},
        format="multipart",
    )
    assert garbage.status_code == 200
    assert garbage.json()["verified"] is False
    assert api.post("/api/v1/audit-exports/verify/", {}, format="multipart").status_code == 400


def test_the_sweep_builds_exports_whose_message_was_lost(trail, org, compliance_officer):
    from compliance.services import audit_export_request
    from compliance.tasks import audit_exports_sweep

    export = audit_export_request(
        actor=compliance_officer, organization=org, filters={}, format="csv"
    )
    assert audit_exports_sweep() == 0  # just queued: its message may still be on its way
    AuditExport.objects.filter(pk=export.pk).update(
        created_at=timezone.now() - timedelta(minutes=5)
    )
    assert audit_exports_sweep() == 1
    export.refresh_from_db()
    assert export.status == "ready"
    assert audit_exports_sweep() == 0


@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_a_row_removed_from_a_filtered_export_is_named_by_the_gap(
    trail, compliance_officer, client, tmp_path, kind
):
    # filtered: the rows do not link up, so the row numbers show where one went missing
    url = (CSV_URL if kind == "csv" else JSONL_URL) + "?action=organization."
    text = _get(client, compliance_officer, url).decode()
    if kind == "csv":
        table = _rows(text)
        del table[2]  # the second event (the header is row 0)
        tampered = _csv_text(table)
    else:
        lines = text.splitlines()
        del lines[1]
        tampered = "\n".join(lines) + "\n"
    path = tmp_path / f"filtered.{kind}"
    path.write_text(tampered, encoding="utf-8", newline="")
    result = _verify(path)
    assert result.returncode == 1, result.stdout
    where = "row 2 (line 3)" if kind == "csv" else "line 2"
    assert f"FAILED: {where}" in result.stdout
    assert "is row 3 of the export, found as row 2" in result.stdout


def test_the_command_verifies_a_csv_export(trail, compliance_officer, client, tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    path = tmp_path / "export.csv"
    path.write_text(_get(client, compliance_officer, CSV_URL).decode(), newline="")
    out = StringIO()
    call_command("verify_audit_export", str(path), stdout=out)
    assert "manifest signature: verified" in out.getvalue()
    path.write_text(path.read_text().replace('""n"":1', '""n"":5', 1), newline="")
    with pytest.raises(CommandError, match=r"row 2 \(line 3\)"):
        call_command("verify_audit_export", str(path), stdout=StringIO())


def test_the_stream_takes_the_same_memory_for_three_times_the_events(
    org, admin, compliance_officer, monkeypatch
):
    import tracemalloc

    from audit import exports
    from compliance.services import audit_exports, audit_trail_export

    monkeypatch.setattr(audit_exports, "CHUNK", 50)  # rows per fetch of the server-side cursor
    monkeypatch.setattr(exports, "CSV_CHUNK", 50)  # rows per call of the CSV writer

    def peak() -> int:
        tracemalloc.start()
        try:
            for _ in audit_trail_export(
                actor=compliance_officer, organization=org, filters={}, format="csv"
            ):
                pass
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    def grow(count: int) -> None:
        for n in range(count):
            audit_record(actor=admin, action="organization.renamed", target=org, data={"n": n})

    grow(150)
    peak()  # warm-up: code and caches loaded once
    small = peak()
    grow(300)
    large = peak()
    assert large < small * 1.5, (small, large)
