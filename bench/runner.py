"""`python -m bench`: set Django up on a database of the benchmark's own, build the fixture
data, run the figures, write the JSON and print the table.

The database is BENCH_DATABASE_URL, or DATABASE_URL with `_bench` appended to its name
(`…/charter` → `…/charter_bench`; a name already ending in `_bench` is kept): never the
development database, never pytest's `test_…` ones. It is created if missing and migrated
on every run; `--recreate-db` drops it first.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from bench.report import ROOT
from bench.scales import SCALES


def bench_database_url(environ: dict[str, str]) -> str:
    """The benchmark's database, derived from the environment (see the module's docstring)."""
    url = environ.get("BENCH_DATABASE_URL") or environ.get("DATABASE_URL") or ""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise SystemExit(
            "The benchmarks need PostgreSQL: set DATABASE_URL (or BENCH_DATABASE_URL) to a "
            "postgres:// URL, e.g. postgres://postgres@127.0.0.1:5432/charter."
        )
    if environ.get("BENCH_DATABASE_URL"):
        return url
    name = parts.path.lstrip("/") or "charter"
    if not name.endswith("_bench"):
        name = f"{name}_bench"
    return urlunsplit(parts._replace(path=f"/{name}"))


def database_ensure(url: str, *, recreate: bool) -> bool:
    """Create the benchmark's database if it is missing (dropped first with `recreate`);
    True when it was created."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres", scheme="postgresql"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        if recreate:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        found = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if found is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return True
    return False


def django_setup(url: str) -> None:
    """Production settings (config.settings) on the benchmark's database: debug off, so no
    query log slows Charter down."""
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(48))
    import django

    # WhiteNoise warns that STATIC_ROOT is missing until collectstatic: no static file is served.
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    django.setup()


def arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--scale",
        choices=sorted(SCALES),
        default=os.environ.get("BENCH_SCALE", "full"),
        help="tiny: a quick proof that every figure runs (CI); full: the numbers (default, or "
        "BENCH_SCALE)",
    )
    parser.add_argument(
        "--figure",
        action="append",
        metavar="NAME",
        help="run only this figure (repeatable; default: all; e.g. monitoring_ingestion)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        help="where the JSON goes (default: bench/results/<scale>.json)",
    )
    parser.add_argument(
        "--recreate-db", action="store_true", help="drop and recreate the benchmark's database"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    options = arguments(argv)
    if options.scale not in SCALES:
        raise SystemExit(f"Unknown scale {options.scale!r}: one of {', '.join(sorted(SCALES))}.")
    scale = SCALES[options.scale]
    url = bench_database_url(dict(os.environ))
    started = time.perf_counter()
    created = database_ensure(url, recreate=options.recreate_db)
    django_setup(url)

    from django.core.management import call_command
    from django.db import connection

    from bench import report
    from bench.figures import FIGURES
    from bench.world import world_build

    unknown = sorted(set(options.figure or ()) - set(FIGURES))
    if unknown:
        raise SystemExit(f"No figure {', '.join(unknown)}: one of {', '.join(FIGURES)}.")
    call_command("migrate", interactive=False, verbosity=0)
    ready = time.perf_counter()
    world = world_build()
    measurements = []
    for name in options.figure or list(FIGURES):
        sys.stdout.write(f"== {name} ({scale.name})\n")
        sys.stdout.flush()
        measurements += FIGURES[name](world, scale)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (postgresql_version,) = cursor.fetchone() or ("unknown",)
    content = report.document(
        scale=scale,
        measurements=measurements,
        postgresql_version=postgresql_version,
        database=urlsplit(url).path.lstrip("/"),
        database_created=created,
        setup_seconds=round(ready - started, 1),
        measure_seconds=round(time.perf_counter() - ready, 1),
    )
    output = options.output or ROOT / "bench" / "results" / f"{scale.name}.json"
    report.write(output, content)
    sys.stdout.write(report.table(content))
    sys.stdout.write(f"Written to {output}\n")
    return 0
