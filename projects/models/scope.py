"""The scope document: versioned goals, deliverables, milestones and measurable success criteria.

Versions are never edited in place: an edit creates a new version from the latest one, and a
version moves draft → in review → approved (or changes requested) through review.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.fields import LimitedTextField
from core.models import BaseModel


class ScopeDocument(BaseModel):
    """One per project; points at its approved version once there is one."""

    policy_project_path = "project"

    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, related_name="scope_document"
    )
    approved_version = models.ForeignKey(
        "projects.ScopeVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    def __str__(self) -> str:
        return f"Scope of {self.project_id}"


class ScopeVersion(BaseModel):
    policy_project_path = "document__project"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        APPROVED = "approved", "Approved"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        SUPERSEDED = "superseded", "Superseded"

    document = models.ForeignKey(ScopeDocument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    goals = LimitedTextField(max_length=10000)
    deliverables = LimitedTextField(blank=True, max_length=10000)
    timeline_start = models.DateField(null=True, blank=True)
    timeline_end = models.DateField(null=True, blank=True)
    # Lists of short statements, one item each.
    out_of_scope = models.JSONField(default=list, blank=True)
    assumptions = models.JSONField(default=list, blank=True)
    constraints = models.JSONField(default=list, blank=True)
    change_summary = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="scope_version_unique"),
            models.CheckConstraint(
                condition=Q(
                    status__in=["draft", "in_review", "approved", "changes_requested", "superseded"]
                ),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(timeline_start__isnull=True)
                | Q(timeline_end__isnull=True)
                | Q(timeline_end__gte=models.F("timeline_start")),
                name="%(app_label)s_%(class)s_timeline_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.number}"


class Milestone(BaseModel):
    policy_project_path = "version__document__project"

    version = models.ForeignKey(ScopeVersion, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    due_date = models.DateField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="milestone_position"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.due_date})"


class SuccessCriterion(BaseModel):
    """A measurable success criterion: metric, comparison, target and unit."""

    policy_project_path = "version__document__project"

    class Comparison(models.TextChoices):
        AT_LEAST = "gte", "at least"
        AT_MOST = "lte", "at most"
        EQUAL = "eq", "equal to"

    version = models.ForeignKey(
        ScopeVersion, on_delete=models.CASCADE, related_name="success_criteria"
    )
    position = models.PositiveSmallIntegerField()
    metric = models.CharField(max_length=200)
    comparison = models.CharField(
        max_length=3, choices=Comparison.choices, default=Comparison.AT_LEAST
    )
    target = models.DecimalField(max_digits=14, decimal_places=4)
    unit = models.CharField(max_length=40)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="criterion_position"),
            models.CheckConstraint(
                condition=Q(comparison__in=["gte", "lte", "eq"]),
                name="%(app_label)s_%(class)s_comparison_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.get_comparison_display()} {self.target} {self.unit}"


class ScopeReviewComment(BaseModel):
    policy_project_path = "version__document__project"

    class Decision(models.TextChoices):
        COMMENT = "comment", "Comment"
        APPROVED = "approved", "Approved"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"

    version = models.ForeignKey(ScopeVersion, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = LimitedTextField(blank=True, max_length=5000)
    decision = models.CharField(max_length=20, choices=Decision.choices, default=Decision.COMMENT)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.decision} on {self.version_id}"
