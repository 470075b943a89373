"""The Adapt & align phase: the versions a project's chosen model goes through, the prompts
that drive them, the fine-tuning runs that make them with their data's governance record, and
the evaluations that say whether a version meets the scope's success criteria.

Charter neither trains nor serves a model: these rows are the record of what was done, on
which data, and with which result — posted by people, CI pipelines and importers alike.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from core.fields import LimitedTextField
from core.models import BaseModel
from core.money import CurrencyField, validate_not_negative
from models_registry.models.data_inventory import (
    ChoiceListValidator,
    DataSubjectCategory,
    PersonalDataCategory,
    SpecialCategory,
    SpecialCategoryCondition,
    TransferSafeguard,
)


class ModelVersion(BaseModel):
    """One version of the project's model: the base model itself (number 1, no parent) or
    what an adaptation made of a parent version. Versions are never edited into another
    lineage: a parent, once set, stays."""

    policy_project_path = "project"

    class Adaptation(models.TextChoices):
        BASE = "base", "Base model as chosen"
        PROMPTING = "prompting", "Prompt engineering"
        FINE_TUNE = "fine_tune", "Fine-tuning"
        ALIGNMENT = "alignment", "Alignment with human feedback"
        OTHER = "other", "Other"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="model_versions"
    )
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=120)  # "v2 — LoRA on claims 2026-Q3"
    # The catalogue model the lineage starts from (the Select phase's choice).
    base_model = models.ForeignKey(
        "models_registry.CatalogueModel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    adaptation = models.CharField(max_length=16, choices=Adaptation.choices)
    description = LimitedTextField(blank=True, max_length=5000)
    # Where the weights or the endpoint live (a registry URI, an MLflow model version…).
    artifact_uri = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="model_version_number"),
            models.UniqueConstraint(fields=["project", "name"], name="model_version_name"),
            models.CheckConstraint(
                condition=Q(
                    adaptation__in=["base", "prompting", "fine_tune", "alignment", "other"]
                ),
                name="%(app_label)s_%(class)s_adaptation_valid",
            ),
            # Only a base version stands without a parent; it never has one.
            models.CheckConstraint(
                condition=Q(adaptation="base", parent__isnull=True)
                | (~Q(adaptation="base") & Q(parent__isnull=False)),
                name="%(app_label)s_%(class)s_parent_unless_base",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PromptTemplate(BaseModel):
    """A named prompt of the project; its text lives in its versions."""

    policy_project_path = "project"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="prompt_templates"
    )
    name = models.CharField(max_length=120)
    purpose = LimitedTextField(blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="prompt_template_name")
        ]

    def __str__(self) -> str:
        return self.name


class PromptVersion(BaseModel):
    """One text of a prompt template, frozen once written: a change is a new version."""

    policy_project_path = "template__project"

    template = models.ForeignKey(PromptTemplate, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    text = LimitedTextField(max_length=50000)
    # The `{{ name }}` placeholders of the text, found when it is written.
    variables = models.JSONField(default=list, blank=True)
    model_version = models.ForeignKey(
        ModelVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="prompts"
    )
    change_note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["template", "number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="prompt_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.template.name} v{self.number}"


class Dataset(BaseModel):
    """A dataset a project trains or evaluates on, with its data-governance record: the
    project's data inventory (GDPR Art. 30) is the privacy view of these rows."""

    policy_project_path = "project"
    # What may enter the trail (audit/personal.py): the record describes data, not people.
    audit_safe_fields = (
        "name",
        "source",
        "reference",
        "licence",
        "lawful_basis",
        "retention",
        "description",
        "purpose",
        "personal_data_categories",
        "special_categories",
        "special_category_condition",
        "data_subjects",
        "transfer_countries",
        "transfer_safeguard",
        "processors",
    )
    Category = PersonalDataCategory
    SubjectCategory = DataSubjectCategory
    Special = SpecialCategory
    SpecialCondition = SpecialCategoryCondition
    Safeguard = TransferSafeguard

    class LawfulBasis(models.TextChoices):
        # GDPR Art. 6(1) — asked only when the data holds personal data.
        CONSENT = "consent", "Consent (Art. 6(1)(a))"
        CONTRACT = "contract", "Contract (Art. 6(1)(b))"
        LEGAL_OBLIGATION = "legal_obligation", "Legal obligation (Art. 6(1)(c))"
        VITAL_INTERESTS = "vital_interests", "Vital interests (Art. 6(1)(d))"
        PUBLIC_TASK = "public_task", "Public task (Art. 6(1)(e))"
        LEGITIMATE_INTERESTS = "legitimate_interests", "Legitimate interests (Art. 6(1)(f))"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="datasets"
    )
    name = models.CharField(max_length=160)
    source = models.CharField(max_length=500)  # where it comes from: a system, a vendor, a URL
    reference = models.CharField(max_length=500, blank=True)  # a URI, a table, a DVC hash
    licence = models.CharField(max_length=200)
    personal_data = models.BooleanField(default=False)
    lawful_basis = models.CharField(max_length=24, choices=LawfulBasis.choices, blank=True)
    retention = models.CharField(max_length=300, blank=True)  # "deleted 12 months after…"
    description = LimitedTextField(blank=True, max_length=5000)
    # --- the inventory record (GDPR Art. 30(1)) ---
    purpose = LimitedTextField(blank=True, max_length=2000)
    personal_data_categories = models.JSONField(
        default=list, blank=True, validators=[ChoiceListValidator(PersonalDataCategory.values)]
    )
    special_categories = models.JSONField(
        default=list, blank=True, validators=[ChoiceListValidator(SpecialCategory.values)]
    )
    special_category_condition = models.CharField(
        max_length=20, choices=SpecialCategoryCondition.choices, blank=True
    )
    data_subjects = models.JSONField(
        default=list, blank=True, validators=[ChoiceListValidator(DataSubjectCategory.values)]
    )
    transfers_outside_eea = models.BooleanField(default=False)
    transfer_countries = models.CharField(max_length=300, blank=True)  # "United States, India"
    transfer_safeguard = models.CharField(
        max_length=20, choices=TransferSafeguard.choices, blank=True
    )
    processors = LimitedTextField(blank=True, max_length=2000)  # one processor a line
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="dataset_name"),
            # Personal data needs a lawful basis and a retention rule; other data needs none.
            models.CheckConstraint(
                condition=Q(personal_data=False, lawful_basis="")
                | (Q(personal_data=True) & ~Q(lawful_basis="") & ~Q(retention="")),
                name="%(app_label)s_%(class)s_personal_data_governed",
            ),
            # Categories, special categories, data subjects and transfers describe personal
            # data: data without any has none of them.
            models.CheckConstraint(
                condition=Q(personal_data=True)
                | Q(
                    personal_data_categories=[],
                    special_categories=[],
                    data_subjects=[],
                    special_category_condition="",
                    transfers_outside_eea=False,
                ),
                name="%(app_label)s_%(class)s_inventory_needs_personal_data",
            ),
            # Art. 9(1) forbids processing special categories unless an Art. 9(2) condition
            # applies; a condition without special categories means nothing.
            models.CheckConstraint(
                condition=Q(special_categories=[], special_category_condition="")
                | (~Q(special_categories=[]) & ~Q(special_category_condition="")),
                name="%(app_label)s_%(class)s_special_categories_have_condition",
            ),
            models.CheckConstraint(
                condition=Q(special_category_condition__in=["", *SpecialCategoryCondition.values]),
                name="%(app_label)s_%(class)s_special_condition_valid",
            ),
            # A transfer outside the EEA needs a Chapter V safeguard (and only then has one).
            models.CheckConstraint(
                condition=Q(transfers_outside_eea=False, transfer_safeguard="")
                | (Q(transfers_outside_eea=True) & ~Q(transfer_safeguard="")),
                name="%(app_label)s_%(class)s_transfer_has_safeguard",
            ),
            models.CheckConstraint(
                condition=Q(transfer_safeguard__in=["", *TransferSafeguard.values]),
                name="%(app_label)s_%(class)s_transfer_safeguard_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FineTuneRun(BaseModel):
    """A fine-tuning run: which method, from which version, on which data, at what cost, and
    the version it produced."""

    policy_project_path = "project"

    class Method(models.TextChoices):
        LORA = "lora", "LoRA"
        QLORA = "qlora", "QLoRA"
        PROMPT_TUNING = "prompt_tuning", "Prompt tuning"
        FULL = "full", "Full fine-tuning"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="fine_tune_runs"
    )
    name = models.CharField(max_length=160)
    method = models.CharField(max_length=16, choices=Method.choices)
    base_version = models.ForeignKey(ModelVersion, on_delete=models.PROTECT, related_name="+")
    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="fine_tune_runs")
    hyperparameters = models.JSONField(default=dict, blank=True)
    gpu_hours = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[validate_not_negative]
    )
    cost = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, validators=[validate_not_negative]
    )
    cost_currency = CurrencyField(blank=True)
    result_version = models.OneToOneField(
        ModelVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="made_by_run",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    # A client's own id for the run (a CI job, an MLflow run): posting it again changes nothing.
    external_id = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(method__in=["lora", "qlora", "prompt_tuning", "full"]),
                name="%(app_label)s_%(class)s_method_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["planned", "running", "succeeded", "failed"]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(cost__isnull=True) | ~Q(cost_currency=""),
                name="%(app_label)s_%(class)s_cost_has_currency",
            ),
            models.UniqueConstraint(
                fields=["project", "external_id"],
                condition=~Q(external_id=""),
                name="fine_tune_run_external_id",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Evaluation(BaseModel):
    """A run of a model version (and, if given, a prompt version) on a named dataset or
    benchmark, with its metrics. Frozen once recorded: a new result is a new evaluation."""

    policy_project_path = "project"

    class Source(models.TextChoices):
        MANUAL = "manual", "Entered by hand"
        API = "api", "Posted through the API"
        LM_EVAL = "lm_eval", "lm-evaluation-harness results"
        INSPECT = "inspect", "Inspect AI log"
        MLFLOW = "mlflow", "MLflow run"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="evaluations"
    )
    model_version = models.ForeignKey(
        ModelVersion, on_delete=models.PROTECT, related_name="evaluations"
    )
    prompt_version = models.ForeignKey(
        PromptVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="evaluations"
    )
    benchmark = models.CharField(max_length=200)  # a dataset name or a benchmark's
    dataset = models.ForeignKey(
        Dataset, on_delete=models.PROTECT, null=True, blank=True, related_name="evaluations"
    )
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.MANUAL)
    # The client's id of the run: a retried post with the same id creates nothing new.
    run_id = models.CharField(max_length=200, blank=True)
    evaluated_at = models.DateTimeField()
    findings = LimitedTextField(blank=True, max_length=20000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-evaluated_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=["manual", "api", "lm_eval", "inspect", "mlflow"]),
                name="%(app_label)s_%(class)s_source_valid",
            ),
            models.UniqueConstraint(
                fields=["project", "run_id"], condition=~Q(run_id=""), name="evaluation_run_id"
            ),
        ]
        indexes = [models.Index(fields=["project", "model_version"])]

    def __str__(self) -> str:
        return f"{self.benchmark} on {self.model_version}"


class EvaluationMetric(BaseModel):
    """One number of an evaluation: overall (no slice) or for one slice (a language, a
    region, a demographic group…). An overall metric may be bound to a success criterion of
    the approved scope, which turns it into a pass or a fail."""

    policy_project_path = "evaluation__project"

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="metrics")
    name = models.CharField(max_length=120)
    value = models.DecimalField(max_digits=24, decimal_places=8)
    unit = models.CharField(max_length=40, blank=True)
    higher_is_better = models.BooleanField(default=True)
    # The slice: "language" = "de"; both empty for the overall figure.
    slice_key = models.CharField(max_length=80, blank=True)
    slice_value = models.CharField(max_length=120, blank=True)
    # How many cases the figure rests on (for selection rates and bias checks), if known.
    sample_size = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)]
    )
    criterion = models.ForeignKey(
        "projects.SuccessCriterion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bound_metrics",
    )

    class Meta:
        ordering = ["name", "slice_key", "slice_value"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "name", "slice_key", "slice_value"],
                name="evaluation_metric_once",
            ),
            models.CheckConstraint(
                condition=(Q(slice_key="") & Q(slice_value=""))
                | (~Q(slice_key="") & ~Q(slice_value="")),
                name="%(app_label)s_%(class)s_slice_whole",
            ),
            # A criterion judges the overall figure, never one slice of it.
            models.CheckConstraint(
                condition=Q(criterion__isnull=True) | Q(slice_key=""),
                name="%(app_label)s_%(class)s_criterion_on_overall",
            ),
        ]

    def __str__(self) -> str:
        where = f" [{self.slice_key}={self.slice_value}]" if self.slice_key else ""
        return f"{self.name}{where} = {self.value}"

    @property
    def is_overall(self) -> bool:
        return not self.slice_key


class BiasCheck(BaseModel):
    """A check of one metric's slices in an evaluation for unequal treatment: a slice that
    deviates from the overall figure by more than a threshold, or (for selection rates) a
    group whose rate is below four fifths of the highest group's. Computed when run, then
    reviewed by someone other than who ran it, who records the outcome."""

    policy_project_path = "project"

    class Method(models.TextChoices):
        DEVIATION = "deviation", "Deviation from the overall figure"
        FOUR_FIFTHS = "four_fifths", "Four-fifths rule on selection rates"

    class Outcome(models.TextChoices):
        ACCEPTABLE = "acceptable", "Acceptable"
        MITIGATED = "mitigated", "Mitigated"
        UNACCEPTABLE = "unacceptable", "Unacceptable"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="bias_checks"
    )
    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="bias_checks")
    model_version = models.ForeignKey(ModelVersion, on_delete=models.PROTECT, related_name="+")
    metric_name = models.CharField(max_length=120)
    slice_key = models.CharField(max_length=80)  # the dimension checked: language, gender…
    method = models.CharField(max_length=12, choices=Method.choices)
    threshold = models.DecimalField(max_digits=12, decimal_places=6)
    relative = models.BooleanField(default=False)  # deviation as a share of the overall
    # Per slice: its value, its deviation or impact ratio, and whether it is flagged.
    results = models.JSONField(default=list)
    flagged_count = models.PositiveIntegerField(default=0)
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    notes = LimitedTextField(blank=True, max_length=10000)  # findings, actions, mitigation

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(method__in=["deviation", "four_fifths"]),
                name="%(app_label)s_%(class)s_method_valid",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=["", "acceptable", "mitigated", "unacceptable"]),
                name="%(app_label)s_%(class)s_outcome_valid",
            ),
            # Reviewed means an outcome, a reviewer and a time, all three or none.
            models.CheckConstraint(
                condition=Q(outcome="", reviewer__isnull=True, reviewed_at__isnull=True)
                | (~Q(outcome="") & Q(reviewer__isnull=False, reviewed_at__isnull=False)),
                name="%(app_label)s_%(class)s_review_whole",
            ),
            models.CheckConstraint(
                condition=Q(threshold__gt=0), name="%(app_label)s_%(class)s_threshold_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()}: {self.metric_name} by {self.slice_key}"

    @property
    def is_completed(self) -> bool:
        return bool(self.outcome)


class UserTestSession(BaseModel):
    """A user-testing session of a version: how many took part (counts only — no personal
    data of the participants), the tasks, how many attempts succeeded, satisfaction, and
    what was found."""

    policy_project_path = "project"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="user_tests"
    )
    model_version = models.ForeignKey(ModelVersion, on_delete=models.PROTECT, related_name="+")
    prompt_version = models.ForeignKey(
        PromptVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    held_on = models.DateField()
    participants = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    tasks = models.JSONField(default=list)  # the tasks set, as short statements
    attempts = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    successes = models.PositiveIntegerField()
    # Mean satisfaction on a 1–5 scale, if asked.
    satisfaction = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    findings = LimitedTextField(blank=True, max_length=10000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(successes__lte=models.F("attempts")),
                name="%(app_label)s_%(class)s_successes_within_attempts",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="%(app_label)s_%(class)s_satisfaction_one_to_five",
            ),
        ]

    def __str__(self) -> str:
        return f"User test of {self.model_version} on {self.held_on}"

    @property
    def success_rate(self) -> float:
        return self.successes / self.attempts


class HumanFeedback(BaseModel):
    """A piece of human feedback on the model's behaviour — entered by hand, or arriving from
    the product-feedback intake — triaged, and linked to the version that addressed it: the
    model's "you said, we did"."""

    policy_project_path = "project"

    class Source(models.TextChoices):
        MANUAL = "manual", "Entered by hand"
        PRODUCT = "product", "Product-feedback intake"

    class Status(models.TextChoices):
        NEW = "new", "New"
        ACCEPTED = "accepted", "Accepted"
        NEEDS_CHANGE = "needs_change", "Needs a change"
        REJECTED = "rejected", "Rejected"
        ADDRESSED = "addressed", "Addressed"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="human_feedback"
    )
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.MANUAL)
    # The intake's record, for feedback that came through it (by id: its app is a sibling).
    source_id = models.UUIDField(null=True, blank=True, unique=True)
    text = LimitedTextField(max_length=4000)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    model_version = models.ForeignKey(
        ModelVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="feedback"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)
    triage_note = LimitedTextField(blank=True, max_length=4000)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    triaged_at = models.DateTimeField(null=True, blank=True)
    addressed_in = models.ForeignKey(
        ModelVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="addresses"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=["new", "accepted", "needs_change", "rejected", "addressed"]
                ),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(source__in=["manual", "product"]),
                name="%(app_label)s_%(class)s_source_valid",
            ),
            # Addressed means a version that addressed it, and only then.
            models.CheckConstraint(
                condition=Q(status="addressed", addressed_in__isnull=False)
                | (~Q(status="addressed") & Q(addressed_in__isnull=True)),
                name="%(app_label)s_%(class)s_addressed_in_a_version",
            ),
        ]
        indexes = [models.Index(fields=["project", "status"])]

    def __str__(self) -> str:
        return self.text[:60]
