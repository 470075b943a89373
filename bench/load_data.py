"""The load data: one organisation at the size of a large customer, for the benchmarks and for
trying Charter at scale (`python manage.py generate_load_data --scale N`, docs/performance.md).

At scale 1: 200 projects, 5,000 risks, 20,000 compliance checks, 2,000 stakeholders, 50,000
feedback answers, 1,000,000 audit events and 500,000 monitoring points; every count is
proportional to the scale (0.01 for the tests). The rows go in by PostgreSQL COPY, not
through the services: the services write one row and one audit event at a time, hours at
this size. What makes the result a Charter organisation and not a pile of rows:

- the audit chain is a valid chain: every event is an `AuditEvent` whose hash is computed by
  `audit.hashing.compute_hash`, its data by `audit.hashing.normalise`, linked from the
  chain's head by `prev_hash` exactly as `audit.writer.audit_record` links it, so
  `verify_audit_chain` passes on it;
- everything is drawn from one `random.Random(seed)` and dated back from a fixed moment
  (`until`): the same seed and scale give the same rows, ids and hashes included, and the
  organisation's slug carries the seed, so a second run of one seed is refused instead of
  mixing into the first.

The rows bypass the services, so `verify_audit_chain` reports the row changes captured in
the governed tables as direct writes: that is what they are.
"""

from __future__ import annotations

import json
import math
import random
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone
from psycopg import sql

from accounts.models import Organization, OrganizationMembership, ProjectMembership, User
from audit.hashing import GENESIS_HASH, compute_hash, normalise
from audit.models import AuditEvent
from compliance.models import ComplianceCheck, Framework, Requirement
from models_registry.models import (
    CatalogueModel,
    Deployment,
    ModelVersion,
    MonitoringBatch,
    MonitoringPoint,
)
from projects.models import Project, Risk
from stakeholders.models import (
    Answer,
    FeedbackInvite,
    FeedbackResponse,
    FeedbackRound,
    ProjectStakeholder,
    Question,
    Stakeholder,
)

# The default last moment of the generated history: fixed, so a seed always gives the same rows.
UNTIL = datetime(2026, 1, 1, tzinfo=UTC)
HISTORY = timedelta(days=365)
QUESTIONS_PER_ROUND = 5
METRICS = ("latency_ms", "error_rate", "toxicity", "cost_eur", "drift")
POINTS_PER_BATCH = 10_000
EVENT_CHUNK = 10_000  # events hashed and copied at a time: memory stays flat
EVENT_FIELDS = AuditEvent._meta.concrete_fields


@dataclass(frozen=True)
class Sizes:
    projects: int
    risks: int
    checks: int
    stakeholders: int
    answers: int
    events: int
    points: int

    @classmethod
    def at(cls, scale: float) -> Sizes:
        """The counts at `scale` (1 = the large organisation), each at least one."""
        if not (0 < scale <= 100):
            raise ValueError("the scale is a number above 0 and at most 100")
        return cls(**{name: max(1, round(count * scale)) for name, count in asdict(FULL).items()})


FULL = Sizes(
    projects=200,
    risks=5_000,
    checks=20_000,
    stakeholders=2_000,
    answers=50_000,
    events=1_000_000,
    points=500_000,
)


@dataclass(frozen=True)
class LoadData:
    organization: Organization
    admin: User
    sizes: Sizes


def organization_slug(seed: int) -> str:
    return f"load-data-{seed}"


class _Draw:
    """Every random choice of one run, from its seed."""

    def __init__(self, seed: int, until: datetime) -> None:
        # Reproducible on purpose: nothing drawn here is a secret.
        self.random = random.Random(seed)  # noqa: S311
        self.until = until

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.random.getrandbits(128), version=4)

    def moment(self) -> datetime:
        return self.until - timedelta(seconds=self.random.randrange(int(HISTORY.total_seconds())))

    def day(self, around: date, days: int = 180) -> date:
        return around + timedelta(days=self.random.randrange(-days, days))

    def words(self, count: int) -> str:
        return " ".join(self.random.choice(WORD_LIST) for _ in range(count))


WORDS = (
    "model drift claims triage vendor bias privacy prompt leakage latency cost review data "
    "quality retention consent fairness accuracy hallucination outage security audit "
    "transparency oversight escalation fallback"
)


WORD_LIST = WORDS.split()


def _copy(model: type[models.Model], rows: Iterable[dict[str, Any]]) -> int:
    """COPY `rows` (attname → value) into the model's table; a missing column takes the
    field's default, a serial id is left to the database, JSON is written as its text.
    Returns how many rows went in."""
    # A serial id (monitoring points) is the database's to give.
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)]
    columns = sql.SQL(", ").join(
        [sql.Identifier(f.attname if f.column is None else f.column) for f in fields]
    )
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table), columns
    )
    # Defaults that are constants or fresh containers (dict, list) are taken once; ids and
    # times must come with the row, from the seed.
    drawn = (uuid.uuid4, timezone.now)
    defaults = {f.attname: f.get_default() for f in fields if f.default not in drawn}
    json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}
    count = 0
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            values = []
            for field in fields:
                name = field.attname
                value = row[name] if name in row else defaults[name]
                if name in json_fields:
                    value = json.dumps(value, sort_keys=True)
                values.append(value)
            copy.write_row(values)
            count += 1
    return count


def _stamped(draw: _Draw, **values: Any) -> dict[str, Any]:
    """A BaseModel row: a drawn id and creation time, updated when created."""
    created = draw.moment()
    return {"id": draw.uuid(), "created_at": created, "updated_at": created, **values}


def _spread(total: int, buckets: int) -> list[int]:
    """`total` split over `buckets` as evenly as whole numbers allow."""
    share, extra = divmod(total, buckets)
    return [share + (1 if n < extra else 0) for n in range(buckets)]


def generate(
    *,
    scale: float,
    seed: int,
    until: datetime = UNTIL,
    progress: Callable[[str], None] = lambda line: None,
    sizes: Sizes | None = None,
) -> LoadData:
    """Write one organisation of `scale` (see the module's docstring) in one transaction;
    `sizes`, when given, replaces the scale's counts (the HTTP figures' own mix)."""
    sizes = sizes or Sizes.at(scale)
    slug = organization_slug(seed)
    if Organization.objects.filter(slug=slug).exists():
        raise ValueError(f"The organisation {slug} exists already: give another --seed.")
    draw = _Draw(seed, until)
    with transaction.atomic():
        return _generate(sizes, seed, draw, progress)


def _generate(sizes: Sizes, seed: int, draw: _Draw, progress: Callable[[str], None]) -> LoadData:
    start = draw.until - HISTORY
    # People: an administrator, a compliance officer, and project managers.
    people = max(3, sizes.projects // 4 + 2)
    users = [
        _stamped(
            draw,
            email=f"load-{seed}-{n}@load.invalid",
            full_name=f"Load user {n}",
            password="!" + draw.random.getrandbits(160).to_bytes(20).hex(),  # unusable
        )
        for n in range(people)
    ]
    _copy(User, users)
    organization_row = _stamped(draw, name=f"Load data {seed}", slug=organization_slug(seed))
    _copy(Organization, [organization_row])
    org_id = organization_row["id"]
    roles = [OrganizationMembership.Role.ADMIN, OrganizationMembership.Role.COMPLIANCE_OFFICER]
    _copy(
        OrganizationMembership,
        (
            _stamped(
                draw,
                organization_id=org_id,
                user_id=user["id"],
                role=roles[n] if n < len(roles) else OrganizationMembership.Role.MEMBER,
            )
            for n, user in enumerate(users)
        ),
    )
    managers = [user["id"] for user in users[2:]]

    projects = [
        _stamped(
            draw,
            organization_id=org_id,
            name=f"Project {n + 1:04d} {draw.words(2)}",
            description=draw.words(12),
            phase=draw.random.choice(Project.Phase.values),
            owner_id=managers[n % len(managers)],
            risk_tier=draw.random.choice(Project.RiskTier.values),
        )
        for n in range(sizes.projects)
    ]
    _copy(Project, projects)
    _copy(
        ProjectMembership,
        (
            _stamped(
                draw, project_id=p["id"], user_id=p["owner_id"], role=ProjectMembership.Role.MANAGER
            )
            for p in projects
        ),
    )
    progress(f"{len(users)} users, {len(projects)} projects")

    risks: list[tuple[uuid.UUID, uuid.UUID]] = []  # (project, risk): the trail's targets
    for project, count in zip(projects, _spread(sizes.risks, len(projects)), strict=True):
        rows = list(_risks(draw, project, count))
        _copy(Risk, rows)
        risks += [(project["id"], row["id"]) for row in rows]
    progress(f"{len(risks)} risks")

    per_project = _spread(sizes.checks, len(projects))
    framework = _stamped(
        draw,
        key=f"load-data-{seed}"[:40],
        name=f"Load data framework {seed}",
        edition="1",
        publisher="Charter load data",
        source_url="https://charter.invalid/load-data",
        data_version="load-data",
    )
    _copy(Framework, [framework])
    requirements = [
        _stamped(
            draw,
            framework_id=framework["id"],
            ref=f"L.{n + 1}",
            title=draw.words(8),
            kind=Requirement.Kind.CONTROL,
            phase=draw.random.choice(("scope", "select", "adapt", "integrate", "operate")),
        )
        for n in range(max(per_project))
    ]
    _copy(Requirement, requirements)
    checks: list[tuple[uuid.UUID, uuid.UUID]] = []
    for project, count in zip(projects, per_project, strict=True):
        rows = list(_checks(draw, project, requirements[:count]))
        _copy(ComplianceCheck, rows)
        checks += [(project["id"], row["id"]) for row in rows]
    progress(f"{len(checks)} compliance checks")

    stakeholders = [
        _stamped(
            draw,
            organization_id=org_id,
            name=f"Stakeholder {n + 1}",
            email=f"stakeholder-{n + 1}@load.invalid",
            unit=draw.words(1),
            kind=draw.random.choice(Stakeholder.Kind.values),
            influence=draw.random.randint(1, 5),
            interest=draw.random.randint(1, 5),
        )
        for n in range(sizes.stakeholders)
    ]
    _copy(Stakeholder, stakeholders)
    answers = _feedback(draw, sizes, projects, stakeholders, managers)
    progress(f"{len(stakeholders)} stakeholders, {answers} feedback answers")

    points = _monitoring(draw, sizes, projects, org_id, managers[0])
    progress(f"{points} monitoring points")

    targets = {
        "projects.project": [(p["id"], p["id"]) for p in projects],
        "projects.risk": risks,
        "compliance.compliancecheck": checks,
    }
    events = _audit_chain(draw, sizes.events, org_id, targets, [u["id"] for u in users], start)
    progress(f"{events} audit events")
    return LoadData(
        organization=Organization.objects.get(pk=org_id),
        admin=User.objects.get(pk=users[0]["id"]),
        sizes=sizes,
    )


def risks_add(project: Project, count: int, *, seed: int, until: datetime = UNTIL) -> int:
    """Copy `count` more generated risks into `project` (after its highest reference): the
    one large register the HTTP figures page through."""
    first = (
        Risk.objects.filter(project=project).aggregate(m=models.Max("reference"))["m"] or 0
    ) + 1
    row = {"id": project.pk, "owner_id": project.owner_id}
    with transaction.atomic():
        return _copy(Risk, _risks(_Draw(seed, until), row, count, first=first))


def _risks(
    draw: _Draw, project: dict[str, Any], count: int, *, first: int = 1
) -> Iterator[dict[str, Any]]:
    for reference in range(first, first + count):
        scored = draw.random.random() < 0.9  # a tenth not yet scored
        yield _stamped(
            draw,
            project_id=project["id"],
            reference=reference,
            title=f"{draw.words(3).capitalize()} risk",
            category=draw.random.choice(Risk.Category.values),
            description=draw.words(20),
            likelihood=draw.random.randint(1, 5) if scored else None,
            impact=draw.random.randint(1, 5) if scored else None,
            owner_id=project["owner_id"],
            mitigation_plan=draw.words(10),
            status=draw.random.choice(Risk.Status.values),
            review_date=draw.day(draw.until.date()),
        )


def _checks(
    draw: _Draw, project: dict[str, Any], requirements: Sequence[dict[str, Any]]
) -> Iterator[dict[str, Any]]:
    statuses = [s for s in ComplianceCheck.Status.values if s != "not_applicable"]
    for requirement in requirements:
        yield _stamped(
            draw,
            project_id=project["id"],
            requirement_id=requirement["id"],
            status=draw.random.choice(statuses),
            owner_id=project["owner_id"],
            due_date=draw.day(draw.until.date()),
            phase=requirement["phase"],
            blocking=draw.random.random() < 0.3,
        )


def _feedback(
    draw: _Draw,
    sizes: Sizes,
    projects: Sequence[dict[str, Any]],
    stakeholders: Sequence[dict[str, Any]],
    managers: Sequence[uuid.UUID],
) -> int:
    """Closed feedback rounds of rating questions: each response answers every question;
    a round invites each stakeholder at most once, so a project with more responses than
    the organisation has stakeholders gets more rounds."""
    responses = math.ceil(sizes.answers / QUESTIONS_PER_ROUND)
    rounds: list[dict[str, Any]] = []
    questions: list[dict[str, Any]] = []
    invites: list[dict[str, Any]] = []
    answered: list[tuple[dict[str, Any], dict[str, Any], int, uuid.UUID]] = []
    links: dict[tuple[uuid.UUID, uuid.UUID], None] = {}  # ordered, once each
    answers_left = sizes.answers
    offset = 0
    for project, count in zip(projects, _spread(responses, len(projects)), strict=True):
        for start in range(0, count, len(stakeholders)):
            round_row = _stamped(
                draw,
                project_id=project["id"],
                title=f"Feedback on {draw.words(2)}",
                closes_at=draw.moment(),
                status=FeedbackRound.Status.CLOSED,
                created_by_id=managers[0],
            )
            rounds.append(round_row)
            asked = [
                _stamped(
                    draw,
                    round_id=round_row["id"],
                    position=n + 1,
                    kind=Question.Kind.RATING,
                    prompt=f"How well does it {draw.words(2)}?",
                )
                for n in range(QUESTIONS_PER_ROUND)
            ]
            questions += asked
            for n in range(min(len(stakeholders), count - start)):
                stakeholder = stakeholders[(offset + n) % len(stakeholders)]
                links[(project["id"], stakeholder["id"])] = None
                invite = _stamped(
                    draw,
                    round_id=round_row["id"],
                    stakeholder_id=stakeholder["id"],
                    link_nonce=draw.random.getrandbits(128).to_bytes(16).hex(),
                )
                invite["sent_at"] = invite["responded_at"] = invite["created_at"]
                invites.append(invite)
                response = _stamped(draw, invite_id=invite["id"])
                response["submitted_at"] = response["created_at"]
                for question in asked[: min(QUESTIONS_PER_ROUND, answers_left)]:
                    answers_left -= 1
                    answered.append((response, question, draw.random.randint(1, 5), draw.uuid()))
            offset += count
    _copy(FeedbackRound, rounds)
    _copy(Question, questions)
    _copy(
        ProjectStakeholder,
        (_stamped(draw, project_id=p, stakeholder_id=s, role="Respondent") for p, s in links),
    )
    _copy(FeedbackInvite, invites)
    seen: dict[uuid.UUID, dict[str, Any]] = {}
    for response, *_ in answered:
        seen.setdefault(response["id"], response)
    _copy(FeedbackResponse, seen.values())
    return _copy(
        Answer,
        (
            {
                "id": answer_id,
                "created_at": response["created_at"],
                "updated_at": response["created_at"],
                "response_id": response["id"],
                "question_id": question["id"],
                "rating": rating,
            }
            for response, question, rating, answer_id in answered
        ),
    )


def _monitoring(
    draw: _Draw,
    sizes: Sizes,
    projects: Sequence[dict[str, Any]],
    org_id: uuid.UUID,
    manager: uuid.UUID,
) -> int:
    """A production deployment for up to ten projects, with their points: the metrics of
    `METRICS` one a minute each, in batches of POINTS_PER_BATCH."""
    catalogue = _stamped(
        draw,
        organization_id=org_id,
        provider="Load AI",
        name="Load Large",
        source=CatalogueModel.Source.values[0],
        hosting=CatalogueModel.Hosting.values[0],
    )
    _copy(CatalogueModel, [catalogue])
    deployed = projects[: min(10, len(projects))]
    versions = [
        _stamped(
            draw,
            project_id=p["id"],
            number=1,
            name="v1",
            base_model_id=catalogue["id"],
            adaptation=ModelVersion.Adaptation.values[0],
            created_by_id=p["owner_id"],
        )
        for p in deployed
    ]
    _copy(ModelVersion, versions)
    deployments = [
        _stamped(
            draw,
            project_id=v["project_id"],
            name="Production",
            environment=Deployment.Environment.PRODUCTION,
            model_version_id=v["id"],
            status=Deployment.Status.values[0],
            created_by_id=v["created_by_id"],
        )
        for v in versions
    ]
    _copy(Deployment, deployments)
    written = 0
    for deployment, count in zip(deployments, _spread(sizes.points, len(deployments)), strict=True):
        if count == 0:
            continue
        minutes = math.ceil(count / len(METRICS))
        first = draw.until - timedelta(minutes=minutes)
        for batch_start in range(0, count, POINTS_PER_BATCH):
            size = min(POINTS_PER_BATCH, count - batch_start)
            batch = _stamped(
                draw,
                deployment_id=deployment["id"],
                batch_id=f"load-{batch_start // POINTS_PER_BATCH + 1}",
                points=size,
                posted_by_id=manager,
            )
            _copy(MonitoringBatch, [batch])
            written += _copy(
                MonitoringPoint,
                (
                    {
                        "deployment_id": deployment["id"],
                        "batch_id": batch["id"],
                        "metric": METRICS[n % len(METRICS)],
                        "at": first + timedelta(minutes=n // len(METRICS)),
                        "value": Decimal(draw.random.randrange(0, 10_000_000)) / 10_000,
                    }
                    for n in range(batch_start, batch_start + size)
                ),
            )
    return written


def _audit_chain(
    draw: _Draw,
    count: int,
    org_id: uuid.UUID,
    targets: dict[str, list[tuple[uuid.UUID, uuid.UUID]]],
    actors: Sequence[uuid.UUID],
    start: datetime,
) -> int:
    """`count` events on the organisation's chain, after its head, one second apart or
    closer, hashed and linked as the writer does (audit/writer.py)."""
    chain = str(org_id)
    head = (
        AuditEvent.objects.filter(chain=chain)
        .order_by("-sequence")
        .values_list("sequence", "hash")
        .first()
    )
    sequence, prev_hash = head if head else (0, GENESIS_HASH)
    step = (draw.until - start) / count
    kinds = (
        ("project.updated", "projects.project", "phase", Project.Phase.values),
        ("risk.updated", "projects.risk", "status", Risk.Status.values),
        ("compliance_check.updated", "compliance.compliancecheck", "status", ["in_progress"]),
    )
    written = 0
    while written < count:
        chunk: list[AuditEvent] = []
        for _ in range(min(EVENT_CHUNK, count - written)):
            sequence += 1
            action, target_type, field, values = draw.random.choice(kinds)
            project_id, target_id = draw.random.choice(targets[target_type])
            event = AuditEvent(
                id=draw.uuid(),
                chain=chain,
                sequence=sequence,
                occurred_at=start + step * (written + len(chunk)),
                organization_id=org_id,
                actor_id=draw.random.choice(actors),
                action=action,
                project_id=project_id,
                target_type=target_type,
                target_id=str(target_id),
                data=normalise(
                    {field: {"old": draw.random.choice(values), "new": draw.random.choice(values)}}
                ),
                origin="web",
                request_id=draw.random.getrandbits(64).to_bytes(8).hex(),
                ip_address=None,
                transaction_id=None,
                prev_hash=prev_hash,
            )
            event.hash = prev_hash = compute_hash(event)
            chunk.append(event)
        written += _copy(
            AuditEvent, ({f.attname: getattr(e, f.attname) for f in EVENT_FIELDS} for e in chunk)
        )
    return written
