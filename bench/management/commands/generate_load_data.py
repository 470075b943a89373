"""`python manage.py generate_load_data --scale N [--seed S]`: one organisation at N times the
size of a large customer (bench/load_data.py, docs/performance.md), seeded and reproducible."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bench.load_data import generate


class Command(BaseCommand):
    help = "Generate an organisation of load data (scale 1: 200 projects, 1,000,000 events)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale", type=float, default=1.0, help="1 = the large organisation; 0.01 = tiny"
        )
        parser.add_argument("--seed", type=int, default=1, help="the same seed, the same rows")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()

        def progress(line: str) -> None:
            self.stdout.write(f"{time.perf_counter() - started:7.1f}s  {line}")

        try:
            data = generate(scale=options["scale"], seed=options["seed"], progress=progress)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Organisation {data.organization.name} ({data.organization.pk}) in "
            f"{time.perf_counter() - started:.1f}s; administrator {data.admin.email}"
        )
