"""A dataset's inventory record (GDPR Art. 30): categories, special categories with their
Art. 9(2) condition, data subjects, transfers with their safeguard, processors — each rule
refused with a field error and nothing changed, held by the table's constraints too."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from audit.models import AuditEvent
from audit.personal import unclassified_fields
from models_registry import services
from models_registry.models import Dataset
from models_registry.services import adapt

pytestmark = pytest.mark.django_db

PERSONAL = {
    "personal_data": True,
    "lawful_basis": "contract",
    "retention": "Deleted 12 months after the claim closes.",
}


def _dataset(project, manager, **fields):
    return services.dataset_create(
        actor=manager,
        project=project,
        name=fields.pop("name", "Claims notes"),
        source="Claims system",
        licence="Internal",
        **fields,
    )


def test_a_full_inventory_record_is_kept_and_audited(project, manager):
    dataset = _dataset(
        project,
        manager,
        **PERSONAL,
        purpose="Train the router on past claims.",
        personal_data_categories=["identification", "contractual"],
        special_categories=["health"],
        special_category_condition="legal_claims",
        data_subjects=["customers"],
        transfers_outside_eea=True,
        transfer_countries="United States",
        transfer_safeguard="sccs",
        processors="Acme Cloud GmbH\nLabelers Ltd",
    )
    dataset.refresh_from_db()
    assert dataset.special_categories == ["health"]
    assert dataset.transfer_safeguard == "sccs"
    event = AuditEvent.objects.get(action="dataset.created", target_id=str(dataset.pk))
    assert event.data["special_categories"] == ["health"]
    assert event.data["transfer_safeguard"] == "sccs"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"special_categories": ["health"]},
            "special_category_condition",
            adapt.SPECIAL_NEEDS_CONDITION,
        ),
        (
            {"special_category_condition": "legal_claims"},
            "special_category_condition",
            adapt.CONDITION_WITHOUT_SPECIAL,
        ),
        ({"transfers_outside_eea": True}, "transfer_safeguard", adapt.TRANSFER_NEEDS_SAFEGUARD),
        ({"transfer_safeguard": "sccs"}, "transfer_safeguard", adapt.SAFEGUARD_WITHOUT_TRANSFER),
    ],
)
def test_an_incomplete_record_is_refused_with_its_field(project, manager, fields, field, message):
    with pytest.raises(ValidationError) as error:
        _dataset(project, manager, **PERSONAL, **fields)
    assert error.value.message_dict[field] == [message]
    assert not Dataset.objects.filter(project=project).exists()
    assert not AuditEvent.objects.filter(action="dataset.created").exists()


@pytest.mark.parametrize(
    "field",
    ["personal_data_categories", "special_categories", "data_subjects"],
)
def test_unknown_codes_are_refused(project, manager, field):
    with pytest.raises(ValidationError) as error:
        _dataset(
            project,
            manager,
            **PERSONAL,
            **{field: ["shoe_size"]},
            **(
                {"special_category_condition": "legal_claims"}
                if field == "special_categories"
                else {}
            ),
        )
    assert "Unknown value(s): shoe_size" in error.value.message_dict[field][0]
    assert not Dataset.objects.filter(project=project).exists()


def test_a_repeated_code_is_refused(project, manager):
    with pytest.raises(ValidationError) as error:
        _dataset(project, manager, **PERSONAL, data_subjects=["customers", "customers"])
    assert error.value.message_dict["data_subjects"] == ["Each value once: customers repeated."]


def test_categories_need_personal_data(project, manager):
    with pytest.raises(ValidationError) as error:
        _dataset(project, manager, personal_data_categories=["contact"], data_subjects=["users"])
    assert error.value.message_dict == {
        "personal_data_categories": [adapt.ONLY_FOR_PERSONAL_DATA],
        "data_subjects": [adapt.ONLY_FOR_PERSONAL_DATA],
    }


def test_an_update_that_drops_the_safeguard_changes_nothing(project, manager):
    dataset = _dataset(
        project, manager, **PERSONAL, transfers_outside_eea=True, transfer_safeguard="adequacy"
    )
    with pytest.raises(ValidationError) as error:
        services.dataset_update(actor=manager, dataset=dataset, transfer_safeguard="")
    assert error.value.message_dict["transfer_safeguard"] == [adapt.TRANSFER_NEEDS_SAFEGUARD]
    dataset.refresh_from_db()
    assert dataset.transfer_safeguard == "adequacy"
    assert not AuditEvent.objects.filter(action="dataset.updated").exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"special_categories": ["health"]},  # no condition
        {"transfers_outside_eea": True},  # no safeguard
        {"special_category_condition": "bogus", "special_categories": ["health"]},
    ],
)
def test_the_table_holds_the_rules_on_a_direct_write(project, manager, fields):
    dataset = _dataset(project, manager, **PERSONAL)
    with pytest.raises(IntegrityError), transaction.atomic():
        Dataset.objects.filter(pk=dataset.pk).update(**fields)


def test_the_table_refuses_categories_of_data_without_personal_data(project, manager):
    dataset = _dataset(project, manager)
    with pytest.raises(IntegrityError), transaction.atomic():
        Dataset.objects.filter(pk=dataset.pk).update(data_subjects=["customers"])


def test_every_text_field_of_a_dataset_is_classified_for_the_trail():
    assert unclassified_fields(Dataset) == []


def test_the_api_takes_and_shows_the_inventory_fields(project, manager, token_client):
    client = token_client(manager)
    url = f"/api/v1/projects/{project.pk}/adapt/datasets/"
    body = {
        "name": "Call recordings",
        "source": "Telephony",
        "licence": "Internal",
        **PERSONAL,
        "personal_data_categories": ["images_audio"],
        "special_categories": ["health"],
        "special_category_condition": "legal_claims",
        "data_subjects": ["customers"],
    }
    created = client.post(url, body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["special_categories"] == ["health"]
    bad = client.post(url, body | {"name": "Other", "data_subjects": ["martians"]}, format="json")
    assert bad.status_code == 400
    assert bad["Content-Type"] == "application/problem+json"
    assert "data_subjects" in str(bad.json())
    transfer = client.patch(
        f"{url}{created.json()['id']}/", {"transfers_outside_eea": True}, format="json"
    )
    assert transfer.status_code == 400
    assert adapt.TRANSFER_NEEDS_SAFEGUARD in str(transfer.json())
    assert Dataset.objects.filter(project=project).count() == 1
