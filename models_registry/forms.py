"""Forms of the catalogue, vendor and exchange-rate pages: parsing and field errors only; the
rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms

from core.forms import choice_field
from models_registry import catalogue_io
from models_registry.models import (
    MODALITIES,
    VENDOR_CERTIFICATIONS,
    CatalogueModel,
    Vendor,
    VendorAssessment,
)

DATE = forms.DateInput(attrs={"type": "date"})
TEXTAREA = forms.Textarea(attrs={"rows": 3})


# --- the catalogue -----------------------------------------------------------------------------


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Search")
    source = forms.ChoiceField(
        required=False, choices=[("", "Any source"), *CatalogueModel.Source.choices]
    )
    hosting = forms.ChoiceField(
        required=False, choices=[("", "Any hosting"), *CatalogueModel.Hosting.choices]
    )
    provider = forms.ChoiceField(required=False)
    licence = forms.ChoiceField(
        required=False,
        choices=[("", "Any licence"), ("spdx", "SPDX licence"), ("flagged", "Flagged (not SPDX)")],
    )
    modality = forms.ChoiceField(
        required=False, choices=[("", "Any modality"), *MODALITIES.items()]
    )

    def __init__(self, *args: Any, providers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "provider").choices = [
            ("", "Any provider"),
            *((p, p) for p in providers),
        ]


class CatalogueModelForm(forms.Form):
    provider = forms.CharField(max_length=120)
    name = forms.CharField(max_length=120)
    version = forms.CharField(max_length=60, required=False)
    source = forms.ChoiceField(choices=CatalogueModel.Source.choices)
    hosting = forms.ChoiceField(choices=CatalogueModel.Hosting.choices)
    vendor = forms.ChoiceField(required=False, help_text="The third party you contract with.")
    licence = forms.CharField(
        max_length=200,
        required=False,
        help_text=(
            "An SPDX expression where one exists (Apache-2.0, MIT OR Apache-2.0); any other "
            "licence is kept as written and flagged for review."
        ),
    )
    commercial_terms = forms.CharField(widget=TEXTAREA, required=False, max_length=5000)
    parameter_count = forms.IntegerField(required=False, min_value=1)
    context_window = forms.IntegerField(
        required=False, min_value=1, label="Context window (tokens)"
    )
    modalities = forms.MultipleChoiceField(
        required=False, choices=list(MODALITIES.items()), widget=forms.CheckboxSelectMultiple
    )
    data_residency = forms.CharField(max_length=120, required=False)
    input_price_per_million = forms.DecimalField(
        label="Price per 1M input tokens", max_digits=12, decimal_places=4, required=False
    )
    output_price_per_million = forms.DecimalField(
        label="Price per 1M output tokens", max_digits=12, decimal_places=4, required=False
    )
    currency = forms.CharField(
        max_length=3, required=False, help_text="ISO 4217, such as USD; required with a price."
    )
    price_as_of = forms.DateField(
        required=False, widget=DATE, label="Price as of", help_text="When it was published."
    )
    limitations = forms.CharField(widget=TEXTAREA, required=False, max_length=5000)
    model_card_url = forms.URLField(max_length=500, required=False, label="Model card URL")
    version_counter = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, vendors: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "vendor").choices = [("", "No vendor"), *vendors]

    def clean_currency(self) -> str:
        return str(self.cleaned_data.get("currency") or "").strip().upper()

    def clean_modalities(self) -> list[str]:
        return list(self.cleaned_data.get("modalities") or [])


class CatalogueImportForm(forms.Form):
    file = forms.FileField(
        help_text=(
            f"A catalogue exported from Charter, .json or .csv, at most "
            f"{catalogue_io.MAX_FILE_BYTES // 1024} KiB. The whole file is checked first: "
            "models matching provider, name and version are updated, the others added."
        )
    )

    def file_format(self) -> str:
        name = self.cleaned_data["file"].name.lower()
        return "csv" if name.endswith(".csv") else "json"


class ExchangeRateForm(forms.Form):
    currency = forms.CharField(max_length=3, help_text="ISO 4217, such as USD.")
    rate = forms.DecimalField(
        max_digits=18,
        decimal_places=8,
        help_text="What one unit of this currency is worth in the organisation's currency.",
    )
    as_of = forms.DateField(widget=DATE, label="As of")

    def clean_currency(self) -> str:
        return str(self.cleaned_data.get("currency") or "").strip().upper()


class CurrencyForm(forms.Form):
    currency = forms.CharField(
        max_length=3,
        label="Organisation currency",
        help_text=(
            "ISO 4217. Changing it removes the exchange rates: they convert into the old one."
        ),
    )

    def clean_currency(self) -> str:
        return str(self.cleaned_data.get("currency") or "").strip().upper()


# --- vendors ------------------------------------------------------------------------------------


class VendorFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Search")
    review_due = forms.BooleanField(required=False, label="Review due")


class VendorForm(forms.Form):
    name = forms.CharField(max_length=120)
    website = forms.URLField(max_length=500, required=False)
    contract_status = forms.ChoiceField(choices=Vendor.ContractStatus.choices)
    dpa_status = forms.ChoiceField(
        choices=Vendor.DpaStatus.choices,
        initial=Vendor.DpaStatus.MISSING,
        label="Data-processing agreement",
    )
    certifications = forms.MultipleChoiceField(
        required=False,
        choices=list(VENDOR_CERTIFICATIONS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    data_retention = forms.CharField(widget=TEXTAREA, required=False, max_length=2000)
    training_on_customer_data = forms.ChoiceField(choices=Vendor.TrainingOnData.choices)
    sub_processors = forms.CharField(widget=TEXTAREA, required=False, max_length=5000)
    notes = forms.CharField(widget=TEXTAREA, required=False, max_length=5000)
    next_review_on = forms.DateField(required=False, widget=DATE, label="Next review")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_certifications(self) -> list[str]:
        return list(self.cleaned_data.get("certifications") or [])


class VendorAssessmentForm(forms.Form):
    assessed_on = forms.DateField(widget=DATE, label="Assessed on")
    rating = forms.ChoiceField(choices=VendorAssessment.Rating.choices)
    findings = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=10000)
    next_review_on = forms.DateField(widget=DATE, label="Next review")
