"""`python manage.py verify_audit_chain [--organization ID]`: OK, or the first broken link."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.rowcapture import direct_writes, verify_seals
from audit.verify import verify_chains


class Command(BaseCommand):
    help = "Verify the audit trail's hash chains; exit 1 at the first broken link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--organization",
            dest="chains",
            action="append",
            help="Organisation id (repeatable); 'system' for events without one. Default: all.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        reports = verify_chains(options["chains"])
        broken = [report for report in reports if not report.ok]
        for report in reports:
            if report.ok:
                held = (
                    f", held to signed checkpoint #{report.checkpoint}"
                    if report.checkpoint is not None
                    else ", no checkpoint yet"
                )
                self.stdout.write(
                    f"OK chain {report.chain}: {report.events} events, "
                    f"head {report.head_hash}{held}"
                )
            else:
                self.stderr.write(
                    f"BROKEN chain {report.chain} at sequence {report.broken_at} "
                    f"(event {report.event_id}): {report.reason}"
                )
        seals = verify_seals()
        if seals.ok:
            self.stdout.write(
                f"OK row capture: {seals.seals} seals over {seals.sealed_rows} row changes, "
                f"{seals.unsealed_rows} not sealed yet, "
                f"{direct_writes().count()} direct writes outside the services"
            )
        else:
            self.stderr.write(f"BROKEN row seal {seals.broken_seal}: {seals.reason}")
        if broken or not seals.ok:
            raise CommandError(
                f"{len(broken)} of {len(reports)} audit chain(s) broken"
                + ("" if seals.ok else "; row seals broken")
            )
        self.stdout.write(self.style.SUCCESS(f"OK: {len(reports)} chain(s) verified"))
