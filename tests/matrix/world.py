"""The matrix's world: one organisation with a project and one of each object the routes
take in their URLs, people in every role, a second organisation for the outsider, and the
clients that speak for each role. Everything is built through the services, like real data.

Also the "nothing changed" snapshot that every denied write is checked against.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.test import APIClient

from accounts import services as account_services
from accounts.models import (
    APIToken,
    Organization,
    OrganizationMembership,
    ProjectMembership,
    User,
)
from accounts.service_accounts import service_account_create, service_account_token_create
from audit.models import AuditEvent
from compliance import services as compliance_services
from compliance.models import ComplianceCheck, Framework, OrganizationFramework, Requirement
from compliance.services import audit_export_build, audit_export_request
from compliance.services.bias_audits import bias_audit_conduct
from compliance.services.dpia import dpia_start, dpia_submit, dpia_update
from compliance.services.publications import fact_sheet_publish
from compliance.services.retention import retention_rule_set
from compliance.services.subject_requests import subject_request_record
from core.actors import SYSTEM
from models_registry import services as registry_services
from models_registry import services as selection_services
from models_registry.models import CatalogueModel, Criterion, ModificationFlag
from notifications import kinds
from notifications.services import notify
from outbox.models import OutboxMessage
from projects import services as project_services
from projects.models import SuccessCriterion
from reports import services as report_services
from reports.periods import last_ended
from stakeholders import links
from stakeholders import services as stakeholder_services
from stakeholders.models import FeedbackInvite
from webhooks import services as webhook_services

OrgRole = OrganizationMembership.Role
ProjectRole = ProjectMembership.Role

PASSWORD = "matrix-horse-battery-staple"
EXPIRED = "expired_token"
INTAKE_KEY = "intake_key"

QUESTIONS: list[dict[str, Any]] = [
    {"kind": "rating", "prompt": "How useful would the assistant be?", "key": "usefulness"},
    {"kind": "text", "prompt": "Anything else?", "required": False},
]


def _user(email: str) -> User:
    return User.objects.create_user(email, PASSWORD, full_name=email.split("@")[0].title())


def _org(name: str, slug: str, admin: User) -> Organization:
    org = Organization.objects.create(name=name, slug=slug)
    OrganizationMembership.objects.create(organization=org, user=admin, role=OrgRole.ADMIN)
    return org


@dataclass
class World:
    org: Organization
    other_org: Organization
    users: dict[str, User]  # role name → the person holding it
    objects: dict[str, Any] = field(default_factory=dict)  # URL kwarg name → object or value
    html: dict[str, Client] = field(default_factory=dict)  # role → signed-in browser
    api: dict[str, APIClient] = field(default_factory=dict)  # role → token client


def build_world() -> World:
    """Build every object the routes need, through the services."""
    admin, outsider = _user("admin@acme.test"), _user("outsider@globex.test")
    org = _org("Acme Insurance", "acme-matrix", admin)
    other_org = _org("Globex", "globex-matrix", outsider)
    users = {"org_admin": admin, "outsider": outsider}
    for role, org_role in (
        ("compliance_officer", OrgRole.COMPLIANCE_OFFICER),
        ("org_member", OrgRole.MEMBER),
        ("manager", OrgRole.MEMBER),
        ("contributor", OrgRole.MEMBER),
        ("reviewer", OrgRole.MEMBER),
        ("viewer", OrgRole.MEMBER),
    ):
        users[role] = _user(f"{role.replace('_', '.')}@acme.test")
        OrganizationMembership.objects.create(organization=org, user=users[role], role=org_role)
    manager = users["manager"]
    project = project_services.project_create(
        actor=manager, organization=org, name="Claims assistant"
    )
    for role in ("contributor", "reviewer", "viewer"):
        project_services.project_member_add(
            actor=manager, project=project, user=users[role], role=role
        )
    objects: dict[str, Any] = {"org": org, "project": project}
    objects |= _scope_records(project, users)
    objects |= _stakeholder_records(project, manager)
    objects |= _organisation_records(org, users)
    objects |= _catalogue_records(org, users)
    # Requested by a second manager who holds none of the roles under test: the requester
    # never gives the manager sign-off (segregation of duties), and every role is asked here.
    requester = _user("requester@acme.test")
    OrganizationMembership.objects.create(organization=org, user=requester, role=OrgRole.MEMBER)
    project_services.project_member_add(
        actor=manager, project=project, user=requester, role="manager"
    )
    objects["gate_request"] = project_services.gate_request(actor=requester, project=project)
    objects |= _selection_records(project, users, requester)
    objects |= _compliance_records(project, users)
    objects |= _adapt_records(project, users, requester)
    objects |= _experiment_records(project, users, objects["model_version"])
    # An ad-hoc bias audit conducted by the requester, so every officer under test may sign.
    objects["bias_audit"] = bias_audit_conduct(
        actor=requester, project=project, findings="Slices within the threshold."
    )

    # A DPIA whose screening needs none, submitted by the requester: in review, unsigned,
    # so every manager and officer under test may sign it.
    objects["dpia"] = dpia_submit(
        actor=requester,
        dpia=dpia_update(
            actor=requester,
            dpia=dpia_start(actor=requester, project=project),
            screening_notes="No personal data reaches the model.",
        ),
    )
    objects |= _evidence_records(project, users, requester, objects["compliance_check"])
    # The fact sheet published on its public page (its purpose only).
    published = fact_sheet_publish(actor=requester, project=project, fields=["purpose"])
    objects["fact_sheet_publication"] = published
    objects["fact_sheet_public_id"] = published.public_id
    objects |= _privacy_records(org, users, objects["stakeholder"])
    objects["project_membership"] = ProjectMembership.objects.get(
        project=project, user=users["viewer"]
    )
    objects["audit_event"] = AuditEvent.objects.filter(project=project).earliest("occurred_at")
    objects["manager_uidb64"] = urlsafe_base64_encode(force_bytes(manager.pk))
    # A built export of the organisation's trail (the worker's job, run here in process).
    queued = audit_export_request(actor=admin, organization=org, filters={}, format="jsonl")
    objects["audit_export"] = audit_export_build(export_id=queued.pk)
    world = World(org=org, other_org=other_org, users=users, objects=objects)
    _clients(world)
    return world


def _scope_records(project: Any, users: dict[str, User]) -> dict[str, Any]:
    """An approved scope, a go feasibility study, a scored risk and a task: the Select gate's
    criteria on the projects side."""
    manager = users["manager"]
    version = project_services.scope_version_create(
        actor=users["contributor"],
        project=project,
        goals="Cut claims triage time by half.",
        timeline_start=date(2027, 1, 4),
        timeline_end=date(2027, 6, 30),
        milestones=[{"title": "Pilot", "due_date": date(2027, 3, 1)}],
        success_criteria=[
            {"metric": "Median triage time", "comparison": "lte", "target": "4", "unit": "hours"}
        ],
    )
    project_services.scope_version_submit(actor=users["contributor"], version=version)
    project_services.scope_version_approve(actor=users["reviewer"], version=version, comment="")
    study = project_services.feasibility_create(
        actor=users["contributor"],  # its author never signs it off: the manager does
        project=project,
        technology_rating="feasible",
        data_rating="with_effort",
        legal_rating="feasible",
        budget_rating="feasible",
        verdict="go",
        currency="EUR",
        estimated_cost="120000.00",
        budget_available="150000.00",
    )
    project_services.feasibility_sign_off(actor=manager, study=study)
    risk = project_services.risk_create_from_library(
        actor=manager,
        project=project,
        library_ref="owasp-llm:LLM01",
        likelihood=2,
        impact=3,
        owner=manager,
    )
    task = project_services.task_create(
        actor=manager, project=project, title="Collect claims samples", assignee=manager
    )
    return {"scope_version": version, "study": study, "risk": risk, "task": task}


def _selection_records(project: Any, users: dict[str, User], scorer: User) -> dict[str, Any]:
    """A catalogue model put forward beside building one, scored by `scorer` (who holds none
    of the roles under test, so every role is still blind), and a decision awaiting the
    compliance officer. Made while the project is briefly in Select, which its services
    require; it is back in Scope (with its pending gate request) for the routes."""
    manager = users["manager"]
    projects = type(project).objects
    projects.filter(pk=project.pk).update(phase="select")
    project.refresh_from_db()
    model = CatalogueModel.objects.create(
        organization=project.organization,
        provider="Acme AI",
        name="Falcon",
        source="closed_api",
        hosting="vendor_api",
    )
    bought = selection_services.candidate_create(
        actor=manager, project=project, catalogue_model=model, rationale="Reads claims well."
    )
    built = selection_services.candidate_create(
        actor=manager, project=project, name="Train our own", rationale="Unusual data."
    )
    criteria = list(Criterion.objects.filter(project=project))
    for candidate in (bought, built):
        for criterion in criteria:
            selection_services.score_record(
                actor=scorer,
                candidate=candidate,
                criterion=criterion,
                value=4 if candidate is bought else 2,
                justification="Seen in the pilot.",
            )
    selection_services.sheet_submit(actor=scorer, project=project)
    decision = selection_services.decision_record(
        actor=manager,
        project=project,
        chosen=bought,
        rationale="Best in the pilot.",
        rejected_reasons={str(built.pk): "Too slow to build."},
    )
    projects.filter(pk=project.pk).update(phase="scope")
    project.refresh_from_db()
    return {"criterion": criteria[0], "candidate": built, "decision": decision}


def _adapt_records(project: Any, users: dict[str, User], runner: User) -> dict[str, Any]:
    """A base version and an adaptation, a prompt with two versions, a dataset, a LoRA run,
    an evaluation bound to the approved scope's criterion, and a bias check of its slices run
    by `runner` (who holds none of the roles under test, so any of them may review it)."""
    manager = users["manager"]
    base = registry_services.model_version_create(
        actor=manager,
        project=project,
        base_model=CatalogueModel.objects.get(organization=project.organization, name="Falcon"),
    )
    tuned = registry_services.model_version_create(
        actor=manager, project=project, parent=base, adaptation="fine_tune"
    )
    prompt = registry_services.prompt_template_create(
        actor=manager, project=project, name="Triage", text="Route {{ claim }}."
    )
    registry_services.prompt_version_create(
        actor=manager, template=prompt, text="Route {{ claim }} to a team."
    )
    dataset = registry_services.dataset_create(
        actor=manager, project=project, name="Claims notes", source="Wiki", licence="Internal"
    )
    run = registry_services.fine_tune_run_create(
        actor=manager,
        project=project,
        name="LoRA 1",
        method="lora",
        base_version=base,
        dataset=dataset,
        hyperparameters={"rank": 8},
    )
    criterion = SuccessCriterion.objects.get(version__document__project=project)
    evaluation, _ = registry_services.evaluation_record(
        actor=manager,
        project=project,
        model_version=tuned,
        benchmark="Hold-out",
        metrics=[
            {"name": "median_hours", "value": "3.5", "criterion": criterion.pk},
            {"name": "median_hours", "value": "3.1", "slice_key": "team", "slice_value": "a"},
            {"name": "median_hours", "value": "3.9", "slice_key": "team", "slice_value": "b"},
        ],
    )
    bias_check = registry_services.bias_check_run(
        actor=runner, evaluation=evaluation, metric_name="median_hours", slice_key="team"
    )
    human_feedback = registry_services.feedback_record(
        actor=manager, project=project, text="It sent a hail claim to the motor team."
    )
    user_test = registry_services.user_test_record(
        actor=manager,
        project=project,
        model_version=tuned,
        held_on=date(2026, 11, 20),
        participants=6,
        tasks=["Route five claims"],
        attempts=30,
        successes=27,
    )
    # A plan written by the requester (so every manager under test may approve it) and an
    # incident of its deployment.
    deployment = registry_services.deployment_plan(
        actor=runner,
        project=project,
        name="Production",
        environment="production",
        model_version=tuned,
        stages=[
            {"traffic_percent": 10, "starts_on": date(2026, 1, 5), "exit_criteria": "No errors"},
            {"traffic_percent": 100, "starts_on": date(2026, 1, 12), "exit_criteria": "Stable"},
        ],
    )
    incident = registry_services.incident_open(
        actor=manager,
        project=project,
        title="Slow answers",
        severity="medium",
        deployment=deployment,
    )
    registry_services.post_market_plan_set(
        actor=manager,
        project=project,
        monitored="Routing accuracy from handler overrides, weekly.",
        review_every_days=30,
        reviewer=manager,
    )
    # A change flagged as a possible substantial modification (flags are raised only after
    # Adapt, and the world's project is earlier: the row is written as the flagging would).
    modification_flag = ModificationFlag.objects.create(
        project=project,
        kind=ModificationFlag.Kind.FINE_TUNE,
        phase="operate",
        source_type="modelversion",
        source_id=tuned.pk,
        model_version=tuned,
        summary=f"{tuned.name}: fine-tuning",
    )
    return {
        "deployment": deployment,
        "incident": incident,
        "modification_flag": modification_flag,
        "human_feedback": human_feedback,
        "user_test": user_test,
        "bias_check": bias_check,
        "model_version": tuned,
        "prompt": prompt,
        "dataset": dataset,
        "fine_tune_run": run,
        "evaluation": evaluation,
    }


# --- Integrate & operate: A/B tests ------------------------------------------------------------


def _experiment_records(project: Any, users: dict[str, User], tuned: Any) -> dict[str, Any]:
    """A running A/B test of the base version (control) against the tuned one, with totals
    posted for both arms, so its detail shows a real analysis."""
    manager = users["manager"]
    test = registry_services.ab_test_create(
        actor=manager,
        project=project,
        name="Routing A/B",
        metric_name="routed right",
        metric_kind="rate",
        variants=[
            {
                "name": "base",
                "is_control": True,
                "model_version": tuned.parent,
                "traffic_share": 50,
            },
            {"name": "tuned", "model_version": tuned, "traffic_share": 50},
        ],
    )
    registry_services.ab_test_start(actor=manager, test=test)
    for variant, successes in zip(test.variants.order_by("-is_control"), (120, 150), strict=True):
        registry_services.ab_test_results_post(
            actor=manager, variant=variant, sample_size=1000, successes=successes
        )
    return {"ab_test": test}


def _compliance_records(project: Any, users: dict[str, User]) -> dict[str, Any]:
    """The organisation follows one small framework, so the project has a check (not
    blocking: the gate request stands); the manager has proposed a classification that
    awaits a compliance officer."""
    framework = Framework.objects.create(
        key="matrix-framework",
        name="Matrix framework",
        edition="1",
        publisher="Charter tests",
        source_url="https://example.org/",
        data_version="test",
    )
    Requirement.objects.create(
        framework=framework,
        ref="M-1",
        title="Keep a record",
        kind="control",
        phase="scope",
        added_in="test",
    )
    OrganizationFramework.objects.create(organization=project.organization, framework=framework)
    compliance_services.checks_sync(actor=SYSTEM, project=project, reason="matrix")
    classification = compliance_services.classification_propose(
        actor=users["manager"],
        project=project,
        answers={"role": "deployer", "interacts_with_people": True},
        rationale="A chatbot for claims handlers.",
    )
    return {
        "classification": classification,
        "compliance_check": ComplianceCheck.objects.get(project=project),
        "framework": framework,
        "requirement": Requirement.objects.get(framework=framework, ref="M-1"),
    }


def _evidence_records(
    project: Any, users: dict[str, User], provider: User, check: ComplianceCheck
) -> dict[str, Any]:
    """A PDF provided by a manager who holds none of the roles under test (its owner never
    judges it, and every role is asked), attached to the check; a training record of that
    manager in the AI-literacy register."""
    evidence = compliance_services.evidence_add(
        actor=provider,
        project=project,
        kind="file",
        title="Record-keeping procedure",
        file=SimpleUploadedFile("procedure.pdf", b"%PDF-1.4\n%%EOF\n"),
        checks=[check],
    )
    record = compliance_services.training_record_create(
        actor=users["compliance_officer"],
        organization=project.organization,
        person=provider,
        course="AI literacy basics",
        provider="Acme Academy",
        completed_on=date(2026, 1, 15),
    )
    return {"evidence": evidence, "training_record": record}


def _privacy_records(org: Organization, users: dict[str, User], person: Any) -> dict[str, Any]:
    """An erasure request about the world's stakeholder, and a retention period."""
    request = subject_request_record(
        actor=users["compliance_officer"],
        organization=org,
        kind="erasure",
        subject_type="stakeholder",
        subject_id=person.pk,
    )
    rule = retention_rule_set(
        actor=users["org_admin"], organization=org, record_type="feedback_answers", days=365
    )
    return {"subject_request": request, "retention_rule": rule}


def _stakeholder_records(project: Any, manager: User) -> dict[str, Any]:
    """A linked stakeholder, a held workshop, an open feedback round with an invite, an
    intake key and one product feedback received through it."""
    person = stakeholder_services.stakeholder_create(
        actor=manager,
        organization=project.organization,
        name="Dana Claims",
        email="dana.claims@acme.test",
        kind="end_user",
    )
    link = stakeholder_services.stakeholder_link(actor=manager, project=project, stakeholder=person)
    workshop = stakeholder_services.workshop_schedule(
        actor=manager,
        project=project,
        stakeholders=[person.pk],
        title="Expectations workshop",
        starts_at=timezone.now() - timedelta(days=1),
        time_zone="Europe/Paris",
    )
    stakeholder_services.workshop_record_outcome(
        actor=manager, workshop=workshop, minutes="Agreed on scope.", attended=[person.pk]
    )
    feedback_round = stakeholder_services.feedback_round_create(
        actor=manager,
        project=project,
        title="Expectations",
        closes_at=timezone.now() + timedelta(days=7),
        questions=QUESTIONS,
    )
    stakeholder_services.feedback_round_open(
        actor=manager, feedback_round=feedback_round, stakeholders=[person.pk]
    )
    invite = FeedbackInvite.objects.get(round=feedback_round)
    key, plain_key = stakeholder_services.intake_key_create(
        actor=manager, project=project, name="Production"
    )
    return {
        "stakeholder": person,
        "stakeholder_link": link,
        "workshop": workshop,
        "feedback_round": feedback_round,
        "invite": invite,
        "feedback_token": links.make_token(invite),
        "withdrawal_token": links.make_withdrawal_token(person),
        "intake_key": key,
        "plain_intake_key": plain_key,
    }


def _organisation_records(org: Organization, users: dict[str, User]) -> dict[str, Any]:
    """A pending invitation, a use-case proposal, a membership and the manager's token."""
    invitation = account_services.invitation_create(
        actor=users["org_admin"], organization=org, email="newcomer@acme.test"
    )
    # The link's secret is made when the mail is sent; here, as the outbox's send step does.
    invitation, secret = account_services.invitation_link_issue(invitation_id=invitation.pk)
    proposal = project_services.proposal_submit(
        actor=users["org_member"],
        organization=org,
        title="Underwriting summaries",
        problem="Underwriters read long files.",
        intended_users="Underwriters",
        data_involved="Policy files",
        expected_benefit="Faster quotes",
    )
    token, _ = account_services.api_token_create(actor=users["manager"], name="CI")
    endpoint, _ = webhook_services.webhook_endpoint_create(
        actor=users["org_admin"],
        organization=org,
        url="https://grc.acme.test/charter",
        events=["gate.approved"],
    )
    (notification,) = notify(
        kind=kinds.REMINDER_DUE,
        recipients=[users["manager"]],
        organization=org,
        title="Risk review due",
        link="/projects/",
        key_parts=["matrix"],
    )
    schedule = report_services.report_schedule_create(
        actor=users["compliance_officer"], organization=org, cadence="weekly", formats=["csv"]
    )
    report, _ = report_services.report_generate_for_schedule(
        actor=SYSTEM,
        schedule=schedule,
        period=last_ended("weekly", timezone.now(), schedule.time_zone),
    )
    dead_letter = OutboxMessage.objects.create(
        kind=webhook_services.OUTBOX_KIND,
        key="matrix-dead-letter",
        payload={"endpoint_id": str(endpoint.pk), "document": {"id": "x", "event": "ping"}},
        status=OutboxMessage.Status.DEAD,
        attempts=8,
        last_error="HTTP 500",
        organization_id=org.pk,
        recipient=endpoint.url,
    )
    service_account = service_account_create(
        actor=users["org_admin"], organization=org, name="Matrix CI"
    )
    service_account_token, _ = service_account_token_create(
        actor=users["org_admin"], account=service_account, name="ci"
    )
    return {
        "service_account": service_account,
        "service_account_token": service_account_token,
        "report_schedule": schedule,
        "report": report,
        "webhook_endpoint": endpoint,
        "dead_letter": dead_letter,
        "invitation": invitation,
        "invitation_secret": secret,
        "proposal": proposal,
        "membership": OrganizationMembership.objects.get(
            organization=org, user=users["org_member"]
        ),
        "token": token,
        "notification": notification,
    }


def _catalogue_records(org: Organization, users: dict[str, User]) -> dict[str, Any]:
    """An assessed vendor and a catalogue model it provides."""
    admin = users["org_admin"]
    vendor = registry_services.vendor_create(actor=admin, organization=org, name="OpenAI")
    registry_services.vendor_assess(
        actor=users["compliance_officer"],
        vendor=vendor,
        assessed_on=date(2026, 1, 5),
        rating="medium",
        findings="SOC 2 report current.",
        next_review_on=date(2027, 1, 5),
    )
    vendor.refresh_from_db()
    model = registry_services.catalogue_model_create(
        actor=admin,
        organization=org,
        vendor=vendor,
        provider="OpenAI",
        name="GPT-4o",
        version="2024-08-06",
        source="closed_api",
        hosting="vendor_api",
        licence="Proprietary",
        input_price_per_million=Decimal("2.5000"),
        output_price_per_million=Decimal("10.0000"),
        currency="USD",
        price_as_of=date(2024, 11, 1),
    )
    return {"vendor": vendor, "catalogue_model": model}


def _clients(world: World) -> None:
    """A signed-in browser and a token client per role; anonymous and an expired token too."""
    world.html["anonymous"] = Client()
    world.api["anonymous"] = APIClient()
    for role, user in world.users.items():
        browser = Client()
        browser.force_login(user)
        world.html[role] = browser
        _, plain = account_services.api_token_create(actor=user, name="matrix")
        world.api[role] = APIClient(headers={"Authorization": f"Bearer {plain}"})
    token, plain = account_services.api_token_create(actor=world.users["org_admin"], name="old")
    APIToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(days=1))
    world.api[EXPIRED] = APIClient(headers={"Authorization": f"Bearer {plain}"})
    world.api[INTAKE_KEY] = APIClient(
        headers={"X-Charter-Intake-Key": world.objects["plain_intake_key"]}
    )


# --- "nothing changed" ------------------------------------------------------------------------

SNAPSHOT_APPS = (
    "audit",
    "accounts",
    "projects",
    "stakeholders",
    "compliance",
    "models_registry",
    "notifications",
)
# Reading a token writes when it was last used: bookkeeping, not a governed change. That one
# table is compared by content without that column instead of by writes.
TOKEN_TABLE = APIToken._meta.db_table


def _tables() -> list[str]:
    return sorted(
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.app_label in SNAPSHOT_APPS
        and not model._meta.proxy
        and model._meta.db_table != TOKEN_TABLE
    )


def _token_digest_sql() -> str:
    columns = [
        connection.ops.quote_name(str(f.column))
        for f in APIToken._meta.concrete_fields
        if f.column not in ("last_used_at", "last_used_ip")  # usage bookkeeping
    ]
    row = f"ROW({', '.join(columns)})::text"
    # Names from the model's own metadata, quoted: no outside input.
    order = f"string_agg({row}, '|' ORDER BY {row})"
    return f"SELECT md5(coalesce({order}, '')) FROM {TOKEN_TABLE}"  # noqa: S608


def snapshot() -> dict[str, Any]:
    """Rows written so far in this transaction, per table of the apps (audit included), and
    a digest of the token table: equal before and after a request means it wrote nothing.

    PostgreSQL counts every insert, update and delete of the current transaction
    (pg_stat_xact_user_tables), so even a write undone later in the request shows.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables "
            "WHERE relname = ANY(%s)",
            [_tables()],
        )
        writes: dict[str, Any] = {name: counts for name, *counts in cursor.fetchall()}
        cursor.execute(_token_digest_sql())
        writes[TOKEN_TABLE] = cursor.fetchone()[0]
    return writes
