"""Inspect AI logs made by Inspect AI itself, offline on its mock model, in both formats: the
parser reads them with the standard library (and Zstandard), never importing inspect_ai."""

import io
import json
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from accounts.models import ProjectMembership
from models_registry import services
from models_registry.importers import ImportProblem, inspect_log
from models_registry.models import Evaluation
from tests.models_registry.adapt_support import approve_scope, base_version
from tests.models_registry.import_support import upload

API = "/api/v1/projects/{project}/adapt/imports/inspect/"
SAMPLE_SCRIPT = Path(__file__).with_name("inspect_sample.py")


@pytest.fixture(scope="session")
def inspect_logs(tmp_path_factory):
    """A tiny task run by Inspect AI on its mock model, its log written as .eval and .json (in
    a process of its own: see inspect_sample.py)."""
    paths = {}
    for log_format in ("eval", "json"):
        folder = tmp_path_factory.mktemp(f"inspect-{log_format}")
        subprocess.run(  # noqa: S603 (our own script, with our own arguments)
            [sys.executable, str(SAMPLE_SCRIPT), str(folder), log_format],
            check=True,
            capture_output=True,
            timeout=300,
        )
        [paths[log_format]] = folder.glob(f"*.{log_format}")
    return paths


def test_the_parser_does_not_need_inspect_ai(inspect_logs):
    """Read in a fresh interpreter: parsing a log loads nothing of inspect_ai."""
    script = (
        "import sys; from models_registry.importers import inspect_log; "
        f"inspect_log.parse_eval(open({str(inspect_logs['eval'])!r}, 'rb').read(), limit=10**7); "
        "print('inspect_ai' in sys.modules)"
    )
    answer = subprocess.run(  # noqa: S603 (our own interpreter, our own script)
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert answer.stdout.strip() == "False"


@pytest.mark.parametrize("log_format", ["eval", "json"])
def test_both_formats_give_each_scorer_s_accuracy(inspect_logs, log_format):
    content = inspect_logs[log_format].read_bytes()
    if log_format == "eval":
        parsed = inspect_log.parse_eval(content, limit=20 * 1024 * 1024)
    else:
        parsed = inspect_log.parse_json(content)
    assert parsed.benchmark == "capitals-mini"
    assert parsed.run_id.startswith("inspect:")
    assert [(m["name"], m["value"], m["sample_size"]) for m in parsed.metrics] == [
        ("match/accuracy", 1 / 3, 3),
        ("includes/accuracy", 1 / 3, 3),
    ]
    assert "task capitals on model mockllm/model" in parsed.findings
    assert "Standard errors: match/stderr=" in parsed.findings
    assert "Tokens on mockllm/model: 15 in, 3 out." in parsed.findings
    assert parsed.evaluated_at is not None


def test_the_eval_zip_is_compressed_with_zstandard_as_inspect_writes_it(inspect_logs):
    with zipfile.ZipFile(inspect_logs["eval"]) as archive:
        names = set(archive.namelist())
        methods = {info.compress_type for info in archive.infolist()}
    assert {"header.json", "_journal/start.json", "reductions.json", "summaries.json"} <= names
    assert methods == {inspect_log.ZIP_ZSTANDARD}


def test_the_same_eval_has_one_run_id_in_both_formats_of_its_own(inspect_logs):
    a = inspect_log.parse_eval(inspect_logs["eval"].read_bytes(), limit=10**7)
    b = inspect_log.parse_json(inspect_logs["json"].read_bytes())
    assert a.run_id != b.run_id  # two runs of the task: two evals


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_an_unfinished_log_a_failed_eval_and_a_bomb_are_refused(inspect_logs):
    header = json.loads(inspect_logs["json"].read_bytes())
    with pytest.raises(ImportProblem, match="no results yet"):
        inspect_log.parse_eval(_zip({"_journal/start.json": b"{}"}), limit=10**6)
    failed = header | {"status": "error", "results": None}
    with pytest.raises(ImportProblem, match=r"status “error”"):
        inspect_log.parse_eval(_zip({"header.json": json.dumps(failed).encode()}), limit=10**6)
    # A deflated header of 5 MB of spaces packs into a few kB: refused past the limit.
    bomb = _zip({"header.json": b" " * 5_000_000})
    assert len(bomb) < 20_000
    with pytest.raises(ImportProblem, match="more than the import limit"):
        inspect_log.parse_eval(bomb, limit=1_000_000)
    truncated = inspect_logs["eval"].read_bytes()[:-100]
    with pytest.raises(ImportProblem, match=r"Not an Inspect AI \.eval log"):
        inspect_log.parse_eval(truncated, limit=10**7)
    with pytest.raises(ImportProblem, match="Not an Inspect AI log"):
        inspect_log.parse_json(b'{"results": {"mmlu": {"acc,none": 0.3}}}')


# --- the service and the API --------------------------------------------------------------------


@pytest.fixture
def v1(project, manager):
    approve_scope(project, manager)
    return base_version(project, manager)


@pytest.mark.django_db
@pytest.mark.parametrize("log_format", ["eval", "json"])
def test_a_log_imported_twice_is_one_evaluation(project, manager, v1, inspect_logs, log_format):
    path = inspect_logs[log_format]
    evaluation, created = services.evaluation_import_inspect(
        actor=manager, project=project, model_version=v1, upload=upload(path, path.name)
    )
    assert created
    assert evaluation.source == Evaluation.Source.INSPECT
    assert {m.name: m.value for m in evaluation.metrics.all()} == {
        "match/accuracy": Decimal("0.33333333"),
        "includes/accuracy": Decimal("0.33333333"),
    }
    again, created_again = services.evaluation_import_inspect(
        actor=manager, project=project, model_version=v1, upload=upload(path, path.name)
    )
    assert (again.pk, created_again) == (evaluation.pk, False)


@pytest.mark.django_db
def test_an_lm_eval_file_sent_as_an_inspect_log_records_nothing(project, manager, v1):
    from tests.models_registry.import_support import LM_EVAL_SINGLE

    with pytest.raises(ValidationError, match="Not an Inspect AI log"):
        services.evaluation_import_inspect(
            actor=manager, project=project, model_version=v1, upload=upload(LM_EVAL_SINGLE)
        )
    assert Evaluation.objects.count() == 0


@pytest.mark.django_db
def test_the_api_answers_201_then_200(project, v1, inspect_logs, project_member, token_client):
    ci = token_client(project_member(project, ProjectMembership.Role.CONTRIBUTOR))
    path = inspect_logs["eval"]

    def post():
        return ci.post(
            API.format(project=project.pk),
            {"file": upload(path, path.name), "model_version": str(v1.pk)},
            format="multipart",
        )

    first, second = post(), post()
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["source"] == "inspect"
    junk = ci.post(
        API.format(project=project.pk),
        {"file": upload(b"PK\x03\x04" + b"\x00" * 5000), "model_version": str(v1.pk)},
        format="multipart",
    )
    assert junk.status_code == 400
    assert Evaluation.objects.count() == 1


def test_a_zstandard_member_that_unpacks_past_its_declared_size_is_refused(inspect_logs):
    """A member whose header lies about its size is stopped at the limit, not unpacked."""
    import zstandard

    packed = zstandard.ZstdCompressor().compress(b" " * 3_000_000)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("header.json", packed)
    content = bytearray(out.getvalue())
    # Mark the member as Zstandard (method 93) in the local and central headers.
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        at = content.index(signature)
        content[at + offset : at + offset + 2] = (93).to_bytes(2, "little")
    with pytest.raises(ImportProblem, match="more than the import limit"):
        inspect_log.parse_eval(bytes(content), limit=1_000_000)
