"""Possible substantial modifications: a change to a system already being integrated or in
operation — a new fine-tune, a quantisation, pruning or distillation, a change of base model —
that may make it a different system in law (EU AI Act Art. 3(23), Art. 43(4)). Each is flagged
for a compliance officer to assess; the flag re-opens the compliance checks it touches."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.fields import LimitedTextField
from core.models import BaseModel

MODIFICATION_KINDS = ("fine_tune", "quantization", "pruning", "distillation", "base_model_change")


class ModificationFlag(BaseModel):
    policy_project_path = "project"

    class Kind(models.TextChoices):
        FINE_TUNE = "fine_tune", "New fine-tune"
        QUANTIZATION = "quantization", "Quantization"
        PRUNING = "pruning", "Pruning"
        DISTILLATION = "distillation", "Distillation"
        BASE_MODEL_CHANGE = "base_model_change", "Change of base model"

    class Status(models.TextChoices):
        OPEN = "open", "Awaiting assessment"
        SUBSTANTIAL = "substantial", "Substantial modification"
        NOT_SUBSTANTIAL = "not_substantial", "Not a substantial modification"

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="modification_flags"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The phase the project was in: only changes after Adapt are flagged.
    phase = models.CharField(max_length=16)
    # What raised it: the fine-tuning run, the optimisation record or the model version.
    source_type = models.CharField(max_length=40)
    source_id = models.UUIDField()
    model_version = models.ForeignKey(
        "models_registry.ModelVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="modification_flags",
    )
    summary = models.CharField(max_length=300)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    assessment = LimitedTextField(blank=True, max_length=5000)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assessed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=list(MODIFICATION_KINDS)),
                name="%(app_label)s_%(class)s_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "substantial", "not_substantial"]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            # An assessment says who judged it, when, and why.
            models.CheckConstraint(
                condition=Q(status="open") | (Q(assessed_at__isnull=False) & ~Q(assessment="")),
                name="%(app_label)s_%(class)s_assessment_explained",
            ),
            # One flag per change: a retried write does not flag twice.
            models.UniqueConstraint(
                fields=["source_type", "source_id", "kind"], name="modification_flag_once"
            ),
        ]
        indexes = [models.Index(fields=["project", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.summary}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN
