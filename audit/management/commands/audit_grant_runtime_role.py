"""`python manage.py audit_grant_runtime_role ROLE [--print]`: give the application's runtime
role normal rights on every table and only INSERT and SELECT on the audit tables (audit/roles.py).
Run it as the migrator (the tables' owner) after every migrate."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.roles import RoleRefusedError, grant_runtime_role, grant_statements


class Command(BaseCommand):
    help = (
        "Grant ROLE the runtime rights: SELECT, INSERT, UPDATE, DELETE on every table, only "
        "SELECT and INSERT on the audit tables. Run as the schema's owner after each migrate."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", help="The PostgreSQL role web, worker and beat connect as.")
        parser.add_argument(
            "--print",
            action="store_true",
            dest="print_only",
            help="Print the SQL instead of running it.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        role = options["role"]
        try:
            if options["print_only"]:
                for sql in grant_statements(role):
                    self.stdout.write(f"{sql};")
                return
            statements = grant_runtime_role(role)
        except RoleRefusedError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"OK: {role} has the runtime rights ({len(statements)} statements); "
                "audit tables: SELECT and INSERT only"
            )
        )
