"""`python manage.py verify_audit_chain [--organization ID] [--resume] [--time-limit S]`: OK, or
the first broken link of each chain. Each chain's outcome is recorded (AuditVerification)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.models import AuditVerification
from audit.rowcapture import direct_writes, verify_seals
from audit.verify import verify_and_record


class Command(BaseCommand):
    help = "Verify the audit trail's hash chains; exit 1 at the first broken link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--organization",
            dest="chains",
            action="append",
            help="Organisation id (repeatable); 'system' for events without one. Default: all.",
        )
        parser.add_argument(
            "--resume",
            action="store_true",
            help="Recompute only the events after each chain's latest signed checkpoint.",
        )
        parser.add_argument(
            "--time-limit",
            type=float,
            default=None,
            help="Seconds for the whole run; chains not finished by then are timed out.",
        )
        parser.add_argument("--batch-size", type=int, default=2000, help="Events per page.")

    def handle(self, *args: Any, **options: Any) -> None:
        _, reports = verify_and_record(
            options["chains"],
            resume=options["resume"],
            time_limit=options["time_limit"],
            batch_size=options["batch_size"],
        )
        broken = [report for report in reports if not report.ok]
        for report in reports:
            if report.ok:
                held = (
                    f", held to signed checkpoint #{report.checkpoint}"
                    if report.checkpoint is not None
                    else ", no checkpoint yet"
                )
                resumed = (
                    f", recomputed from #{report.resumed_from}"
                    if report.resumed_from is not None
                    else ""
                )
                self.stdout.write(
                    f"OK chain {report.chain}: {report.events} events, "
                    f"head {report.head_hash}{held}{resumed}"
                )
            elif report.status == AuditVerification.Status.BROKEN:
                self.stderr.write(
                    f"BROKEN chain {report.chain} at sequence {report.broken_at} "
                    f"(event {report.event_id}): {report.reason}"
                )
            else:
                label = "TIMED OUT" if report.status == "timed_out" else "ERROR"
                self.stderr.write(
                    f"{label} chain {report.chain} after sequence {report.checked_up_to}: "
                    f"{report.reason}"
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
            unfinished = sum(report.status != AuditVerification.Status.BROKEN for report in broken)
            raise CommandError(
                f"{len(broken)} of {len(reports)} audit chain(s) broken"
                + (f" ({unfinished} not verified: timed out or failed)" if unfinished else "")
                + ("" if seals.ok else "; row seals broken")
            )
        self.stdout.write(self.style.SUCCESS(f"OK: {len(reports)} chain(s) verified"))
