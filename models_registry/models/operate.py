"""The Integrate & operate phase: deployments of a model version rolled out in stages, and the
incidents the system has in production — with the EU AI Act's serious-incident clock."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from core.fields import LimitedTextField
from core.models import BaseModel


class Deployment(BaseModel):
    """A model version (with its prompt version) deployed to an environment, following a
    rollout plan in stages: planned, approved by a manager who did not write it, then promoted
    one stage at a time, paused, resumed, completed or rolled back — or ended (decommissioned,
    or a plan withdrawn before it ever rolled out)."""

    policy_project_path = "project"

    class Environment(models.TextChoices):
        STAGING = "staging", "Staging"
        PRODUCTION = "production", "Production"
        CUSTOM = "custom", "Other"

    class Status(models.TextChoices):
        PLANNED = "planned", "Plan awaiting approval"
        APPROVED = "approved", "Plan approved"
        ROLLING_OUT = "rolling_out", "Rolling out"
        PAUSED = "paused", "Paused"
        COMPLETED = "completed", "Fully rolled out"
        ROLLED_BACK = "rolled_back", "Rolled back"
        ENDED = "ended", "Ended (decommissioned)"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="deployments"
    )
    name = models.CharField(max_length=160)
    environment = models.CharField(max_length=12, choices=Environment.choices)
    environment_name = models.CharField(max_length=80, blank=True)  # for "other"
    model_version = models.ForeignKey(
        "models_registry.ModelVersion", on_delete=models.PROTECT, related_name="deployments"
    )
    prompt_version = models.ForeignKey(
        "models_registry.PromptVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deployments",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    # The stage now serving traffic (its position); 0 before the rollout starts.
    current_stage = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    rollback_reason = LimitedTextField(blank=True, max_length=4000)
    end_reason = LimitedTextField(blank=True, max_length=4000)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(environment__in=["staging", "production", "custom"]),
                name="%(app_label)s_%(class)s_environment_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "planned",
                        "approved",
                        "rolling_out",
                        "paused",
                        "completed",
                        "rolled_back",
                        "ended",
                    ]
                ),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(environment="custom") | ~Q(environment_name=""),
                name="%(app_label)s_%(class)s_custom_environment_named",
            ),
            models.CheckConstraint(
                condition=~Q(status="rolled_back") | ~Q(rollback_reason=""),
                name="%(app_label)s_%(class)s_rollback_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="ended") | ~Q(end_reason=""),
                name="%(app_label)s_%(class)s_end_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def environment_label(self) -> str:
        return self.environment_name or self.get_environment_display()


class RolloutStage(BaseModel):
    """One stage of a rollout plan: the share of traffic, when it may start, and the exit
    criteria someone confirms before the next stage."""

    policy_project_path = "deployment__project"

    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="stages")
    position = models.PositiveSmallIntegerField()
    traffic_percent = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    starts_on = models.DateField()
    exit_criteria = LimitedTextField(max_length=4000)
    entered_at = models.DateTimeField(null=True, blank=True)
    exit_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    exit_confirmed_at = models.DateTimeField(null=True, blank=True)
    exit_note = LimitedTextField(blank=True, max_length=4000)

    class Meta:
        ordering = ["deployment", "position"]
        constraints = [
            models.UniqueConstraint(fields=["deployment", "position"], name="rollout_stage_once"),
            models.CheckConstraint(
                condition=Q(traffic_percent__gte=1, traffic_percent__lte=100),
                name="%(app_label)s_%(class)s_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Stage {self.position}: {self.traffic_percent} %"


class DeploymentEvent(BaseModel):
    """One line of a deployment's timeline: what happened, at which stage, by whom, why."""

    policy_project_path = "deployment__project"

    class Kind(models.TextChoices):
        PLANNED = "planned", "Plan written"
        APPROVED = "approved", "Plan approved"
        STARTED = "started", "Rollout started"
        EXIT_CONFIRMED = "exit_confirmed", "Exit criteria confirmed"
        PROMOTED = "promoted", "Promoted"
        PAUSED = "paused", "Paused"
        RESUMED = "resumed", "Resumed"
        COMPLETED = "completed", "Fully rolled out"
        ROLLED_BACK = "rolled_back", "Rolled back"
        ENDED = "ended", "Ended (decommissioned)"

    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    stage = models.PositiveSmallIntegerField(default=0)
    traffic_percent = models.PositiveSmallIntegerField(default=0)
    note = LimitedTextField(blank=True, max_length=4000)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.deployment_id})"


class Incident(BaseModel):
    """Something that went wrong in operation: its severity, owner, timeline, resolution and
    post-incident review. One marked serious under EU AI Act Art. 73 starts the reporting
    clock, its deadline taken from data with its legal source (models_registry/data/)."""

    policy_project_path = "project"

    class Severity(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"
        CRITICAL = "critical", "Critical"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        INVESTIGATING = "investigating", "Investigating"
        RESOLVED = "resolved", "Resolved"

    class Source(models.TextChoices):
        MANUAL = "manual", "Reported by a person"
        MONITORING = "monitoring", "A monitoring threshold"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="incidents"
    )
    title = models.CharField(max_length=200)
    description = LimitedTextField(blank=True, max_length=10000)
    severity = models.CharField(max_length=8, choices=Severity.choices)
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.OPEN)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    deployment = models.ForeignKey(
        Deployment, on_delete=models.PROTECT, null=True, blank=True, related_name="incidents"
    )
    model_version = models.ForeignKey(
        "models_registry.ModelVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    occurred_at = models.DateTimeField()
    # Art. 73: which kind of serious incident (a key of the deadlines data), since when the
    # organisation knew, when the report is due, and when it was made.
    serious_kind = models.CharField(max_length=40, blank=True)
    aware_at = models.DateTimeField(null=True, blank=True)
    report_due_at = models.DateTimeField(null=True, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    report_reference = models.CharField(max_length=200, blank=True)
    resolution = LimitedTextField(blank=True, max_length=10000)
    resolved_at = models.DateTimeField(null=True, blank=True)
    post_incident_review = LimitedTextField(blank=True, max_length=20000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The threshold whose breach opened it: while it is unresolved, no second one opens.
    threshold = models.ForeignKey(
        "models_registry.MonitoringThreshold",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incidents",
    )

    class Meta:
        ordering = ["-occurred_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(severity__in=["low", "medium", "high", "critical"]),
                name="%(app_label)s_%(class)s_severity_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "investigating", "resolved"]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            # A serious incident has its clock: since when it is known and when it is due.
            models.CheckConstraint(
                condition=Q(serious_kind="")
                | Q(aware_at__isnull=False, report_due_at__isnull=False),
                name="%(app_label)s_%(class)s_serious_has_a_clock",
            ),
            models.CheckConstraint(
                condition=~Q(status="resolved")
                | (Q(resolved_at__isnull=False) & ~Q(resolution="")),
                name="%(app_label)s_%(class)s_resolved_has_resolution",
            ),
        ]
        indexes = [models.Index(fields=["project", "status"])]
        constraints += [
            # One unresolved incident per breached threshold, whatever races.
            models.UniqueConstraint(
                fields=["threshold"],
                condition=Q(threshold__isnull=False) & ~Q(status="resolved"),
                name="incident_one_open_per_threshold",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_serious(self) -> bool:
        return bool(self.serious_kind)


class IncidentUpdate(BaseModel):
    """One entry of an incident's timeline."""

    policy_project_path = "incident__project"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="updates")
    text = LimitedTextField(max_length=5000)
    status = models.CharField(max_length=14, blank=True)  # the status it moved to, if any
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:60]


class MonitoringThreshold(BaseModel):
    """A limit on a monitored metric of a deployment: above or below a value for at least so
    many minutes (0: at once). A breach opens one incident, not one per point."""

    policy_project_path = "deployment__project"

    class Direction(models.TextChoices):
        ABOVE = "above", "Above"
        BELOW = "below", "Below"

    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="thresholds")
    metric = models.CharField(max_length=80)  # "latency_p95_ms", "error_rate", "drift_psi"…
    direction = models.CharField(max_length=5, choices=Direction.choices)
    value = models.DecimalField(max_digits=20, decimal_places=6)
    for_minutes = models.PositiveIntegerField(default=0, validators=[MaxValueValidator(10080)])
    severity = models.CharField(max_length=8, choices=Incident.Severity.choices, default="high")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["metric"]
        constraints = [
            models.UniqueConstraint(
                fields=["deployment", "metric", "direction"], name="monitoring_threshold_once"
            ),
            models.CheckConstraint(
                condition=Q(direction__in=["above", "below"]),
                name="%(app_label)s_%(class)s_direction_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.direction} {self.value}"

    def breached_by(self, value: Any) -> bool:
        return value > self.value if self.direction == self.Direction.ABOVE else value < self.value


class MonitoringBatch(BaseModel):
    """One posting of monitoring points, by the client's batch id: posted again, it adds
    nothing."""

    policy_project_path = "deployment__project"

    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="batches")
    batch_id = models.CharField(max_length=200)
    points = models.PositiveIntegerField()
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["deployment", "batch_id"], name="monitoring_batch_once")
        ]

    def __str__(self) -> str:
        return self.batch_id


class MonitoringPoint(models.Model):
    """One value of a monitored metric at one instant. Many rows, so a plain integer key and
    no updated_at: points are written once, in bulk, and never changed."""

    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="points")
    batch = models.ForeignKey(MonitoringBatch, on_delete=models.CASCADE, related_name="+")
    metric = models.CharField(max_length=80)
    at = models.DateTimeField()
    value = models.DecimalField(max_digits=20, decimal_places=6)

    policy_project_path = "deployment__project"

    class Meta:
        ordering = ["deployment", "metric", "at"]
        constraints = [
            models.UniqueConstraint(
                fields=["deployment", "metric", "at"], name="monitoring_point_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.metric}@{self.at:%Y-%m-%d %H:%M}={self.value}"


class PostMarketPlan(BaseModel):
    """The post-market monitoring plan of EU AI Act Art. 72: what is watched, how often it is
    reviewed, and by whom. Each review cycle leaves a dated record."""

    policy_project_path = "project"

    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, related_name="post_market_plan"
    )
    monitored = LimitedTextField(max_length=10000)  # what is monitored, and from which data
    review_every_days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(366)]
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Post-market monitoring plan of {self.project_id}"


class PostMarketReview(BaseModel):
    policy_project_path = "plan__project"

    plan = models.ForeignKey(PostMarketPlan, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    findings = LimitedTextField(max_length=10000)
    actions = LimitedTextField(blank=True, max_length=10000)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-reviewed_on", "-created_at"]

    def __str__(self) -> str:
        return f"Review of {self.reviewed_on}"
