"""`python manage.py verify_audit_export FILE`: check an export as an outside auditor would,
with the offline verifier (audit/offline/verify_export.py) and the server's own public key."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit import signing
from audit.offline.verify_export import Failure, verify


class Command(BaseCommand):
    help = "Verify an audit trail export (JSON Lines or CSV): hashes, links, manifest, signatures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("export")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            notes = verify(options["export"], signing.public_key_bytes().hex())
        except Failure as failure:
            raise CommandError(f"FAILED: {failure}") from None
        except OSError as error:
            raise CommandError(f"cannot read the export: {error}") from None
        for note in notes:
            self.stdout.write(f"OK {note}")
        self.stdout.write(self.style.SUCCESS("VERIFIED"))
