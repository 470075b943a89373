"""`python manage.py load_demo_data`: two organisations, six people, four projects.

Everything is created through the services, exactly as the web pages and the API would, so the
demo sits on the audit trail and its chains verify. Running it again changes nothing: an
organisation that exists already is left alone. It lives in its own app, `demo`, on the top
floor, because it uses the services of every app below it and no app may depend on it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts import services as accounts_services
from accounts.models import Organization, OrganizationMembership, ProjectMembership, User
from compliance.models import Framework
from compliance.services.catalogue import catalogue_load, framework_follow
from demo.adapt import claims_adaptation
from demo.compliance import claims_evidence, demo_classifications
from demo.logins import DEMO_LOGINS, DEMO_ORGANIZATION, DEMO_PASSWORD, SECOND_ORGANIZATION
from demo.operate import claims_modification, claims_operation
from demo.privacy_consent import demo_consent_policy
from demo.privacy_inventory import claims_privacy
from demo.privacy_requests import demo_subject_requests
from demo.privacy_transparency import claims_fact_sheet
from demo.selection import claims_selection
from projects import services
from projects.models import Project, ScopeVersion
from stakeholders import services as stakeholder_services

OrgRole = OrganizationMembership.Role
ProjectRole = ProjectMembership.Role
NAMES = {email: name for email, name, _ in DEMO_LOGINS}

CLAIMS = {
    "name": "Claims triage assistant",
    "description": (
        "Reads first-notice-of-loss reports and routes each claim to the right handling team "
        "with a suggested priority and a short justification."
    ),
    "use_case": {
        "problem_statement": (
            "Claims handlers spend the first day of every claim reading free-text reports to "
            "decide who should handle it; urgent claims wait in the same queue as simple ones."
        ),
        "end_users": "Claims handlers and team leads in the motor and home claims centres.",
        "user_expectations": (
            "A routing suggestion with its reasons within a minute of the report arriving; "
            "the handler can always override it."
        ),
        "business_goals": "Halve median triage time; route 90% of claims right the first time.",
        "intended_purpose": (
            "Decision support for routing claims. It never approves, rejects or prices a claim."
        ),
    },
}
SUPPORT = {
    "name": "Customer-support RAG chatbot",
    "description": (
        "Answers policyholders' questions on the website from the policy wordings and the "
        "help centre, citing its sources, and hands over to a human agent when unsure."
    ),
    "use_case": {
        "problem_statement": (
            "Half of the contact-centre calls ask questions the policy documents already answer."
        ),
        "end_users": "Policyholders on the website; contact-centre agents who take hand-overs.",
        "user_expectations": "Correct, cited answers in plain language, available at night.",
        "business_goals": "Deflect 30% of routine calls while keeping satisfaction above 4/5.",
        "intended_purpose": (
            "Answer questions about cover and procedures; no advice on whether a claim will pay."
        ),
    },
}
UNDERWRITING = {
    "name": "Underwriting summariser",
    "description": (
        "Summarises broker submissions for commercial property risks into a one-page brief "
        "for the underwriter."
    ),
    "use_case": {
        "problem_statement": (
            "Broker submissions run to hundreds of pages; underwriters skim them under time "
            "pressure and miss exclusions."
        ),
        "end_users": "Commercial property underwriters.",
        "business_goals": "Cut preparation time per submission from 3 hours to 1.",
        "intended_purpose": "Summaries for a human underwriter; no pricing or acceptance.",
    },
}
# The frameworks the demo organisation follows (chosen by its compliance officer).
DEMO_FRAMEWORKS = ("eu-ai-act", "gdpr", "iso-42001")
NORTHWIND_PROJECT: dict[str, Any] = {
    "name": "Clinical notes summariser",
    "description": "Drafts discharge summaries from clinical notes for a physician to review.",
}


class Command(BaseCommand):
    help = "Load the demo organisations, people and projects (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not Framework.objects.filter(key__in=DEMO_FRAMEWORKS).exists():
            catalogue_load()  # the demo follows frameworks, so the catalogue comes first
        for name, build in (
            (DEMO_ORGANIZATION, _demo_insurance),
            (SECOND_ORGANIZATION, _northwind),
        ):
            if Organization.objects.filter(name=name).exists():
                self.stdout.write(f"{name}: already loaded, left as it is.")
                continue
            with transaction.atomic():
                build()
            self.stdout.write(self.style.SUCCESS(f"{name}: loaded."))
        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}):")
        for email, _, what in DEMO_LOGINS:
            self.stdout.write(f"  {email:<32} {what}")


# --- people ---------------------------------------------------------------------------------


def _user(email: str) -> User:
    existing = User.objects.filter(email=email).first()
    if existing is not None:
        return existing
    return accounts_services.user_register(
        email=email, password=DEMO_PASSWORD, full_name=NAMES[email]
    )


def _join(admin: User, org: Organization, email: str, role: str) -> User:
    """Invite and accept, as a new colleague would: both steps land on the trail. The link is
    issued here rather than mailed (nobody reads the demo's mailboxes); the invitation's
    outbox message then finds it accepted and sends nothing."""
    invitation = accounts_services.invitation_create(
        actor=admin, organization=org, email=email, role=role
    )
    _, secret = accounts_services.invitation_link_issue(invitation_id=invitation.pk)
    existing = User.objects.filter(email=email).first()
    membership = accounts_services.invitation_accept(
        secret=secret, user=existing, full_name=NAMES[email], password=DEMO_PASSWORD
    )
    return membership.user


# --- Demo Insurance Co. -----------------------------------------------------------------------


def _demo_insurance() -> None:
    admin = _user("admin@demo.charter.local")
    org = accounts_services.organization_create(actor=admin, name=DEMO_ORGANIZATION)
    compliance = _join(admin, org, "compliance@demo.charter.local", OrgRole.COMPLIANCE_OFFICER)
    pm = _join(admin, org, "pm@demo.charter.local", OrgRole.MEMBER)
    viewer = _join(admin, org, "viewer@demo.charter.local", OrgRole.MEMBER)
    reviewer = _join(admin, org, "reviewer@demo.charter.local", OrgRole.MEMBER)

    claims = _project(pm, org, CLAIMS, viewer)
    _ready_for_select_gate(claims, pm, admin, compliance, workshop_with="Dana Moreau")
    request = services.gate_request(
        actor=pm, project=claims, note="Scope agreed with the claims centres."
    )
    # Segregation of duties: the requester does not sign as manager, the administrator does.
    services.gate_approve(actor=admin, request=request, capacity="manager")
    services.gate_approve(
        actor=compliance,
        request=request,
        capacity="compliance",
        comment="Decision support only; the DPIA is scheduled for the Select phase.",
    )
    services.project_member_add(actor=pm, project=claims, user=reviewer, role=ProjectRole.REVIEWER)
    claims_selection(claims, pm=pm, reviewer=reviewer, admin=admin, compliance=compliance)
    request = services.gate_request(
        actor=pm, project=claims, note="Decision approved: adaptation and evaluation start."
    )
    services.gate_approve(actor=admin, request=request, capacity="manager")
    services.gate_approve(actor=compliance, request=request, capacity="compliance")
    claims_adaptation(claims, pm=pm, reviewer=reviewer)
    request = services.gate_request(
        actor=pm, project=claims, note="v2 meets every success criterion; bias check cleared."
    )
    services.gate_approve(actor=admin, request=request, capacity="manager")
    services.gate_approve(actor=compliance, request=request, capacity="compliance")
    claims_operation(claims, pm=pm, admin=admin, compliance=compliance)
    request = services.gate_request(
        actor=pm, project=claims, note="In production at 100 %, watched against its thresholds."
    )
    services.gate_approve(actor=admin, request=request, capacity="manager")
    services.gate_approve(actor=compliance, request=request, capacity="compliance")

    support = _project(pm, org, SUPPORT, viewer)
    _ready_for_select_gate(support, pm, admin, compliance, workshop_with="Tom Becker")
    request = services.gate_request(
        actor=pm, project=support, note="Ready for model selection once compliance agrees."
    )
    services.gate_approve(actor=admin, request=request, capacity="manager")  # compliance next

    underwriting = _project(pm, org, UNDERWRITING, viewer)
    draft = _scope_version(underwriting, pm, goals="One-page briefs for commercial property.")
    services.scope_version_submit(actor=pm, version=draft)  # waiting for a reviewer
    services.risk_create_from_library(
        actor=pm, project=underwriting, library_ref="nist-ai-600-1:2", owner=pm
    )
    # Chosen last, as an organisation adopting Charter would: the checks they bring start now.
    for framework in Framework.objects.filter(key__in=DEMO_FRAMEWORKS):
        framework_follow(actor=compliance, organization=org, framework=framework)
    demo_classifications(
        claims=claims, support=support, underwriting=underwriting, compliance=compliance
    )
    claims_evidence(claims, pm=pm, compliance=compliance)
    claims_modification(claims, pm=pm, compliance=compliance)
    claims_privacy(claims, pm=pm)
    claims_fact_sheet(claims, compliance=compliance)
    demo_subject_requests(organization=org, compliance=compliance)
    demo_consent_policy(org, compliance=compliance)


def _project(pm: User, org: Organization, spec: dict[str, Any], viewer: User) -> Project:
    project = services.project_create(actor=pm, organization=org, **spec)
    services.project_member_add(actor=pm, project=project, user=viewer, role=ProjectRole.VIEWER)
    return project


def _scope_version(project: Project, author: User, *, goals: str) -> ScopeVersion:
    start = timezone.localdate() + timedelta(days=14)
    return services.scope_version_create(
        actor=author,
        project=project,
        goals=goals,
        deliverables="A pilot in one business unit, then a production roll-out.",
        timeline_start=start,
        timeline_end=start + timedelta(days=180),
        out_of_scope=["Automated decisions without a human in the loop"],
        assumptions=["Historic cases from the last three years can be used for evaluation"],
        milestones=[
            {"title": "Pilot with one team", "due_date": start + timedelta(days=60)},
            {"title": "Production roll-out", "due_date": start + timedelta(days=170)},
        ],
        success_criteria=[
            {"metric": "Median handling time", "comparison": "lte", "target": "4", "unit": "h"},
            {"metric": "Correct first routing", "comparison": "gte", "target": "90", "unit": "%"},
        ],
    )


def _ready_for_select_gate(
    project: Project, pm: User, admin: User, compliance: User, *, workshop_with: str
) -> None:
    """Meet every Scope → Select criterion through the services that own them; the study
    that the project manager wrote is signed off by the administrator, never its author."""
    version = _scope_version(project, pm, goals=project.business_goals)
    services.scope_version_submit(actor=pm, version=version)
    services.scope_version_approve(
        actor=compliance, version=version, comment="Measurable and proportionate."
    )
    study = services.feasibility_create(
        actor=pm,
        project=project,
        title="Feasibility study",
        technology_findings="Retrieval and classification with a hosted model meet the latency.",
        technology_rating="feasible",
        data_findings="Three years of labelled cases; free text needs pseudonymisation first.",
        data_rating="with_effort",
        legal_findings="Personal data under GDPR; decision support, not automated decisions.",
        legal_rating="feasible",
        budget_findings="Pilot within the innovation budget.",
        budget_rating="feasible",
        currency="EUR",
        estimated_cost="120000.00",
        budget_available="150000.00",
        verdict="go",
    )
    services.feasibility_sign_off(actor=admin, study=study)
    services.risk_create_from_library(
        actor=pm, project=project, library_ref="owasp-llm:LLM01", likelihood=2, impact=3, owner=pm
    )
    services.risk_create_from_library(
        actor=pm,
        project=project,
        library_ref="nist-ai-600-1:4",
        likelihood=3,
        impact=5,
        owner=pm,
        status="mitigating",
    )
    _held_workshop(project, pm, workshop_with)


def _held_workshop(project: Project, pm: User, stakeholder_name: str) -> None:
    first = stakeholder_name.split()[0].lower()
    person = stakeholder_services.stakeholder_create(
        actor=pm,
        organization=project.organization,
        name=stakeholder_name,
        email=f"{first}.{project.pk.hex[:6]}@stakeholders.demo.charter.local",
        unit="Claims operations" if "Claims" in project.name else "Customer service",
        kind="end_user",
    )
    stakeholder_services.stakeholder_link(actor=pm, project=project, stakeholder=person)
    workshop = stakeholder_services.workshop_schedule(
        actor=pm,
        project=project,
        stakeholders=[person.pk],
        title="Expectations workshop",
        purpose="Hear what the people who will use it expect, and what worries them.",
        starts_at=timezone.now() - timedelta(days=10),
        time_zone="Europe/Paris",
        duration_minutes=90,
        facilitator=pm,
    )
    stakeholder_services.workshop_record_outcome(
        actor=pm,
        workshop=workshop,
        minutes="Walked through the use case; agreed that handlers keep the final say.",
        attended=[person.pk],
        decisions=["Suggestions always show their reasons."],
        action_items=[
            {
                "title": "Share the first suggestions with the handlers for review",
                "assignee": pm,
                "due_date": timezone.localdate() + timedelta(days=14),
            }
        ],
    )


# --- Northwind Health: a second tenant, to show that organisations never see each other ------


def _northwind() -> None:
    admin = _user("admin@northwind.charter.local")
    org = accounts_services.organization_create(actor=admin, name=SECOND_ORGANIZATION)
    services.project_create(
        actor=admin,
        organization=org,
        name=NORTHWIND_PROJECT["name"],
        description=NORTHWIND_PROJECT["description"],
    )
