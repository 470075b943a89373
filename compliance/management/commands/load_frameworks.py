"""`manage.py load_frameworks`: bring the framework catalogue to the shipped data files (or
another folder of them). Safe to run after every migrate: an unchanged set writes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from compliance.catalogue_loader import DATA_DIR, CatalogueError
from compliance.services.catalogue import catalogue_load


class Command(BaseCommand):
    help = "Load the compliance framework catalogue (idempotent; refuses a broken file set whole)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data", type=Path, default=DATA_DIR, help="folder of catalogue data files"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = catalogue_load(directory=options["data"])
        except CatalogueError as exc:
            raise CommandError(str(exc)) from exc
        if not result["changed"]:
            self.stdout.write(f"Catalogue {result['version']} already loaded: nothing changed.")
            return
        counts = ", ".join(
            f"{name.replace('_', ' ')} {n}"
            for name, n in result.items()
            if name not in ("version", "changed") and n
        )
        self.stdout.write(self.style.SUCCESS(f"Catalogue {result['version']} loaded: {counts}."))
