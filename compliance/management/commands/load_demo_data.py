"""`python manage.py load_demo_data`: a demo organisation to try Charter with (idempotent).

Everything is created through the services, so the demo is on the audit trail like real use.
This command lives in compliance, the top app, because it touches every app below it.
"""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts import services as accounts
from accounts.models import Organization, OrganizationMembership, User
from projects import services as projects
from stakeholders import services as stakeholders

DEMO_PASSWORD = "charter-demo-2026"  # noqa: S105 (a published demo password, local quickstart only)
DEMO_ORG = "Demo Insurance Co."
PEOPLE = [
    ("admin@demo.charter.local", "Ada Admin", OrganizationMembership.Role.ADMIN),
    ("pm@demo.charter.local", "Priya Manager", OrganizationMembership.Role.MEMBER),
    (
        "compliance@demo.charter.local",
        "Colin Compliance",
        OrganizationMembership.Role.COMPLIANCE_OFFICER,
    ),
    ("viewer@demo.charter.local", "Vera Viewer", OrganizationMembership.Role.MEMBER),
]


class Command(BaseCommand):
    help = "Load the demo organisation, people and projects (does nothing if already loaded)."

    def handle(self, *args: Any, **options: Any) -> None:
        if Organization.objects.filter(name=DEMO_ORG).exists():
            self.stdout.write("Demo data already loaded.")
            return
        with transaction.atomic():
            self._load()
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))

    def _user(self, email: str, name: str) -> User:
        return accounts.user_register(email=email, password=DEMO_PASSWORD, full_name=name)

    def _load(self) -> None:
        users = {email: self._user(email, name) for email, name, _ in PEOPLE}
        admin = users["admin@demo.charter.local"]
        pm = users["pm@demo.charter.local"]
        viewer = users["viewer@demo.charter.local"]
        org = accounts.organization_create(actor=admin, name=DEMO_ORG)
        for email, _, role in PEOPLE[1:]:
            OrganizationMembership.objects.create(organization=org, user=users[email], role=role)

        claims = projects.project_create(
            actor=pm,
            organization=org,
            name="Claims triage assistant",
            description="An LLM assistant that reads first notices of loss and routes claims.",
            use_case={
                "problem_statement": "Claims handlers spend hours reading and routing new claims.",
                "end_users": "Claims handlers and team leads",
                "business_goals": "Halve the time from first notice to assignment.",
                "intended_purpose": "Suggest a routing and a summary; a handler decides.",
            },
        )
        projects.project_member_add(actor=pm, project=claims, user=viewer, role="viewer")
        projects.scope_version_create(
            actor=pm,
            project=claims,
            goals="Cut triage time by half without more misrouted claims.",
            deliverables="Pilot in the motor claims team; evaluation report.",
            timeline_start=timezone.localdate(),
            timeline_end=timezone.localdate() + timedelta(days=180),
            milestones=[
                {"title": "Pilot starts", "due_date": timezone.localdate() + timedelta(days=60)},
                {"title": "Go / no-go", "due_date": timezone.localdate() + timedelta(days=150)},
            ],
            success_criteria=[
                {
                    "metric": "Median triage time",
                    "comparison": "lte",
                    "target": "4",
                    "unit": "hours",
                },
                {"metric": "Misrouted claims", "comparison": "lte", "target": "2", "unit": "%"},
            ],
            out_of_scope=["Automatic claim decisions"],
            assumptions=["Claims data can be used for this purpose"],
        )
        for ref, likelihood, impact in [
            ("nist-ai-600-1:2", 4, 4),
            ("owasp-llm:LLM01", 3, 4),
            ("nist-ai-600-1:4", 2, 5),
        ]:
            projects.risk_create_from_library(
                actor=pm,
                project=claims,
                library_ref=ref,
                likelihood=likelihood,
                impact=impact,
                owner=pm,
            )
        person = stakeholders.stakeholder_create(
            actor=pm,
            organization=org,
            name="Dana Okafor",
            email="dana@claims.example",
            unit="Motor claims",
            kind="end_user",
            influence=3,
            interest=5,
        )
        stakeholders.stakeholder_link(
            actor=pm, project=claims, stakeholder=person, role="Team lead"
        )
        stakeholders.workshop_schedule(
            actor=pm,
            project=claims,
            stakeholders=[person.pk],
            title="Expectations workshop",
            purpose="Hear what claims handlers expect and fear.",
            starts_at=timezone.now() + timedelta(days=7),
            time_zone="Europe/London",
        )

        projects.project_create(
            actor=pm,
            organization=org,
            name="Customer support chatbot",
            description="Retrieval-augmented answers to policyholder questions from our FAQ.",
        )
        projects.project_create(
            actor=admin,
            organization=org,
            name="Underwriting summariser",
            description="Summaries of broker submissions for underwriters.",
        )

        # A second organisation shows that tenants never see each other.
        other_admin = self._user("admin@northwind.charter.local", "Nadia Northwind")
        northwind = accounts.organization_create(actor=other_admin, name="Northwind Health")
        projects.project_create(
            actor=other_admin,
            organization=northwind,
            name="Clinical notes summariser",
            description="Draft discharge summaries for review by clinicians.",
        )
