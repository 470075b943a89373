"""The project's data inventory read as a privacy officer reads it: each dataset's governance
record, where the Adapt phase used it, and the gaps to close. Pure over loaded rows, so the
page, the CSV export and the API say the same thing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from models_registry.models import Dataset
from models_registry.models.data_inventory import (
    DataSubjectCategory,
    PersonalDataCategory,
    SpecialCategory,
    labels,
)

GAP_NO_CATEGORIES = "Personal data without its categories"
GAP_NO_SUBJECTS = "Personal data without its data subjects"
GAP_NO_PURPOSE = "Personal data without a stated purpose"
GAP_NO_CONDITION = "Special categories without an Art. 9(2) condition"
GAP_NO_SAFEGUARD = "Transfer outside the EEA without a safeguard"
GAP_NO_COUNTRIES = "Transfer outside the EEA without its countries"

CSV_HEADER = (
    "name",
    "purpose",
    "source",
    "personal data",
    "categories",
    "special categories",
    "Art. 9(2) condition",
    "data subjects",
    "lawful basis",
    "retention",
    "outside the EEA",
    "countries",
    "safeguard",
    "processors",
    "fine-tuning runs",
    "evaluations",
    "gaps",
)


def inventory_gaps(dataset: Dataset) -> list[str]:
    """What the record still lacks. The table refuses some of these outright; they are
    checked here all the same, so a row written before a rule existed still shows."""
    if not dataset.personal_data:
        return []
    gaps = []
    if not dataset.personal_data_categories:
        gaps.append(GAP_NO_CATEGORIES)
    if not dataset.data_subjects:
        gaps.append(GAP_NO_SUBJECTS)
    if not dataset.purpose.strip():
        gaps.append(GAP_NO_PURPOSE)
    if dataset.special_categories and not dataset.special_category_condition:
        gaps.append(GAP_NO_CONDITION)
    if dataset.transfers_outside_eea and not dataset.transfer_safeguard:
        gaps.append(GAP_NO_SAFEGUARD)
    if dataset.transfers_outside_eea and not dataset.transfer_countries.strip():
        gaps.append(GAP_NO_COUNTRIES)
    return gaps


def usage(dataset: Dataset) -> dict[str, list[Any]]:
    """The fine-tuning runs and evaluations that used the dataset (prefetched)."""
    return {
        "fine_tune_runs": list(dataset.fine_tune_runs.all()),
        "evaluations": list(dataset.evaluations.all()),
    }


def processor_list(dataset: Dataset) -> list[str]:
    return [line.strip() for line in dataset.processors.splitlines() if line.strip()]


def csv_rows(datasets: Iterable[Dataset]) -> list[list[Any]]:
    """The inventory as CSV rows, header first (written through core/csvfiles.py)."""
    rows: list[list[Any]] = [list(CSV_HEADER)]
    for d in datasets:
        used = usage(d)
        rows.append(
            [
                d.name,
                d.purpose,
                d.source,
                "yes" if d.personal_data else "no",
                "; ".join(labels(PersonalDataCategory, d.personal_data_categories)),
                "; ".join(labels(SpecialCategory, d.special_categories)),
                d.get_special_category_condition_display(),
                "; ".join(labels(DataSubjectCategory, d.data_subjects)),
                d.get_lawful_basis_display(),
                d.retention,
                "yes" if d.transfers_outside_eea else "no",
                d.transfer_countries,
                d.get_transfer_safeguard_display(),
                "; ".join(processor_list(d)),
                "; ".join(run.name for run in used["fine_tune_runs"]),
                "; ".join(f"{e.benchmark} ({e.model_version.name})" for e in used["evaluations"]),
                "; ".join(inventory_gaps(d)),
            ]
        )
    return rows
