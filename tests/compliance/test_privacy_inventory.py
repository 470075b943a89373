"""The inventory's reading of a dataset: its gaps (including those the table refuses, for a
row written before a rule existed) and its CSV rows."""

from __future__ import annotations

from compliance import privacy_inventory as inventory
from compliance.dpia_screening import screening_reason
from models_registry.models import Dataset


def _personal(**fields):
    values = {
        "name": "Notes",
        "personal_data": True,
        "lawful_basis": "contract",
        "retention": "A year",
        "purpose": "Routing.",
        "personal_data_categories": ["contact"],
        "data_subjects": ["customers"],
    } | fields
    return Dataset(**values)


def test_a_complete_record_has_no_gap():
    assert inventory.inventory_gaps(_personal()) == []


def test_data_without_personal_data_has_no_gap():
    assert inventory.inventory_gaps(Dataset(name="Weather", personal_data=False)) == []


def test_each_gap_is_named():
    dataset = _personal(
        purpose="",
        personal_data_categories=[],
        data_subjects=[],
        special_categories=["health"],
        transfers_outside_eea=True,
    )
    assert inventory.inventory_gaps(dataset) == [
        inventory.GAP_NO_CATEGORIES,
        inventory.GAP_NO_SUBJECTS,
        inventory.GAP_NO_PURPOSE,
        inventory.GAP_NO_CONDITION,
        inventory.GAP_NO_SAFEGUARD,
        inventory.GAP_NO_COUNTRIES,
    ]


def test_the_screening_says_why():
    assert screening_reason(art35_cases=["public_monitoring"], criteria=[]) == (
        "Required: the processing falls under Art. 35(3)."
    )
    assert screening_reason(art35_cases=[], criteria=["large_scale"]).startswith(
        "Not required by the screening: 1 of the nine"
    )
