"""What a run found, as JSON (with the machine, the commit and the scale) and as a table."""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.measure import Measurement
from bench.scales import Scale

ROOT = Path(__file__).resolve().parent.parent


def _first(path: str, key: str) -> str | None:
    """The value of the first `key: value` line of a /proc file (None off Linux)."""
    try:
        lines = Path(path).read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        name, _, value = line.partition(":")
        if name.strip() == key:
            return value.strip()
    return None


def machine(postgresql_version: str) -> dict[str, Any]:
    memory = _first("/proc/meminfo", "MemTotal")  # "16314596 kB"
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": _first("/proc/cpuinfo", "model name") or platform.processor() or None,
        "ram_gib": round(int(memory.split()[0]) / 1024**2, 1) if memory else None,
        "postgresql": postgresql_version,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def _git(*arguments: str) -> str | None:
    git = shutil.which("git")
    if git is None:
        return None
    answer = subprocess.run(  # noqa: S603 (git, found on the PATH, with fixed arguments)
        [git, *arguments], cwd=ROOT, capture_output=True, text=True, check=False
    )
    return answer.stdout.strip() if answer.returncode == 0 else None


def commit() -> dict[str, Any]:
    status = _git("status", "--porcelain", "--untracked-files=no")
    return {"commit": _git("rev-parse", "HEAD"), "dirty": None if status is None else status != ""}


def document(
    *, scale: Scale, measurements: Sequence[Measurement], postgresql_version: str, **run: Any
) -> dict[str, Any]:
    return {
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "scale": {"name": scale.name, "batch": scale.batch, "rounds": scale.rounds},
        "git": commit(),
        "machine": machine(postgresql_version),
        "run": run,
        "figures": [measurement.as_dict() for measurement in measurements],
    }


def write(path: Path, content: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, indent=2) + "\n")


def table(content: dict[str, Any]) -> str:
    """The run as a Markdown table, with the commit and the machine under it."""
    lines = [
        "| figure | Charter | ceiling | ratio | unit |",
        "|---|---:|---:|---:|---|",
    ]
    lines += [
        f"| {figure['name']} | {figure['charter_rate']:,.0f} | {figure['ceiling_rate']:,.0f} "
        f"| {figure['ratio']:.3f} | {figure['unit']} |"
        for figure in content["figures"]
    ]
    git, box, scale = content["git"], content["machine"], content["scale"]
    commit_id = (git["commit"] or "unknown")[:12] + (" (dirty)" if git["dirty"] else "")
    lines += [
        "",
        f"Scale {scale['name']} (batch {scale['batch']:,}, median of {scale['rounds']} rounds), "
        f"commit {commit_id}, {content['timestamp']}.",
        f"{box['cpu_count']} × {box['cpu_model']}, {box['ram_gib']} GiB RAM, "
        f"PostgreSQL {box['postgresql']}, Python {box['python']}.",
    ]
    return "\n".join(lines) + "\n"
