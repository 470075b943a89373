"""The command line a CI step runs. The server and token come from CHARTER_URL and
CHARTER_TOKEN (a secret, never an argument: arguments show in process lists and logs).
Each command prints its answer as JSON on stdout; an error prints the problem on stderr and
exits 1 (2 for bad arguments)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from charter_client.client import Client
from charter_client.errors import CharterError
from charter_client.models import Point


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    url, token = os.environ.get("CHARTER_URL", ""), os.environ.get("CHARTER_TOKEN", "")
    if not url or not token:
        sys.stderr.write("Set CHARTER_URL and CHARTER_TOKEN.\n")
        return 2
    try:
        with Client(url, token, timeout=args.timeout) as client:
            answer = args.run(client, args)
    except CharterError as error:
        sys.stderr.write(f"charter: {error}\n")
        if error.request_id:
            sys.stderr.write(f"charter: request id {error.request_id}\n")
        return 1
    except (OSError, ValueError) as error:  # a file missing or not JSON: the pipeline's own
        sys.stderr.write(f"charter: {error}\n")
        return 2
    sys.stdout.write(json.dumps(answer, indent=2) + "\n")
    return 0


def build_parser() -> argparse.ArgumentParser:
    # No abbreviated options: a CI script written today must not change meaning when an
    # option is added tomorrow.
    parser = argparse.ArgumentParser(prog="charter", description=__doc__, allow_abbrev=False)
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    commands = parser.add_subparsers(required=True, metavar="command")

    lm_eval = commands.add_parser(
        "post-lm-eval", allow_abbrev=False, help="import an lm-eval results file"
    )
    lm_eval.add_argument("--project", required=True, help="id or exact name")
    lm_eval.add_argument("--model-version", required=True, help="id, number (v3) or name")
    lm_eval.add_argument("--file", required=True, type=Path, help="results_*.json")
    lm_eval.add_argument("--benchmark", help="default: the file's top-level tasks")
    lm_eval.set_defaults(run=_post_lm_eval)

    points = commands.add_parser("push-points", allow_abbrev=False, help="push monitoring points")
    points.add_argument("--project", required=True, help="id or exact name")
    points.add_argument("--deployment", required=True, help="deployment id")
    points.add_argument(
        "--file", required=True, type=Path, help="a JSON list or JSON Lines of {metric, at, value}"
    )
    points.add_argument("--batch-id", help="reuse it to make a re-run add nothing")
    points.set_defaults(run=_push_points)

    export = commands.add_parser(
        "download-export", allow_abbrev=False, help="export the audit trail to a file"
    )
    export.add_argument("--organization", required=True, help="organisation id")
    export.add_argument("--format", default="jsonl", choices=["jsonl", "csv", "pdf"])
    export.add_argument("--output", required=True, type=Path, help="a file, or a folder")
    export.add_argument("--project", help="only this project's events (id)")
    export.add_argument("--action", help='an action or its start ("project.")')
    export.add_argument("--occurred-after", help="ISO 8601, inclusive")
    export.add_argument("--occurred-before", help="ISO 8601, exclusive")
    export.add_argument("--wait", type=float, default=600.0, help="seconds to wait for it")
    export.set_defaults(run=_download_export)
    return parser


def _post_lm_eval(client: Client, args: argparse.Namespace) -> Any:
    project = client.find_project(args.project)
    version = client.find_model_version(project["id"], args.model_version)
    return client.import_lm_eval(
        project["id"], model_version=version["id"], file=args.file, benchmark=args.benchmark
    )


def _push_points(client: Client, args: argparse.Namespace) -> Any:
    project = client.find_project(args.project)
    return client.push_monitoring_points(
        project["id"], args.deployment, _read_points(args.file), batch_id=args.batch_id
    )


def _download_export(client: Client, args: argparse.Namespace) -> Any:
    filters = {
        key: value
        for key, value in {
            "project": args.project,
            "action": args.action,
            "occurred_after": args.occurred_after,
            "occurred_before": args.occurred_before,
        }.items()
        if value
    }
    export = client.create_audit_export(args.organization, format=args.format, filters=filters)
    ready = client.wait_for_export(export["id"], timeout=args.wait)
    path = client.download_export(export["id"], args.output)
    return {**ready, "path": str(path)}


def _read_points(path: Path) -> list[Point]:
    text = path.read_text(encoding="utf-8").strip()
    if text.startswith("["):
        points: list[Point] = json.loads(text)
        return points
    return [json.loads(line) for line in text.splitlines() if line.strip()]
