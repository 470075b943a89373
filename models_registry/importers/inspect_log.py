"""Inspect AI logs: the `.eval` zip (the default format) and the `.json` log, one evaluation each.

The `.eval` zip holds `header.json` (the eval, its plan, `results` and `stats`) once the eval
has ended; a log still being written has only `_journal/start.json` and is refused. Members
are compressed with Zstandard by current Inspect versions and with deflate by older ones.
Each member is read with its own size limit, so a small zip that unpacks to gigabytes is
refused rather than unpacked.

Metrics: `results.scores[]` each {name, scored_samples, metrics {name: {name, value}}} →
`scorer/metric`, sample size = the scored samples. The log does not say whether higher is
better, so each metric is taken as higher-is-better (a success criterion states its own
comparison, so a lower-is-better target still judges correctly). Standard errors
("stderr") are left out as metrics and named in the findings, as for lm-evaluation-harness.
The run id is "inspect:<eval_id>" (unique per task run; `run_id` is shared by an eval set).
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from datetime import datetime
from typing import Any

import zstandard

from models_registry.importers import (
    ImportProblem,
    ParsedEvaluation,
    clipped,
    number,
    positive_count,
)

ZIP_ZSTANDARD = 93
NOT_A_LOG = 'Not an Inspect AI log: it needs an "eval" with its task and "results" with scores.'
NOT_A_ZIP = "Not an Inspect AI .eval log (not a readable zip file: truncated, or another format?)."
NOT_JSON = "Not an Inspect AI .json log (not JSON: truncated, or another format?)."
UNFINISHED = "This log has no results yet (the eval is still running or never finished)."
NOT_SUCCESS = "The eval ended with status “{status}”: only successful evals are imported."
MEMBER_TOO_LARGE = "A part of the log unpacks to more than the import limit."
UNREADABLE = "A part of the log cannot be unpacked (damaged, or an unknown compression)."
NO_FIGURES = "The log holds no numeric metric to import."
SKIPPED_METRICS = frozenset({"stderr"})


def _member(archive: zipfile.ZipFile, raw: io.BytesIO, name: str, limit: int) -> bytes:
    """One member's bytes, never more than `limit` of them unpacked."""
    info = archive.getinfo(name)
    if info.file_size > limit:
        raise ImportProblem(MEMBER_TOO_LARGE)
    try:
        if info.compress_type != ZIP_ZSTANDARD:
            with archive.open(info) as member:
                data = member.read(limit + 1)
        else:
            # The standard zipfile of Python < 3.14 knows no Zstandard: read the member's
            # compressed bytes after its local header and unpack them here.
            raw.seek(info.header_offset)
            header = raw.read(30)
            if len(header) != 30 or header[:4] != b"PK\x03\x04":
                raise ImportProblem(UNREADABLE)
            name_length, extra_length = struct.unpack("<HH", header[26:30])
            raw.seek(info.header_offset + 30 + name_length + extra_length)
            packed = raw.read(info.compress_size)
            reader = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(packed))
            chunks: list[bytes] = []
            unpacked = 0
            while unpacked <= limit and (chunk := reader.read(min(1 << 20, limit + 1))):
                chunks.append(chunk)
                unpacked += len(chunk)
            data = b"".join(chunks)
            if len(data) > limit:  # more than its header declared: a bomb, not a log
                raise ImportProblem(MEMBER_TOO_LARGE)
            if zlib.crc32(data) != info.CRC:
                raise ImportProblem(UNREADABLE)
    except (zipfile.BadZipFile, zstandard.ZstdError, NotImplementedError, EOFError) as exc:
        raise ImportProblem(UNREADABLE) from exc
    if len(data) > limit:
        raise ImportProblem(MEMBER_TOO_LARGE)
    return data


def _json(data: bytes, problem: str) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ImportProblem(problem) from exc


def parse_eval(content: bytes, *, limit: int) -> ParsedEvaluation:
    """One evaluation from the bytes of an `.eval` log, or ImportProblem."""
    raw = io.BytesIO(content)
    try:
        archive = zipfile.ZipFile(raw)
        names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ImportProblem(NOT_A_ZIP) from exc
    with archive:
        if "header.json" not in names:
            raise ImportProblem(UNFINISHED if "_journal/start.json" in names else NOT_A_LOG)
        header = _json(_member(archive, raw, "header.json", limit), NOT_A_LOG)
    return _from_log(header)


def parse_json(content: bytes) -> ParsedEvaluation:
    """One evaluation from the bytes of a `.json` log, or ImportProblem."""
    return _from_log(_json(content, NOT_JSON))


def _mapping(data: Any, key: str) -> dict[str, Any]:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def _when(text: Any) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _from_log(log: Any) -> ParsedEvaluation:
    spec = _mapping(log, "eval")
    if not spec.get("task") or not (spec.get("eval_id") or spec.get("run_id")):
        raise ImportProblem(NOT_A_LOG)
    status = log.get("status")
    if status in ("started", None) and not _mapping(log, "results"):
        raise ImportProblem(UNFINISHED)
    if status != "success":
        raise ImportProblem(NOT_SUCCESS.format(status=clipped(str(status), 40)))
    results = _mapping(log, "results")
    scores = results.get("scores")
    if not isinstance(scores, list):
        raise ImportProblem(NOT_A_LOG)
    metrics: list[dict[str, Any]] = []
    stderr: list[str] = []
    skipped: list[str] = []
    for score in scores:
        if not isinstance(score, dict):
            continue
        scorer = str(score.get("name") or score.get("scorer") or "score")
        samples = positive_count(score.get("scored_samples")) or positive_count(
            results.get("completed_samples")
        )
        for key, metric in _mapping(score, "metrics").items():
            if not isinstance(metric, dict):
                continue
            label = f"{scorer}/{metric.get('name') or key}"
            value = number(metric.get("value"))
            if value is None:
                skipped.append(label)
            elif key in SKIPPED_METRICS:
                stderr.append(f"{label}={value}")
            else:
                metrics.append(
                    {
                        "name": label,
                        "value": value,
                        "higher_is_better": True,
                        "sample_size": samples,
                    }
                )
    if not metrics:
        raise ImportProblem(NO_FIGURES)
    dataset = _mapping(spec, "dataset")
    stats = _mapping(log, "stats")
    eval_id = spec.get("eval_id") or f"{spec.get('run_id')}/{spec.get('task')}"
    return ParsedEvaluation(
        benchmark=clipped(str(dataset.get("name") or spec["task"]), 200),
        run_id=clipped(f"inspect:{eval_id}", 200),
        metrics=metrics,
        evaluated_at=_when(stats.get("completed_at")) or _when(spec.get("created")),
        findings=_findings(spec, results, stats, stderr, skipped),
        skipped=skipped,
    )


def _findings(
    spec: dict[str, Any],
    results: dict[str, Any],
    stats: dict[str, Any],
    stderr: list[str],
    skipped: list[str],
) -> str:
    dataset = _mapping(spec, "dataset")
    lines = [
        f"Imported from an Inspect AI log: task {spec.get('task')} on model {spec.get('model')}.",
        f"Eval {spec.get('eval_id')}, run {spec.get('run_id')}.",
    ]
    if dataset:
        lines.append(
            f"Dataset: {dataset.get('name') or 'unnamed'} ({dataset.get('samples')} samples); "
            f"completed {results.get('completed_samples')} of {results.get('total_samples')}."
        )
    for model, usage in sorted(_mapping(stats, "model_usage").items()):
        if isinstance(usage, dict):
            lines.append(
                f"Tokens on {model}: {usage.get('input_tokens')} in, "
                f"{usage.get('output_tokens')} out."
            )
    if stderr:
        lines.append("Standard errors: " + ", ".join(stderr) + ".")
    if skipped:
        lines.append("Not a number, skipped: " + ", ".join(skipped) + ".")
    return clipped("\n".join(lines), 20000)
