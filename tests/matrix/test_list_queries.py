"""List query budgets: every list answers with the same number of queries for 2 rows as for 12.

The lists are found by themselves: every API route named `…-list` (DRF's routers) and every
page flagged in `table.HTML_LISTS`. Each needs an entry in `BUILDERS` here — who reads it and
how to add n rows of what it lists — or `test_every_list_has_a_builder` fails.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from itertools import count
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Organization, OrganizationMembership, User
from accounts.service_accounts import service_account_create, service_account_token_create
from audit.checkpoints import checkpoints_write as audit_checkpoints_write
from compliance.models import (
    BiasAudit,
    Classification,
    ComplianceCheck,
    DpiaApproval,
    DpiaVersion,
    Evidence,
    FactSheetPublication,
    Framework,
    OrganizationFramework,
    Requirement,
    TrainingRecord,
)
from compliance.services import audit_export_request
from compliance.services.subject_requests import subject_request_record
from models_registry import services as registry_services
from models_registry.models import (
    ABTest,
    ABVariant,
    BiasCheck,
    Candidate,
    CatalogueModel,
    Criterion,
    Dataset,
    DecisionApproval,
    DecisionRecord,
    Deployment,
    DeploymentEvent,
    Evaluation,
    EvaluationMetric,
    FineTuneRun,
    HumanFeedback,
    Incident,
    IncidentUpdate,
    ModelVersion,
    ModificationFlag,
    OptimisationRecord,
    PromptTemplate,
    PromptVersion,
    RolloutStage,
    UserTestSession,
)
from notifications import kinds
from notifications.services import notification_mark_read, notify
from outbox.models import OutboxMessage, TaskRun
from projects import services as project_services
from projects.models import PhaseChange, Project
from reports.models import Report, ReportSchedule
from stakeholders import links
from stakeholders import services as stakeholder_services
from stakeholders.models import FeedbackInvite
from tests.matrix.routes import all_routes
from tests.matrix.table import HTML_LISTS, url_of
from tests.matrix.world import QUESTIONS, World
from webhooks import services as webhook_services

pytestmark = pytest.mark.django_db

ROUTES = all_routes()
LISTS = sorted(
    name for name, route in ROUTES.items() if route.is_api and name.endswith("-list")
) + sorted(HTML_LISTS)
SIZES = (2, 12)
_serial = count()


def _n() -> int:
    return next(_serial)


# --- builders: add n rows of the listed thing ----------------------------------------------


def organizations(w: World, n: int) -> None:
    for _ in range(n):
        i = _n()
        org = Organization.objects.create(name=f"Org {i}", slug=f"org-budget-{i}")
        OrganizationMembership.objects.create(organization=org, user=w.users["org_admin"])


def members(w: World, n: int) -> None:
    for _ in range(n):
        user = User.objects.create_user(f"member{_n()}@acme.test", "x")
        OrganizationMembership.objects.create(organization=w.org, user=user)


def invitations(w: World, n: int) -> None:
    for _ in range(n):
        account_services.invitation_create(
            actor=w.users["org_admin"], organization=w.org, email=f"invitee{_n()}@acme.test"
        )


def webhook_endpoints(w: World, n: int) -> None:
    for _ in range(n):
        webhook_services.webhook_endpoint_create(
            actor=w.users["org_admin"],
            organization=w.org,
            url=f"https://hooks{_n()}.acme.test/charter",
            events=["incident.opened"],
        )


def report_schedules(w: World, n: int) -> None:
    """n project schedules (one per project and cadence), each on a project of its own."""
    for _ in range(n):
        project = Project.objects.create(
            organization=w.org, owner=w.users["org_admin"], name=f"Reported {_n()}"
        )
        ReportSchedule.objects.create(
            organization=w.org,
            project=project,
            cadence="monthly",
            formats=["pdf", "csv"],
            created_by=w.users["org_admin"],
        )


def reports(w: World, n: int) -> None:
    """n report rows of past weeks (the rows a list shows; no files are needed for it)."""
    project = w.objects["project"]
    base = timezone.now().replace(microsecond=0) - timedelta(weeks=60)
    rows = []
    for _ in range(n):
        start = base - timedelta(weeks=_n())
        rows.append(
            Report(
                organization=w.org,
                project=project,
                scope=f"{w.org.pk}/{project.pk}",
                cadence="weekly",
                period_start=start,
                period_end=start + timedelta(weeks=1),
                time_zone="UTC",
                csv_path="x.csv",
                csv_sha256="0" * 64,
                generated_at=timezone.now(),
            )
        )
    Report.objects.bulk_create(rows)


def webhook_deliveries(w: World, n: int) -> None:
    endpoint = w.objects["webhook_endpoint"]
    for _ in range(n):
        event_id = str(uuid.uuid4())
        webhook_services.webhook_attempt_record(
            endpoint_id=endpoint.pk,
            document={"id": event_id, "event": "ping", "data": {}},
            attempt=1,
            status_code=500,
            error="HTTP 500",
            duration_ms=12,
        )


def dead_letters(w: World, n: int) -> None:
    for _ in range(n):
        OutboxMessage.objects.create(
            kind="webhooks.delivery",
            key=f"budget-dead-{_n()}",
            status=OutboxMessage.Status.DEAD,
            attempts=8,
            organization_id=w.org.pk,
            recipient=f"person{_n()}@acme.test",
        )


def task_runs(w: World, n: int) -> None:
    for _ in range(n):
        i = _n()
        TaskRun.objects.create(task_id=f"budget-{i}", task_name=f"tests.task_{i}")
        TaskRun.objects.create(task_id=f"budget-{i}-again", task_name=f"tests.task_{i}")


def notifications(w: World, n: int) -> None:
    """n notifications of the manager, on the world's project, half of them read."""
    for i in range(n):
        (notification,) = notify(
            kind=kinds.INCIDENT_OPENED,
            recipients=[w.users["manager"]],
            organization=w.org,
            project=w.objects["project"],
            title=f"Incident {_n()}",
            link="/projects/",
            key_parts=[uuid.uuid4()],
        )
        if i % 2:
            notification_mark_read(actor=w.users["manager"], notification=notification)


def tokens(w: World, n: int) -> None:
    for _ in range(n):
        account_services.api_token_create(actor=w.users["manager"], name=f"Token {_n()}")


def service_accounts(w: World, n: int) -> None:
    # Each with a token, so the page's tokens per account are counted too.
    for _ in range(n):
        account = service_account_create(
            actor=w.users["org_admin"], organization=w.org, name=f"Robot {_n()}"
        )
        service_account_token_create(actor=w.users["org_admin"], account=account, name="ci")


def service_account_tokens(w: World, n: int) -> None:
    for _ in range(n):
        service_account_token_create(
            actor=w.users["org_admin"], account=w.objects["service_account"], name=f"t{_n()}"
        )


def projects(w: World, n: int) -> None:
    for _ in range(n):
        project_services.project_create(
            actor=w.users["manager"], organization=w.org, name=f"Project {_n()}"
        )


def project_members(w: World, n: int) -> None:
    for _ in range(n):
        user = User.objects.create_user(f"colleague{_n()}@acme.test", "x")
        OrganizationMembership.objects.create(organization=w.org, user=user)
        project_services.project_member_add(
            actor=w.users["manager"], project=w.objects["project"], user=user, role="viewer"
        )


def proposals(w: World, n: int) -> None:
    for _ in range(n):
        project_services.proposal_submit(
            actor=w.users["org_member"],
            organization=w.org,
            title=f"Idea {_n()}",
            problem="Slow work.",
            intended_users="Clerks",
            data_involved="Letters",
            expected_benefit="Speed",
        )


def scope_versions(w: World, n: int) -> None:
    for _ in range(n):
        version = project_services.scope_version_create(
            actor=w.users["contributor"],
            project=w.objects["project"],
            goals=f"Goal {_n()}",
            timeline_start=date(2027, 1, 4),
            timeline_end=date(2027, 6, 30),
            milestones=[{"title": "Pilot", "due_date": date(2027, 3, 1)}],
            success_criteria=[
                {"metric": "Triage time", "comparison": "lte", "target": "4", "unit": "hours"}
            ],
        )
        project_services.scope_version_submit(actor=w.users["contributor"], version=version)
        project_services.scope_version_approve(actor=w.users["reviewer"], version=version)


def feasibility_studies(w: World, n: int) -> None:
    for _ in range(n):
        project_services.feasibility_create(
            actor=w.users["manager"], project=w.objects["project"], verdict="go"
        )


def risks(w: World, n: int) -> None:
    for _ in range(n):
        project_services.risk_create_from_library(
            actor=w.users["manager"],
            project=w.objects["project"],
            library_ref="owasp-llm:LLM02",
            likelihood=3,
            impact=4,
            owner=w.users["contributor"],
        )


def tasks(w: World, n: int) -> None:
    for _ in range(n):
        project_services.task_create(
            actor=w.users["manager"],
            project=w.objects["project"],
            title=f"Task {_n()}",
            assignee=w.users["manager"],
        )


def portfolio(w: World, n: int) -> None:
    """n more projects, each with a scored risk, an overdue task and a check of the world's
    framework, and n more workshops, feedback rounds, incidents and rolling-out deployments:
    every panel of the dashboard grows with n."""
    framework = Framework.objects.get(key="matrix-framework")
    for _ in range(n):
        project = project_services.project_create(
            actor=w.users["manager"], organization=w.org, name=f"Portfolio {_n()}"
        )
        project_services.risk_create_from_library(
            actor=w.users["manager"],
            project=project,
            library_ref="owasp-llm:LLM02",
            likelihood=3,
            impact=4,
            owner=w.users["manager"],
        )
        project_services.task_create(
            actor=w.users["manager"],
            project=project,
            title=f"Task {_n()}",
            assignee=w.users["manager"],
            due_date=timezone.localdate() - timedelta(days=3),
        )
        requirement = Requirement.objects.create(
            framework=framework,
            ref=f"P-{_n()}",
            title="Budget",
            kind="control",
            phase="scope",
            added_in="test",
        )
        ComplianceCheck.objects.create(project=project, requirement=requirement, phase="scope")
    workshops(w, n)
    for _ in range(n):
        stakeholder_services.feedback_round_open(
            actor=w.users["manager"],
            feedback_round=_round(w),
            stakeholders=[_stakeholder(w, link=True).pk],
        )
    incidents(w, n)
    deployments(w, n)
    Deployment.objects.filter(name__startswith="Deployment ").update(status="rolling_out")


def phase_changes(w: World, n: int) -> None:
    # Passing a gate for real takes a whole lifecycle; the history only lists rows.
    for _ in range(n):
        PhaseChange.objects.create(
            project=w.objects["project"],
            from_phase="scope",
            to_phase="select",
            direction=PhaseChange.Direction.FORWARD,
            actor=w.users["manager"],
        )


def _stakeholder(w: World, *, link: bool) -> Any:
    i = _n()
    person = stakeholder_services.stakeholder_create(
        actor=w.users["manager"],
        organization=w.org,
        name=f"Person {i}",
        email=f"person{i}@acme.test",
        kind="end_user",
    )
    if link:
        stakeholder_services.stakeholder_link(
            actor=w.users["manager"], project=w.objects["project"], stakeholder=person
        )
    return person


def stakeholders(w: World, n: int) -> None:
    for _ in range(n):
        _stakeholder(w, link=False)


def project_stakeholders(w: World, n: int) -> None:
    for _ in range(n):
        _stakeholder(w, link=True)


def workshops(w: World, n: int) -> None:
    for _ in range(n):
        person = _stakeholder(w, link=True)
        stakeholder_services.workshop_schedule(
            actor=w.users["manager"],
            project=w.objects["project"],
            stakeholders=[person.pk],
            title=f"Workshop {_n()}",
            starts_at=timezone.now() + timedelta(days=3),
            time_zone="Europe/Paris",
        )


def _round(w: World) -> Any:
    return stakeholder_services.feedback_round_create(
        actor=w.users["manager"],
        project=w.objects["project"],
        title=f"Round {_n()}",
        closes_at=timezone.now() + timedelta(days=7),
        questions=QUESTIONS,
    )


def feedback_rounds(w: World, n: int) -> None:
    for _ in range(n):
        _round(w)


def answered_rounds(w: World, n: int) -> None:
    """Rounds with one answer each to the `usefulness` question: the trend's points."""
    for _ in range(n):
        person = _stakeholder(w, link=True)
        feedback_round = _round(w)
        stakeholder_services.feedback_round_open(
            actor=w.users["manager"], feedback_round=feedback_round, stakeholders=[person.pk]
        )
        invite = FeedbackInvite.objects.get(round=feedback_round)
        question = feedback_round.questions.get(key="usefulness")
        stakeholder_services.feedback_submit(
            token=links.make_token(invite), answers={str(question.pk): 4}
        )


def consent_policies(w: World, n: int) -> None:
    for _ in range(n):
        stakeholder_services.consent_policy_publish(
            actor=w.users["org_admin"],
            organization=w.objects["org"],
            purpose="Processing of feedback answers",
            text=f"Terms {_n()}.",
            required_on_feedback=True,
        )


def consent_records(w: World, n: int) -> None:
    """Consent given by the world's stakeholder with an answer to each of n rounds."""
    policy = stakeholder_services.consent_policy_publish(
        actor=w.users["org_admin"],
        organization=w.objects["org"],
        purpose="Processing of feedback answers",
        text="We use your answers to shape the project.",
        required_on_feedback=True,
    )
    person = w.objects["stakeholder"]
    for _ in range(n):
        feedback_round = _round(w)
        stakeholder_services.feedback_round_open(
            actor=w.users["manager"], feedback_round=feedback_round, stakeholders=[person.pk]
        )
        invite = FeedbackInvite.objects.get(round=feedback_round)
        question = feedback_round.questions.get(key="usefulness")
        stakeholder_services.feedback_submit(
            token=links.make_token(invite),
            answers={str(question.pk): 4},
            consent=True,
            consent_version=policy.version,
        )


def intake_keys(w: World, n: int) -> None:
    for _ in range(n):
        stakeholder_services.intake_key_create(
            actor=w.users["manager"], project=w.objects["project"], name=f"Key {_n()}"
        )


def product_feedback(w: World, n: int) -> None:
    for _ in range(n):
        stakeholder_services.product_feedback_receive(
            key=w.objects["intake_key"], rating=4, comment=f"Fine {_n()}"
        )


def audit_events(w: World, n: int) -> None:
    """Events of the project, by several people (each a row of the trail)."""
    people = [w.users[r] for r in ("manager", "contributor", "org_admin")]
    for i in range(n):
        project_services.task_create(
            actor=people[i % len(people)], project=w.objects["project"], title=f"Step {_n()}"
        )


def audit_checkpoints(w: World, n: int) -> None:
    """Checkpoints of the organisation's chain, one per growth of it."""
    for _ in range(n):
        audit_events(w, 1)
        audit_checkpoints_write()


def audit_exports(w: World, n: int) -> None:
    """Exports of the organisation's trail, queued by several people."""
    people = [w.users[r] for r in ("org_admin", "compliance_officer")]
    for i in range(n):
        audit_export_request(
            actor=people[i % len(people)], organization=w.org, filters={}, format="csv"
        )


def catalogue_models(w: World, n: int) -> None:
    """Models, each with a vendor of its own (the vendor is read with the model)."""
    for _ in range(n):
        i = _n()
        vendor = registry_services.vendor_create(
            actor=w.users["org_admin"], organization=w.org, name=f"Vendor {i}"
        )
        registry_services.catalogue_model_create(
            actor=w.users["org_admin"],
            organization=w.org,
            vendor=vendor,
            provider=f"Provider {i}",
            name=f"Model {i}",
            source="closed_api",
            hosting="vendor_api",
            licence="MIT" if i % 2 else "Custom",
            modalities=["text"],
            input_price_per_million=Decimal("1.5"),
            currency="USD",
            price_as_of=date(2026, 1, 1),
        )


def vendors(w: World, n: int) -> None:
    for _ in range(n):
        vendor = registry_services.vendor_create(
            actor=w.users["org_admin"], organization=w.org, name=f"Vendor {_n()}"
        )
        registry_services.catalogue_model_create(
            actor=w.users["org_admin"],
            organization=w.org,
            vendor=vendor,
            provider=vendor.name,
            name="Model",
            source="open_weights",
            hosting="self_hosted",
        )


def vendor_assessments(w: World, n: int) -> None:
    """Assessments of the world's vendor, by several assessors."""
    people = [w.users["org_admin"], w.users["compliance_officer"]]
    for i in range(n):
        registry_services.vendor_assess(
            actor=people[i % len(people)],
            vendor=w.objects["vendor"],
            assessed_on=date(2025, 1, 1) + timedelta(days=_n() % 300),
            rating="low",
            findings=f"Review {i}",
            next_review_on=date(2027, 6, 1),
        )


def exchange_rates(w: World, n: int) -> None:
    for _ in range(n):
        registry_services.exchange_rate_set(
            actor=w.users["org_admin"],
            organization=w.org,
            currency="USD",
            rate=Decimal("0.9"),
            as_of=date(2020, 1, 1) + timedelta(days=_n()),
        )


def nothing(w: World, n: int) -> None:
    """The list is not read from the database (the risk library ships with the code)."""


Builder = Callable[[World, int], None]


# list route → (who reads it, builder, query string)
def selection(w: World, n: int) -> None:
    """n more candidates and n more criteria on the Select tab."""
    project = w.objects["project"]
    for _ in range(n):
        i = _n()
        model = CatalogueModel.objects.create(
            organization=w.org,
            provider="Budget AI",
            name=f"Model {i}",
            source="open_weights",
            hosting="self_hosted",
            licence="Apache-2.0",
            licence_is_spdx=True,
        )
        Candidate.objects.create(
            project=project,
            kind="catalogue",
            catalogue_model=model,
            name=f"Budget AI Model {i}",
            rationale="Budget.",
            proposed_by=w.users["manager"],
        )
        Criterion.objects.create(project=project, name=f"Criterion {i}", weight=5)


def criteria(w: World, n: int) -> None:
    for _ in range(n):
        Criterion.objects.create(project=w.objects["project"], name=f"Criterion {_n()}", weight=5)


def candidates(w: World, n: int) -> None:
    for _ in range(n):
        i = _n()
        model = CatalogueModel.objects.create(
            organization=w.org,
            provider="Budget AI",
            name=f"Model {i}",
            source="closed_api",
            hosting="vendor_api",
            input_price_per_million="1.00",
            output_price_per_million="2.00",
            currency="USD",
        )
        Candidate.objects.create(
            project=w.objects["project"],
            kind="catalogue",
            catalogue_model=model,
            name=f"Budget AI Model {i}",
            rationale="Budget.",
            proposed_by=w.users["manager"],
        )


def decisions(w: World, n: int) -> None:
    """n more decision records, rejected ones (only one may be pending)."""
    project, chosen = w.objects["project"], w.objects["candidate"]
    for _ in range(n):
        decision = DecisionRecord.objects.create(
            project=project,
            number=100 + _n(),
            status="rejected",
            chosen=chosen,
            chosen_label=chosen.name,
            build_or_buy="build",
            open_or_closed="closed",
            rationale="Earlier attempt.",
            frozen_matrix=w.objects["decision"].frozen_matrix,
            recorded_by=w.users["manager"],
        )
        DecisionApproval.objects.create(
            decision=decision, approver=w.users["manager"], capacity="manager", verdict="approve"
        )


def compliance_checks(w: World, n: int) -> None:
    """n more requirements of the world's framework, each with the project's check."""
    framework = Framework.objects.get(key="matrix-framework")
    for _ in range(n):
        requirement = Requirement.objects.create(
            framework=framework,
            ref=f"B-{_n()}",
            title="Budget",
            kind="control",
            phase="scope",
            added_in="test",
        )
        ComplianceCheck.objects.create(
            project=w.objects["project"], requirement=requirement, phase="scope"
        )


def classifications(w: World, n: int) -> None:
    """n more (superseded) classifications of the project."""
    project, manager = w.objects["project"], w.users["manager"]
    for _ in range(n):
        Classification.objects.create(
            project=project,
            number=100 + _n(),
            status="superseded",
            role="deployer",
            tier="minimal",
            rationale="Earlier.",
            classified_by=manager,
        )


def model_versions(w: World, n: int) -> None:
    """n more adaptations of the world's version, by several people."""
    parent = w.objects["model_version"]
    people = [w.users["manager"], w.users["contributor"]]
    for i in range(n):
        number = 100 + _n()
        ModelVersion.objects.create(
            project=parent.project,
            number=number,
            name=f"v{number}",
            parent=parent,
            base_model_id=parent.base_model_id,
            adaptation="prompting",
            created_by=people[i % 2],
        )


def prompts(w: World, n: int) -> None:
    """n more templates, each with two versions."""
    project = w.objects["project"]
    for _ in range(n):
        template = PromptTemplate.objects.create(
            project=project, name=f"Prompt {_n()}", created_by=w.users["manager"]
        )
        for number in (1, 2):
            PromptVersion.objects.create(template=template, number=number, text=f"Text {number}")


def datasets(w: World, n: int) -> None:
    project = w.objects["project"]
    for _ in range(n):
        Dataset.objects.create(
            project=project,
            name=f"Data {_n()}",
            source="Wiki",
            licence="Internal",
            created_by=w.users["manager"],
        )


def fine_tune_runs(w: World, n: int) -> None:
    """n more runs, each with a version it made."""
    run = w.objects["fine_tune_run"]
    for _ in range(n):
        number = 100 + _n()
        made = ModelVersion.objects.create(
            project=run.project,
            number=number,
            name=f"v{number}",
            parent=run.base_version,
            adaptation="fine_tune",
        )
        FineTuneRun.objects.create(
            project=run.project,
            name=f"Run {number}",
            method="qlora",
            base_version=run.base_version,
            dataset=run.dataset,
            status="succeeded",
            result_version=made,
        )


def evaluations(w: World, n: int) -> None:
    """n more evaluations, each with an overall figure bound to the criterion and a slice."""
    first = w.objects["evaluation"]
    criterion = first.metrics.get(slice_key="").criterion
    for _ in range(n):
        evaluation = Evaluation.objects.create(
            project=first.project,
            model_version=first.model_version,
            benchmark=f"Bench {_n()}",
            evaluated_at=timezone.now(),
        )
        EvaluationMetric.objects.create(
            evaluation=evaluation, name="median_hours", value=3, criterion=criterion
        )
        EvaluationMetric.objects.create(
            evaluation=evaluation, name="median_hours", value=5, slice_key="team", slice_value="a"
        )


def bias_checks(w: World, n: int) -> None:
    """n more bias checks, reviewed by several people."""
    first = w.objects["bias_check"]
    people = [w.users["reviewer"], w.users["compliance_officer"]]
    for i in range(n):
        BiasCheck.objects.create(
            project=first.project,
            evaluation=first.evaluation,
            model_version=first.model_version,
            metric_name=first.metric_name,
            slice_key=first.slice_key,
            method="deviation",
            threshold="0.05",
            results=first.results,
            run_by=w.users["manager"],
            outcome="acceptable",
            reviewer=people[i % 2],
            reviewed_at=timezone.now(),
        )


def evidence(w: World, n: int) -> None:
    """n more links of the project, by different people, some judged."""
    people = [w.users["contributor"], w.users["manager"]]
    for i in range(n):
        Evidence.objects.create(
            project=w.objects["project"],
            kind="url",
            title=f"Link {_n()}",
            url="https://wiki.example/x",
            owner=people[i % 2],
            status="accepted" if i % 2 else "pending",
            judged_by=w.users["compliance_officer"] if i % 2 else None,
        )


def training_records(w: World, n: int) -> None:
    """n more training records of different people."""
    people = [w.users["viewer"], w.users["contributor"], w.users["reviewer"]]
    for i in range(n):
        TrainingRecord.objects.create(
            organization=w.org,
            person=people[i % 3],
            course=f"Course {_n()}",
            provider="Acme Academy",
            completed_on=date(2026, 1, 1),
            recorded_by=w.users["org_admin"],
        )


def subject_requests(w: World, n: int) -> None:
    """n more requests about stakeholders and members, owned by different keepers."""
    owners = [w.users["org_admin"], w.users["compliance_officer"]]
    members = [w.users["viewer"], w.users["contributor"]]
    for i in range(n):
        subject = _stakeholder(w, link=False) if i % 2 else members[i % 4 // 2]
        subject_request_record(
            actor=w.users["compliance_officer"],
            organization=w.org,
            kind="access",
            subject_type="stakeholder" if i % 2 else "user",
            subject_id=subject.pk,
            owner=owners[i % 2],
        )


def human_feedback(w: World, n: int) -> None:
    """n more items, triaged by several people, some addressed by the world's version."""
    version = w.objects["model_version"]
    people = [w.users["manager"], w.users["contributor"]]
    for i in range(n):
        HumanFeedback.objects.create(
            project=version.project,
            text=f"Feedback {_n()}",
            model_version=version.parent,
            status="addressed" if i % 2 else "accepted",
            addressed_in=version if i % 2 else None,
            triaged_by=people[i % 2],
        )


def user_tests(w: World, n: int) -> None:
    version = w.objects["model_version"]
    people = [w.users["manager"], w.users["contributor"]]
    for i in range(n):
        UserTestSession.objects.create(
            project=version.project,
            model_version=version,
            held_on=date(2026, 11, 1),
            participants=5,
            attempts=10,
            successes=8,
            created_by=people[i % 2],
        )


def ab_tests(w: World, n: int) -> None:
    """n more A/B tests, each with two variants, every other one finished by another person."""
    first = w.objects["ab_test"]
    version = w.objects["model_version"]
    people = [w.users["manager"], w.users["contributor"]]
    for i in range(n):
        test = ABTest.objects.create(
            project=first.project,
            name=f"A/B {_n()}",
            metric_name="csat",
            metric_kind="mean",
            status="finished" if i % 2 else "draft",
            outcome="not_significant" if i % 2 else "",
            created_by=people[i % 2],
        )
        ABVariant.objects.create(
            test=test, name="a", is_control=True, model_version=version.parent, traffic_share=60
        )
        ABVariant.objects.create(test=test, name="b", model_version=version, traffic_share=40)


def frameworks(w: World, n: int) -> None:
    """n more frameworks, each with a requirement, every other one followed."""
    for i in range(n):
        number = _n()
        framework = Framework.objects.create(
            key=f"matrix-extra-{number}",
            name=f"Extra framework {number}",
            edition="1",
            publisher="Charter tests",
            source_url="https://example.org/",
            data_version="test",
        )
        Requirement.objects.create(
            framework=framework, ref="E-1", title="Extra", kind="control", added_in="test"
        )
        if i % 2:
            OrganizationFramework.objects.create(organization=w.org, framework=framework)


def requirements(w: World, n: int) -> None:
    """n more requirements of the world's framework."""
    framework = Framework.objects.get(key="matrix-framework")
    for _ in range(n):
        Requirement.objects.create(
            framework=framework, ref=f"R-{_n()}", title="More", kind="control", added_in="test"
        )


def bias_audits(w: World, n: int) -> None:
    """n more audits, conducted and signed off by several people."""
    first = w.objects["bias_audit"]
    people = [w.users["manager"], w.users["compliance_officer"]]
    for i in range(n):
        BiasAudit.objects.create(
            project=first.project,
            kind="ad_hoc",
            status="signed_off",
            scheduled_by=people[i % 2],
            reviewed_checks=first.reviewed_checks,
            findings="Fine.",
            conducted_by=people[i % 2],
            conducted_at=timezone.now(),
            signed_off_by=w.users["org_admin"],
            signed_off_at=timezone.now(),
        )


def dpia_versions(w: World, n: int) -> None:
    """n more signed versions (before the world's open one), each with its two sign-offs,
    a dataset and a risk."""
    open_version = w.objects["dpia"]
    people = [w.users["manager"], w.users["compliance_officer"]]
    for _ in range(n):
        version = DpiaVersion.objects.create(
            project=open_version.project,
            number=1000 + _n(),
            status="signed_off",
            screening_notes="No personal data.",
            submitted_by=people[0],
            submitted_at=timezone.now(),
            signed_off_at=timezone.now(),
            created_by=people[0],
        )
        version.datasets.add(w.objects["dataset"])
        version.risks.add(w.objects["risk"])
        for person, capacity in zip(people, ("manager", "compliance"), strict=True):
            DpiaApproval.objects.create(dpia=version, approver=person, capacity=capacity)


def fact_sheet_publications(w: World, n: int) -> None:
    """n more publications of the fact sheet, taken down, by several people."""
    first = w.objects["fact_sheet_publication"]
    people = [w.users["manager"], w.users["compliance_officer"]]
    for i in range(n):
        FactSheetPublication.objects.create(
            project=first.project,
            fields=["purpose"],
            published_by=people[i % 2],
            published_at=timezone.now() - timedelta(days=i + 1),
            unpublished_by=people[(i + 1) % 2],
            unpublished_at=timezone.now() - timedelta(days=i),
        )


def deployments(w: World, n: int) -> None:
    """n more deployments, each with two stages and a timeline line, by several people."""
    first = w.objects["deployment"]
    people = [w.users["manager"], w.users["contributor"]]
    for i in range(n):
        deployment = Deployment.objects.create(
            project=first.project,
            name=f"Deployment {_n()}",
            environment="staging",
            model_version=first.model_version,
            created_by=people[i % 2],
        )
        for position, percent in ((1, 20), (2, 100)):
            RolloutStage.objects.create(
                deployment=deployment,
                position=position,
                traffic_percent=percent,
                starts_on=date(2026, 1, position),
                exit_criteria="Stable",
            )
        DeploymentEvent.objects.create(deployment=deployment, kind="planned", actor=people[i % 2])


def incidents(w: World, n: int) -> None:
    """n more incidents, each with an update, owned by several people."""
    first = w.objects["incident"]
    people = [w.users["manager"], w.users["contributor"]]
    for i in range(n):
        incident = Incident.objects.create(
            project=first.project,
            title=f"Incident {_n()}",
            severity="low",
            deployment=first.deployment,
            owner=people[i % 2],
            occurred_at=timezone.now(),
        )
        IncidentUpdate.objects.create(incident=incident, text="Looking.", author=people[i % 2])


def optimisations(w: World, n: int) -> None:
    """n more quantizations of the world's base version into its adaptation."""
    tuned = w.objects["model_version"]
    for _ in range(n):
        OptimisationRecord.objects.create(
            project=tuned.project,
            technique="quantization",
            bits=4,
            method=f"GPTQ {_n()}",
            before=tuned.parent,
            after=tuned,
            latency_p95_before=900,
            latency_p95_after=400,
        )


def modification_flags(w: World, n: int) -> None:
    """n more flagged changes, half of them assessed by the compliance officer."""
    first = w.objects["modification_flag"]
    for i in range(n):
        assessed = i % 2 == 1
        ModificationFlag.objects.create(
            project=first.project,
            kind="quantization",
            phase="operate",
            source_type="optimisationrecord",
            source_id=uuid.uuid4(),
            model_version=first.model_version,
            summary=f"Quantization {_n()}",
            status="not_substantial" if assessed else "open",
            assessment="Same weights class." if assessed else "",
            assessed_by=w.users["compliance_officer"] if assessed else None,
            assessed_at=timezone.now() if assessed else None,
        )


BUILDERS: dict[str, tuple[str, Builder, str]] = {
    "accounts-api:organization-list": ("org_admin", organizations, ""),
    "accounts-api:organization-member-list": ("org_admin", members, ""),
    "accounts-api:organization-invitation-list": ("org_admin", invitations, ""),
    "accounts-api:token-list": ("manager", tokens, ""),
    "accounts-api:organization-service-account-list": ("org_admin", service_accounts, ""),
    "accounts-api:organization-service-account-token-list": (
        "org_admin",
        service_account_tokens,
        "",
    ),
    "webhooks-api:webhook-list": ("org_admin", webhook_endpoints, ""),
    "reports-api:report-list": ("compliance_officer", reports, ""),
    "reports-api:report-schedule-list": ("compliance_officer", report_schedules, ""),
    "reports:report-list": ("compliance_officer", reports, ""),
    "webhooks:endpoint-list": ("org_admin", webhook_endpoints, ""),
    "webhooks:endpoint-detail": ("org_admin", webhook_deliveries, ""),
    "webhooks:dead-letter-list": ("org_admin", dead_letters, ""),
    "webhooks-api:dead-letter-list": ("org_admin", dead_letters, ""),
    "webhooks:task-run-list": ("org_admin", task_runs, ""),
    "webhooks-api:task-run-list": ("org_admin", task_runs, ""),
    "notifications-api:notification-list": ("manager", notifications, ""),
    "notifications:notification-list": ("manager", notifications, ""),
    "projects-api:project-list": ("manager", projects, ""),
    "projects-api:project-member-list": ("manager", project_members, ""),
    "projects-api:organization-proposal-list": ("org_admin", proposals, ""),
    "projects-api:scope-version-list": ("manager", scope_versions, ""),
    "projects-api:feasibility-study-list": ("manager", feasibility_studies, ""),
    "projects-api:risk-list": ("manager", risks, ""),
    "projects-api:risk-library-list": ("manager", nothing, ""),
    "projects-api:project-task-list": ("manager", tasks, ""),
    "projects-api:my-task-list": ("manager", tasks, ""),
    "projects-api:phase-history-list": ("manager", phase_changes, ""),
    "stakeholders-api:organization-stakeholder-list": ("org_admin", stakeholders, ""),
    "stakeholders-api:project-stakeholder-list": ("manager", project_stakeholders, ""),
    "stakeholders-api:project-workshop-list": ("manager", workshops, ""),
    "stakeholders-api:project-feedback-round-list": ("manager", feedback_rounds, ""),
    "stakeholders-api:feedback-trend-list": ("manager", answered_rounds, "?key=usefulness"),
    "stakeholders-api:project-intake-key-list": ("manager", intake_keys, ""),
    "stakeholders-api:project-product-feedback-list": ("manager", product_feedback, ""),
    "compliance-api:audit-event-list": ("org_admin", audit_events, ""),
    "compliance-api:audit-checkpoint-list": ("org_admin", audit_checkpoints, ""),
    "compliance-api:audit-export-list": ("org_admin", audit_exports, ""),
    "projects:project-list": ("manager", projects, ""),
    "home": ("manager", portfolio, ""),
    "models_registry:incident-list": ("viewer", incidents, ""),
    "projects:my-work": ("manager", tasks, ""),
    # What waits for the officer grows with the open flags (half of those built).
    "inbox:inbox": ("compliance_officer", modification_flags, ""),
    "inbox-api:my-inbox-list": ("compliance_officer", modification_flags, ""),
    "projects:proposal-list": ("org_admin", proposals, ""),
    "projects:risk-register": ("manager", risks, ""),
    "models_registry:selection": ("viewer", selection, ""),
    "compliance:project-compliance": ("viewer", compliance_checks, ""),
    "compliance:org-checks": ("compliance_officer", compliance_checks, ""),
    "compliance-api:compliance-check-list": ("viewer", compliance_checks, ""),
    "compliance-api:classification-list": ("viewer", classifications, ""),
    "compliance-api:classification-questionnaire-list": ("viewer", nothing, ""),
    "models-registry-api:criterion-list": ("viewer", criteria, ""),
    "models-registry-api:candidate-list": ("viewer", candidates, ""),
    "models-registry-api:decision-list": ("viewer", decisions, ""),
    "models-registry-api:model-version-list": ("viewer", model_versions, ""),
    "models-registry-api:prompt-list": ("viewer", prompts, ""),
    "models-registry-api:dataset-list": ("viewer", datasets, ""),
    "models-registry-api:fine-tune-run-list": ("viewer", fine_tune_runs, ""),
    "models-registry-api:evaluation-list": ("viewer", evaluations, ""),
    "models-registry-api:bias-check-list": ("viewer", bias_checks, ""),
    "models-registry-api:deployment-list": ("viewer", deployments, ""),
    "models-registry-api:incident-list": ("viewer", incidents, ""),
    "models-registry-api:optimisation-list": ("viewer", optimisations, ""),
    "models-registry-api:modification-flag-list": ("viewer", modification_flags, ""),
    "compliance-api:bias-audit-list": ("viewer", bias_audits, ""),
    "compliance-api:privacy-inventory-list": ("viewer", datasets, ""),
    "compliance-api:dpia-version-list": ("viewer", dpia_versions, ""),
    "compliance:privacy": ("viewer", datasets, ""),
    "compliance:dpia": ("viewer", dpia_versions, ""),
    "compliance-api:fact-sheet-publication-list": ("viewer", fact_sheet_publications, ""),
    "models-registry-api:human-feedback-list": ("viewer", human_feedback, ""),
    "models-registry-api:user-test-list": ("viewer", user_tests, ""),
    "models-registry-api:ab-test-list": ("viewer", ab_tests, ""),
    "models_registry:ab-tests": ("viewer", ab_tests, ""),
    "models_registry:operate": ("viewer", deployments, ""),
    "projects:feasibility-list": ("manager", feasibility_studies, ""),
    "projects:project-tasks": ("manager", tasks, ""),
    "projects:project-audit": ("manager", audit_events, ""),
    "accounts:member-list": ("org_admin", members, ""),
    "accounts:token-list": ("manager", tokens, ""),
    "accounts:service-account-list": ("org_admin", service_accounts, ""),
    "stakeholders:stakeholder-list": ("org_admin", stakeholders, ""),
    "stakeholders:project-stakeholders": ("manager", project_stakeholders, ""),
    "stakeholders:workshop-list": ("manager", workshops, ""),
    "stakeholders:feedback-round-list": ("manager", feedback_rounds, ""),
    "stakeholders:product-feedback": ("manager", product_feedback, ""),
    "stakeholders:consent-policy": ("org_admin", consent_policies, ""),
    "stakeholders:stakeholder-edit": ("org_admin", consent_records, ""),
    "stakeholders-api:organization-consent-policy-list": ("org_admin", consent_policies, ""),
    "stakeholders-api:stakeholder-consent-record-list": ("org_admin", consent_records, ""),
    "compliance:audit-trail": ("org_admin", audit_events, ""),
    "models-registry-api:catalogue-model-list": ("org_member", catalogue_models, ""),
    "models-registry-api:vendor-list": ("org_member", vendors, ""),
    "models-registry-api:vendor-assessment-list": ("org_member", vendor_assessments, ""),
    "models-registry-api:exchange-rate-list": ("org_member", exchange_rates, ""),
    "models_registry:catalogue-list": ("org_admin", catalogue_models, ""),
    "models_registry:catalogue-settings": ("org_admin", exchange_rates, ""),
    "models_registry:vendor-list": ("org_admin", vendors, ""),
    "models_registry:vendor-detail": ("org_admin", vendor_assessments, ""),
    "compliance:evidence-list": ("viewer", evidence, ""),
    "compliance-api:evidence-list": ("viewer", evidence, ""),
    "compliance:training-list": ("org_admin", training_records, ""),
    "compliance:subject-requests": ("compliance_officer", subject_requests, ""),
    "compliance-api:subject-request-list": ("compliance_officer", subject_requests, ""),
    # One rule per record type at most (compliance/retention.py): it cannot grow to 12.
    "compliance-api:retention-rule-list": ("compliance_officer", nothing, ""),
    "compliance-api:training-record-list": ("org_admin", training_records, ""),
    "compliance:catalogue": ("org_member", frameworks, ""),
    "compliance:framework-detail": ("org_member", requirements, ""),
    "compliance-api:framework-list": ("org_member", frameworks, ""),
    "compliance-api:requirement-list": ("org_member", requirements, ""),
    "compliance-api:followed-framework-list": ("org_member", frameworks, ""),
}


def test_every_list_has_a_builder() -> None:
    missing = [name for name in LISTS if name not in BUILDERS]
    gone = [name for name in BUILDERS if name not in LISTS]
    assert not missing, f"add a data builder to BUILDERS in {__file__} for: {missing}"
    assert not gone, f"no longer list routes, remove from BUILDERS: {gone}"


def _queries(world: World, name: str, role: str, query: str) -> Counter[str]:
    """The queries of one read of the list, by shape (literals left out)."""
    route = ROUTES[name]
    client: Any = (world.api if route.is_api else world.html)[role]
    url = url_of(world, route) + query
    client.get(url)  # warm: the token's last use, the session, caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (name, response.status_code)
    return Counter(re.sub(r"'[^']*'|\b\d+\b", "?", q["sql"]) for q in captured.captured_queries)


@pytest.mark.parametrize("name", LISTS)
def test_a_list_costs_the_same_queries_for_2_rows_as_for_12(world: World, name: str) -> None:
    role, build, query = BUILDERS[name]
    build(world, SIZES[0])
    few = _queries(world, name, role, query)
    build(world, SIZES[1] - SIZES[0])
    many = _queries(world, name, role, query)
    grown = "\n".join(f"{n} more × {sql[:300]}" for sql, n in (many - few).items())
    assert few.total() == many.total(), (
        f"{name}: {few.total()} queries for {SIZES[0]} rows, {many.total()} for {SIZES[1]}:\n"
        + grown
    )
