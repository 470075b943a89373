"""The organisation's model catalogue, the vendors behind it, and the exchange rates its
prices are converted with."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from core.fields import LimitedTextField
from core.models import BaseModel
from core.money import CurrencyField, validate_not_negative


class Vendor(BaseModel):
    """A third party whose models an organisation may use: its contracts and terms, assessed
    on a schedule (third-party AI risk)."""

    class ContractStatus(models.TextChoices):
        NONE = "none", "No contract"
        NEGOTIATING = "negotiating", "Negotiating"
        SIGNED = "signed", "Signed"
        EXPIRED = "expired", "Expired"

    class DpaStatus(models.TextChoices):
        NOT_NEEDED = "not_needed", "Not needed (no personal data)"
        MISSING = "missing", "Missing"
        IN_REVIEW = "in_review", "In review"
        SIGNED = "signed", "Signed"

    class TrainingOnData(models.TextChoices):
        UNKNOWN = "unknown", "Unknown"
        NEVER = "never", "Never trains on customer data"
        OPT_OUT = "opt_out", "Trains unless opted out"
        YES = "yes", "Trains on customer data"

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="vendors"
    )
    name = models.CharField(max_length=120)
    website = models.URLField(blank=True, max_length=500)
    contract_status = models.CharField(
        max_length=16, choices=ContractStatus.choices, default=ContractStatus.NONE
    )
    dpa_status = models.CharField(
        "data-processing agreement",
        max_length=16,
        choices=DpaStatus.choices,
        default=DpaStatus.MISSING,
    )
    # Short codes from VENDOR_CERTIFICATIONS; a list so that an assessment can add one.
    certifications = models.JSONField(default=list, blank=True)
    data_retention = LimitedTextField(blank=True, max_length=2000)
    training_on_customer_data = models.CharField(
        max_length=16, choices=TrainingOnData.choices, default=TrainingOnData.UNKNOWN
    )
    sub_processors = LimitedTextField(blank=True, max_length=5000)
    notes = LimitedTextField(blank=True, max_length=5000)
    next_review_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="vendor_name_unique_in_org"
            ),
            models.CheckConstraint(
                condition=Q(contract_status__in=["none", "negotiating", "signed", "expired"]),
                name="%(app_label)s_%(class)s_contract_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(dpa_status__in=["not_needed", "missing", "in_review", "signed"]),
                name="%(app_label)s_%(class)s_dpa_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(training_on_customer_data__in=["unknown", "never", "opt_out", "yes"]),
                name="%(app_label)s_%(class)s_training_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


VENDOR_CERTIFICATIONS = {
    "soc2_type1": "SOC 2 Type I",
    "soc2_type2": "SOC 2 Type II",
    "iso27001": "ISO/IEC 27001",
    "iso27701": "ISO/IEC 27701",
    "iso27017": "ISO/IEC 27017",
    "iso27018": "ISO/IEC 27018",
    "iso42001": "ISO/IEC 42001",
    "csa_star": "CSA STAR",
    "hipaa": "HIPAA attestation",
    "pci_dss": "PCI DSS",
    "fedramp": "FedRAMP",
    "c5": "BSI C5",
}


class VendorAssessment(BaseModel):
    """One review of a vendor: what was found, the resulting rating and when to look again."""

    policy_organization_path = "vendor__organization"

    class Rating(models.TextChoices):
        LOW = "low", "Low risk"
        MEDIUM = "medium", "Medium risk"
        HIGH = "high", "High risk"
        UNACCEPTABLE = "unacceptable", "Unacceptable"

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="assessments")
    assessed_on = models.DateField()
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    rating = models.CharField(max_length=16, choices=Rating.choices)
    findings = LimitedTextField(max_length=10000)
    next_review_on = models.DateField()

    class Meta:
        ordering = ["-assessed_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__in=["low", "medium", "high", "unacceptable"]),
                name="%(app_label)s_%(class)s_rating_valid",
            ),
            models.CheckConstraint(
                condition=Q(next_review_on__gt=models.F("assessed_on")),
                name="%(app_label)s_%(class)s_review_after_assessment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vendor} on {self.assessed_on}: {self.rating}"


class CatalogueModel(BaseModel):
    """A model the organisation may choose, reusable across its projects."""

    class Source(models.TextChoices):
        OPEN_WEIGHTS = "open_weights", "Open weights"
        CLOSED_API = "closed_api", "Closed (API only)"
        IN_HOUSE = "in_house", "In-house"

    class Hosting(models.TextChoices):
        VENDOR_API = "vendor_api", "Vendor API"
        SELF_HOSTED = "self_hosted", "Self-hosted"
        ON_DEVICE = "on_device", "On device"

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="catalogue_models"
    )
    vendor = models.ForeignKey(
        Vendor, null=True, blank=True, on_delete=models.SET_NULL, related_name="models"
    )
    provider = models.CharField(max_length=120)
    name = models.CharField(max_length=120)
    version = models.CharField(max_length=60, blank=True)
    source = models.CharField(max_length=16, choices=Source.choices)
    # An SPDX license expression where one exists ("Apache-2.0", "MIT OR Apache-2.0"); any
    # other licence is kept as written and flagged (`licence_is_spdx`).
    licence = models.CharField(max_length=200, blank=True)
    licence_is_spdx = models.BooleanField(default=False, editable=False)
    commercial_terms = LimitedTextField(blank=True, max_length=5000)
    parameter_count = models.BigIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)]
    )
    context_window = models.PositiveIntegerField(
        "context window (tokens)", null=True, blank=True, validators=[MinValueValidator(1)]
    )
    # Codes from MODALITIES.
    modalities = models.JSONField(default=list, blank=True)
    hosting = models.CharField(max_length=16, choices=Hosting.choices)
    data_residency = models.CharField(max_length=120, blank=True)
    input_price_per_million = models.DecimalField(
        "price per 1M input tokens",
        max_digits=12,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[validate_not_negative],
    )
    output_price_per_million = models.DecimalField(
        "price per 1M output tokens",
        max_digits=12,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[validate_not_negative],
    )
    currency = CurrencyField(blank=True)
    price_as_of = models.DateField(null=True, blank=True)
    limitations = LimitedTextField(blank=True, max_length=5000)
    model_card_url = models.URLField(blank=True, max_length=500)
    version_counter = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["provider", "name", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "provider", "name", "version"],
                name="catalogue_model_unique_in_org",
            ),
            models.CheckConstraint(
                condition=Q(source__in=["open_weights", "closed_api", "in_house"]),
                name="%(app_label)s_%(class)s_source_valid",
            ),
            models.CheckConstraint(
                condition=Q(hosting__in=["vendor_api", "self_hosted", "on_device"]),
                name="%(app_label)s_%(class)s_hosting_valid",
            ),
            models.CheckConstraint(
                condition=(
                    (Q(input_price_per_million__isnull=True) | Q(input_price_per_million__gte=0))
                    & (
                        Q(output_price_per_million__isnull=True)
                        | Q(output_price_per_million__gte=0)
                    )
                ),
                name="%(app_label)s_%(class)s_prices_not_negative",
            ),
            # A price means nothing without its currency.
            models.CheckConstraint(
                condition=(
                    Q(input_price_per_million__isnull=True, output_price_per_million__isnull=True)
                    | ~Q(currency="")
                ),
                name="%(app_label)s_%(class)s_priced_in_a_currency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.name}{' ' + self.version if self.version else ''}"

    @property
    def label(self) -> str:
        return str(self)

    @property
    def is_open(self) -> bool:
        return self.source == self.Source.OPEN_WEIGHTS


MODALITIES = {
    "text": "Text",
    "image": "Images",
    "audio": "Audio",
    "video": "Video",
    "code": "Code",
    "embeddings": "Embeddings",
}


class ExchangeRate(BaseModel):
    """How many units of the organisation's currency one unit of `currency` buys, as of a
    date: cost estimates convert catalogue prices with the latest rate."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="exchange_rates"
    )
    currency = CurrencyField()
    rate = models.DecimalField(
        max_digits=18,
        decimal_places=8,
        validators=[MinValueValidator(0), MaxValueValidator(10**9)],
    )
    as_of = models.DateField()

    class Meta:
        ordering = ["currency", "-as_of"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "currency", "as_of"], name="exchange_rate_one_per_day"
            ),
            models.CheckConstraint(
                condition=Q(rate__gt=0), name="%(app_label)s_%(class)s_rate_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.rate} ({self.as_of})"
