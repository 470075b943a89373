"""Stakeholders, workshops, feedback rounds and feedback from the deployed product.

Stakeholders are people, often outside the organisation: their name and email live on the
Stakeholder row only, and the audit trail refers to them by id (erasure must not break it).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.fields import LimitedTextField
from core.models import BaseModel

ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]


def _one_to_five(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
        name=f"%(app_label)s_%(class)s_{name}_1_to_5",
    )


class Stakeholder(BaseModel):
    policy_organization_path = "organization"
    # Names, addresses and notes about people never enter the trail (audit/personal.py).
    personal_fields = ("name", "email", "notes")
    audit_safe_fields = ("unit", "kind", "preferred_contact")
    # The projects a stakeholder takes part in, for the policy's rule on editing them.
    policy_linked_projects_path = "project_links__project"

    class Kind(models.TextChoices):
        BUSINESS = "business", "Business"
        TECHNICAL = "technical", "Technical"
        END_USER = "end_user", "End user"
        LEGAL = "legal", "Legal"
        REGULATOR = "regulator", "Regulator"
        EXECUTIVE = "executive", "Executive"
        OTHER = "other", "Other"

    class Contact(models.TextChoices):
        EMAIL = "email", "Email"
        PHONE = "phone", "Phone"
        MEETING = "meeting", "In person"
        CHAT = "chat", "Chat"

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="stakeholders"
    )
    name = models.CharField(max_length=150)
    email = models.EmailField(max_length=254)
    unit = models.CharField("organisation or unit", max_length=150, blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.BUSINESS)
    influence = models.PositiveSmallIntegerField(default=3, validators=ONE_TO_FIVE)
    interest = models.PositiveSmallIntegerField(default=3, validators=ONE_TO_FIVE)
    preferred_contact = models.CharField(
        max_length=16, choices=Contact.choices, default=Contact.EMAIL
    )
    notes = LimitedTextField(blank=True, max_length=5000)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stakeholder_profiles",
    )
    projects = models.ManyToManyField(
        "projects.Project", through="ProjectStakeholder", related_name="stakeholders"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"], name="stakeholder_email_unique_in_org"
            ),
            _one_to_five("influence"),
            _one_to_five("interest"),
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "business",
                        "technical",
                        "end_user",
                        "legal",
                        "regulator",
                        "executive",
                        "other",
                    ]
                ),
                name="%(app_label)s_%(class)s_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def quadrant(self) -> str:
        """Where the influence/interest grid puts this stakeholder."""
        high_influence, high_interest = self.influence >= 3, self.interest >= 3
        if high_influence and high_interest:
            return "manage_closely"
        if high_influence:
            return "keep_satisfied"
        if high_interest:
            return "keep_informed"
        return "monitor"


class ProjectStakeholder(BaseModel):
    policy_project_path = "project"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="stakeholder_links"
    )
    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.CASCADE, related_name="project_links"
    )
    role = models.CharField("role in the project", max_length=150, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "stakeholder"], name="project_stakeholder_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.stakeholder_id} on {self.project_id}"


class Workshop(BaseModel):
    policy_project_path = "project"

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="workshops"
    )
    title = models.CharField(max_length=200)
    purpose = LimitedTextField(blank=True, max_length=5000)
    agenda = LimitedTextField(blank=True, max_length=10000)
    starts_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64, default="UTC")
    duration_minutes = models.PositiveIntegerField(
        default=90, validators=[MinValueValidator(5), MaxValueValidator(24 * 60)]
    )
    location = models.CharField(max_length=300, blank=True)
    meeting_url = models.URLField(max_length=500, blank=True)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="facilitated_workshops",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    minutes = LimitedTextField(blank=True, max_length=50000)
    # RFC 5545: a reschedule or cancellation re-sends the same UID with a higher SEQUENCE.
    ics_sequence = models.PositiveIntegerField(default=0)
    invited = models.ManyToManyField(
        Stakeholder, through="WorkshopInvitation", related_name="workshops"
    )

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["scheduled", "held", "cancelled"]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["project", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def ics_uid(self) -> str:
        return f"workshop-{self.pk}@charter"


class WorkshopInvitation(BaseModel):
    policy_project_path = "workshop__project"

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="invitations")
    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.PROTECT, related_name="workshop_invitations"
    )
    attended = models.BooleanField(null=True, blank=True)
    last_sent_sequence = models.IntegerField(default=-1)  # the ics_sequence last mailed
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "stakeholder"], name="workshop_invitation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.stakeholder_id} to {self.workshop_id}"


class WorkshopDecision(BaseModel):
    policy_project_path = "workshop__project"

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="decisions")
    text = LimitedTextField(max_length=2000)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:60]


class FeedbackRound(BaseModel):
    """A feedback form sent to chosen stakeholders, open until its end date."""

    policy_project_path = "project"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="feedback_rounds"
    )
    title = models.CharField(max_length=200)
    shared_context = LimitedTextField("context shown to respondents", blank=True, max_length=5000)
    closes_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Closing the loop: "you said, we did", and what followed from the round.
    you_said_we_did = LimitedTextField(blank=True, max_length=10000)
    summary_sent_at = models.DateTimeField(null=True, blank=True)
    outcome_scope_version = models.ForeignKey(
        "projects.ScopeVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback_rounds",
    )
    outcome_note = LimitedTextField(blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "open", "closed"]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_accepting(self) -> bool:
        return self.status == self.Status.OPEN and self.closes_at > timezone.now()


class Question(BaseModel):
    policy_project_path = "round__project"

    class Kind(models.TextChoices):
        RATING = "rating", "Rating 1–5"
        SINGLE = "single", "Single choice"
        MULTIPLE = "multiple", "Multiple choice"
        TEXT = "text", "Free text"

    round = models.ForeignKey(FeedbackRound, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    prompt = models.CharField(max_length=500)
    help_text = models.CharField(max_length=500, blank=True)
    choices = models.JSONField(default=list, blank=True)
    required = models.BooleanField(default=True)
    # The same question asked across rounds shares a key, for the iterative comparison.
    key = models.SlugField(max_length=80, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["round", "position"], name="question_position"),
            models.CheckConstraint(
                condition=Q(kind__in=["rating", "single", "multiple", "text"]),
                name="%(app_label)s_%(class)s_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.prompt


class FeedbackInvite(BaseModel):
    """One stakeholder's personal link to one round.

    The link carries the invite id and `link_nonce`, signed with the site's secret key
    (stakeholders/links.py): the database alone cannot produce a valid link, a new nonce
    invalidates the old link, and the signature's age and the round's end date expire it.
    """

    policy_project_path = "round__project"

    round = models.ForeignKey(FeedbackRound, on_delete=models.CASCADE, related_name="invites")
    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.PROTECT, related_name="feedback_invites"
    )
    link_nonce = models.CharField(max_length=32, unique=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    last_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "stakeholder"], name="one_invite_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.stakeholder_id} in {self.round_id}"


class FeedbackResponse(BaseModel):
    """The one response of an invite; editable until the round closes."""

    policy_project_path = "invite__round__project"

    invite = models.OneToOneField(FeedbackInvite, on_delete=models.CASCADE, related_name="response")
    submitted_at = models.DateTimeField(default=timezone.now)
    edit_count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"response to {self.invite_id}"


class Answer(BaseModel):
    policy_project_path = "response__invite__round__project"
    # A free-text answer is the stakeholder's own words (audit/personal.py); the options they
    # chose are the question's, not about them.
    personal_fields = ("text",)
    audit_safe_fields = ("choices",)

    response = models.ForeignKey(FeedbackResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    rating = models.PositiveSmallIntegerField(null=True, blank=True, validators=ONE_TO_FIVE)
    choices = models.JSONField(default=list, blank=True)
    text = LimitedTextField(blank=True, max_length=4000)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"answer to {self.question_id}"


class IntakeKey(BaseModel):
    """An API key with which a deployed application posts end-user feedback to one project."""

    policy_project_path = "project"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="intake_keys"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ProductFeedback(BaseModel):
    """A rating and comment from an end user of the deployed product, about one output."""

    policy_project_path = "project"
    # An end user's comment may say anything about them (audit/personal.py).
    personal_fields = ("comment",)
    audit_safe_fields = ("model_ref", "output_ref")

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="product_feedback"
    )
    key = models.ForeignKey(IntakeKey, on_delete=models.PROTECT, related_name="feedback")
    rating = models.PositiveSmallIntegerField(validators=ONE_TO_FIVE)
    comment = LimitedTextField(blank=True, max_length=4000)
    model_ref = models.CharField("model or version", max_length=120, blank=True)
    output_ref = models.CharField("output or conversation id", max_length=120, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [_one_to_five("rating")]
        indexes = [models.Index(fields=["project", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.rating}/5 on {self.project_id}"


# Consent policies and records live in their own module (this one is long enough).
from stakeholders.models_consent import ConsentPolicy as ConsentPolicy  # noqa: E402
from stakeholders.models_consent import ConsentRecord as ConsentRecord  # noqa: E402
