"""lm-evaluation-harness results files (`results_<date>.json`, as `lm_eval --output_path`
writes them): one evaluation per file.

- Each task's (and group's) figures are keyed "metric,filter" under `results` (and `groups`):
  a metric is named `task/metric`, and `task/metric,filter` when the filter is not "none",
  so the name still says which filter produced it.
- Standard errors ("metric_stderr,filter") are not metrics of their own: they are left out
  (a success criterion judges the figure, not its error bar) and named in the findings.
- Figures the harness could not compute ("N/A", NaN) are skipped and named in the findings.
- `higher_is_better` {task: {metric: bool}} gives each metric's direction (default: higher);
  `n-samples` {task: {"effective": N}} its sample size; a group's is its `sample_count` for
  that metric, else the sum of its subtasks' effective samples.
- The run id is the SHA-256 of the file's bytes: importing the same file again creates nothing.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from models_registry.importers import (
    ImportProblem,
    ParsedEvaluation,
    clipped,
    number,
    positive_count,
)

NOT_RESULTS = (
    'Not an lm-evaluation-harness results file: it needs a "results" object of tasks, '
    'each with figures keyed "metric,filter".'
)
NOT_JSON = "Not a JSON file (is it truncated, or another format?)."
NO_FIGURES = "The results file holds no figure to import."
SKIPPED_KEYS = frozenset({"alias", "name", "sample_len", "sample_count", " ", ""})


def _load(content: bytes) -> dict[str, Any]:
    try:
        data = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ImportProblem(NOT_JSON) from exc
    if not isinstance(data, dict) or not isinstance(data.get("results"), dict):
        raise ImportProblem(NOT_RESULTS)
    if not data["results"] or not all(isinstance(v, dict) for v in data["results"].values()):
        raise ImportProblem(NOT_RESULTS)
    return data


def _mapping(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _effective(data: dict[str, Any], task: str) -> int | None:
    samples = _mapping(data, "n-samples").get(task)
    return positive_count(samples.get("effective")) if isinstance(samples, dict) else None


def _sample_size(data: dict[str, Any], task: str, entry: dict[str, Any], key: str) -> int | None:
    own = _effective(data, task)
    if own is not None:
        return own
    counts = entry.get("sample_count")
    if isinstance(counts, dict) and positive_count(counts.get(key)) is not None:
        return positive_count(counts.get(key))
    subtasks = _mapping(data, "group_subtasks").get(task) or []
    sizes = [_effective(data, sub) for sub in subtasks if isinstance(sub, str)]
    total = sum(s for s in sizes if s is not None)
    return total or None


def _task_entries(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Tasks and groups by name (a group appears in both `results` and `groups`)."""
    entries = {k: v for k, v in _mapping(data, "groups").items() if isinstance(v, dict)}
    entries.update(data["results"])
    return dict(sorted(entries.items()))


def _benchmark(data: dict[str, Any], tasks: list[str]) -> str:
    """The top-level tasks: groups, and tasks in no group."""
    grouped = {
        sub
        for subs in _mapping(data, "group_subtasks").values()
        if isinstance(subs, list)
        for sub in subs
    }
    top = [t for t in tasks if t not in grouped] or tasks
    return clipped(", ".join(top), 200)


def _when(data: dict[str, Any]) -> datetime | None:
    stamp = number(data.get("date"))
    if stamp is None or stamp <= 0:
        return None
    try:
        return datetime.fromtimestamp(stamp, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _findings(data: dict[str, Any], skipped: list[str], stderr: list[str]) -> str:
    config = _mapping(data, "config")
    lines = ["Imported from an lm-evaluation-harness results file."]
    if config.get("model"):
        lines.append(f"Model: {config.get('model')} ({config.get('model_args') or 'no args'}).")
    shots = _mapping(data, "n-shot")
    if shots:
        lines.append("Few-shot: " + ", ".join(f"{t}={n}" for t, n in sorted(shots.items())) + ".")
    versions = _mapping(data, "versions")
    if versions:
        lines.append(
            "Task versions: " + ", ".join(f"{t}={v}" for t, v in sorted(versions.items())) + "."
        )
    if config.get("limit") is not None:
        lines.append(f"Limit: {config.get('limit')} samples per task.")
    if data.get("git_hash"):
        lines.append(f"Harness commit: {data.get('git_hash')}.")
    if stderr:
        lines.append("Standard errors: " + ", ".join(stderr) + ".")
    if skipped:
        lines.append("Not a number, skipped: " + ", ".join(skipped) + ".")
    return clipped("\n".join(lines), 20000)


def parse(content: bytes, *, benchmark: str = "") -> ParsedEvaluation:
    """One evaluation from the bytes of a results file, or ImportProblem."""
    data = _load(content)
    directions = _mapping(data, "higher_is_better")
    entries = _task_entries(data)
    metrics: list[dict[str, Any]] = []
    skipped: list[str] = []
    stderr: list[str] = []
    for task, entry in entries.items():
        for key, raw in entry.items():
            if key in SKIPPED_KEYS or "," not in key:
                continue
            metric, _, filter_name = key.partition(",")
            label = f"{task}/{metric}" if filter_name in ("none", "") else f"{task}/{key}"
            if metric.endswith("_stderr"):
                value = number(raw)
                if value is not None:
                    stderr.append(f"{label}={value}")
                continue
            value = number(raw)
            if value is None:
                skipped.append(label)
                continue
            direction = _mapping(directions, task).get(metric)
            metrics.append(
                {
                    "name": label,
                    "value": value,
                    "higher_is_better": direction if isinstance(direction, bool) else True,
                    "sample_size": _sample_size(data, task, entry, key),
                }
            )
    if not metrics:
        raise ImportProblem(NO_FIGURES)
    return ParsedEvaluation(
        benchmark=clipped(benchmark.strip(), 200) or _benchmark(data, list(entries)),
        run_id="lm-eval:" + hashlib.sha256(content).hexdigest(),
        metrics=metrics,
        evaluated_at=_when(data),
        findings=_findings(data, skipped, stderr),
        skipped=skipped,
    )
