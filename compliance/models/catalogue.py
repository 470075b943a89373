"""The framework catalogue: frameworks, their requirements, the crosswalk between them, their
key dates, and which frameworks an organisation follows.

Loaded from versioned data files (compliance/data/) by `load_frameworks`, never edited by hand:
a new data version adds rows and retires the ones it no longer lists (`retired_in`), so checks
and evidence linked to a retired requirement keep their history.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from core.fields import LimitedTextField
from core.models import BaseModel


class Framework(BaseModel):
    key = models.SlugField(max_length=40, unique=True)  # "eu-ai-act", "nist-ai-rmf", …
    name = models.CharField(max_length=160)
    edition = models.CharField(max_length=80)  # "Regulation (EU) 2024/1689", "1.0", "2023"
    publisher = models.CharField(max_length=160)
    source_url = models.URLField(max_length=500)
    licence_note = LimitedTextField(blank=True, max_length=2000)
    # The catalogue data version this framework was last loaded from.
    data_version = models.CharField(max_length=40)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Requirement(BaseModel):
    """One article, subcategory, control, annex point or risk of a framework."""

    class Kind(models.TextChoices):
        ARTICLE = "article", "Article"
        ANNEX_POINT = "annex_point", "Annex point"
        SUBCATEGORY = "subcategory", "Subcategory"
        CONTROL = "control", "Control"
        RISK = "risk", "Risk"
        SECTION = "section", "Section"

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="requirements")
    ref = models.CharField(max_length=60)  # "Art. 9", "GOVERN 1.1", "A.6.2.4", "§ 1798.100"
    title = models.CharField(max_length=600)  # NIST subcategories are whole sentences
    kind = models.CharField(max_length=16, choices=Kind.choices)
    group = models.CharField(max_length=200, blank=True)  # chapter, function, control group
    # Our own words: what the requirement asks of a project, never the copyrighted text.
    guidance = LimitedTextField(blank=True, max_length=5000)
    verified = models.BooleanField(default=True)  # confirmed by two sources (see the data)
    # When it applies: {"tiers": [...], "roles": [...], "gpai": bool}; empty = every project
    # of an organisation that follows the framework. Read by compliance/applicability.py.
    applies_when = models.JSONField(default=dict, blank=True)
    # The phase whose gate it must be met by, and whether an open check then blocks the gate.
    phase = models.CharField(max_length=16, blank=True)
    blocking = models.BooleanField(default=False)
    # False for reference rows that no project works a check for: definitions, the Annex III
    # areas (they feed the classification), Annex IV points (they feed the documentation).
    applies_to_projects = models.BooleanField(default=True)
    order = models.PositiveIntegerField(default=0)
    added_in = models.CharField(max_length=40)
    retired_in = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["framework__name", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "ref"], name="requirement_ref_unique"),
            models.CheckConstraint(
                condition=Q(
                    kind__in=["article", "annex_point", "subcategory", "control", "risk", "section"]
                ),
                name="%(app_label)s_%(class)s_kind_valid",
            ),
        ]
        indexes = [models.Index(fields=["framework", "retired_in"])]

    def __str__(self) -> str:
        return f"{self.framework.key} {self.ref}"

    @property
    def is_retired(self) -> bool:
        return bool(self.retired_in)


class Crosswalk(BaseModel):
    """Two requirements of different frameworks that one piece of evidence serves alike."""

    source = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="maps_to")
    target = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="mapped_from")
    rationale = LimitedTextField(max_length=2000)
    added_in = models.CharField(max_length=40)
    retired_in = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="crosswalk_pair_unique"),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")), name="crosswalk_not_to_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} ↔ {self.target}"


class FrameworkDate(BaseModel):
    """A date a framework's obligations start to apply, with where it comes from — data, so
    that an amendment (the Digital Omnibus) changes rows, not code."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="dates")
    milestone = models.CharField(max_length=300)
    date = models.DateField()
    articles_affected = models.CharField(max_length=500, blank=True)
    source = models.CharField(max_length=500)
    status = models.CharField(max_length=120)
    as_of = models.DateField()
    data_version = models.CharField(max_length=40)

    class Meta:
        ordering = ["date", "milestone"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "milestone"], name="framework_date_milestone_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.milestone}"


class OrganizationFramework(BaseModel):
    """A framework the organisation has chosen to follow."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="frameworks"
    )
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "framework"], name="organization_framework_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} follows {self.framework}"
