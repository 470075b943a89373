"""Catalogue services: who may, what bad input is refused (changing nothing), licences
flagged, prices with their currency and date, the version check, delete while in use, and an
audit event per change; exchange rates and the organisation's currency."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Organization, OrganizationMembership
from audit.models import AuditEvent
from core.errors import ConflictError
from models_registry import services
from models_registry.models import CatalogueModel, ExchangeRate
from tests.helpers import event_count, new_events
from tests.models_registry.catalogue_helpers import (
    make_candidate,
    make_model,
    make_vendor,
)

pytestmark = pytest.mark.django_db

OrgRole = OrganizationMembership.Role


def test_an_admin_adds_a_model_and_the_trail_records_it(org, admin):
    before = event_count()

    model = make_model(admin, org, licence="apache-2.0")

    assert (model.licence, model.licence_is_spdx) == ("Apache-2.0", True)
    assert model.input_price_per_million == Decimal("2.5000")
    [event] = new_events(before)
    assert (event.action, event.actor_id, event.target_id) == (
        "catalogue_model.created",
        admin.pk,
        str(model.pk),
    )
    assert event.organization_id == org.pk
    assert event.data["licence"] == "Apache-2.0"
    assert event.data["licence_is_spdx"] is True
    assert event.data["input_price_per_million"] == "2.5000"


@pytest.mark.parametrize(
    ("licence", "stored", "spdx"),
    [
        ("mit", "MIT", True),
        ("MIT OR Apache-2.0", "MIT OR Apache-2.0", True),
        ("Llama-3.1 community licence", "Llama-3.1 community licence", False),
        ("  Gemma   Terms of Use ", "Gemma Terms of Use", False),
        ("", "", False),
    ],
)
def test_a_licence_is_normalised_and_anything_but_spdx_is_flagged(
    org, admin, licence, stored, spdx
):
    model = make_model(admin, org, licence=licence)

    model.refresh_from_db()
    assert (model.licence, model.licence_is_spdx) == (stored, spdx)


@pytest.mark.parametrize("role", [OrgRole.MEMBER, OrgRole.COMPLIANCE_OFFICER])
def test_only_admins_add_models(org, org_member, role):
    user = org_member(role)

    with pytest.raises(PermissionDenied):
        make_model(user, org)

    assert not CatalogueModel.objects.exists()
    assert not AuditEvent.objects.filter(action="catalogue_model.created").exists()


def test_an_admin_of_another_organisation_cannot_add_to_ours(org, outsider):
    with pytest.raises(PermissionDenied):
        make_model(outsider, org)
    assert not CatalogueModel.objects.exists()


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"input_price_per_million": Decimal("-0.01")}, "input_price_per_million"),
        ({"currency": ""}, "currency"),
        ({"currency": "usd"}, "currency"),
        ({"currency": "XYZ"}, "currency"),
        ({"price_as_of": None}, "price_as_of"),
        ({"input_price_per_million": Decimal("1.23456")}, "input_price_per_million"),
        ({"modalities": ["text", "smell"]}, "modalities"),
        ({"modalities": ["text", "text"]}, "modalities"),
        ({"source": "leaked"}, "source"),
        ({"hosting": "moon"}, "hosting"),
        ({"model_card_url": "not a url"}, "model_card_url"),
        ({"context_window": 0}, "context_window"),
        ({"licence_is_spdx": True}, "licence_is_spdx"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_written(org, admin, fields, error_field):
    before = event_count()

    with pytest.raises(ValidationError) as caught:
        make_model(admin, org, **fields)

    assert error_field in caught.value.message_dict
    assert not CatalogueModel.objects.exists()
    assert event_count() == before


def test_a_model_without_a_price_needs_no_currency(org, admin):
    model = make_model(
        admin,
        org,
        source="open_weights",
        hosting="self_hosted",
        input_price_per_million=None,
        output_price_per_million=None,
        currency="",
        price_as_of=None,
    )
    assert model.currency == ""


def test_the_same_provider_name_and_version_twice_is_refused(org, admin):
    make_model(admin, org)

    with pytest.raises(ValidationError) as caught:
        make_model(admin, org, name=" GPT-4o ")

    assert "name" in caught.value.message_dict
    assert CatalogueModel.objects.count() == 1


def test_the_vendor_must_be_of_the_same_organisation(org, admin, other_org, outsider):
    theirs = make_vendor(outsider, other_org)

    with pytest.raises(ValidationError) as caught:
        make_model(admin, org, vendor=theirs)

    assert caught.value.message_dict == {"vendor": ["Pick a vendor of this organisation."]}
    assert not CatalogueModel.objects.exists()


def test_an_update_saves_the_diff_and_bumps_the_version(org, admin):
    model = make_model(admin, org)
    before = event_count()

    model = services.catalogue_model_update(
        actor=admin,
        model=model,
        expected_version=1,
        input_price_per_million=Decimal("2.0"),
        licence="apache-2.0",
    )

    assert model.version_counter == 2
    model.refresh_from_db()
    assert (model.input_price_per_million, model.licence, model.licence_is_spdx) == (
        Decimal("2.0000"),
        "Apache-2.0",
        True,
    )
    [event] = new_events(before)
    assert event.action == "catalogue_model.updated"
    assert event.data == {
        "input_price_per_million": {"old": "2.5000", "new": "2.0000"},
        "licence": {"old": "Proprietary", "new": "Apache-2.0"},
        "licence_is_spdx": {"new": True},
    }


def test_an_update_that_changes_nothing_writes_nothing(org, admin):
    model = make_model(admin, org)
    before = event_count()

    model = services.catalogue_model_update(
        actor=admin, model=model, expected_version=1, input_price_per_million=Decimal("2.50")
    )

    assert model.version_counter == 1
    assert event_count() == before


def test_a_stale_edit_is_refused_with_the_current_version(org, admin):
    model = make_model(admin, org)
    services.catalogue_model_update(actor=admin, model=model, expected_version=1, name="GPT-4o x")

    with pytest.raises(ConflictError) as caught:
        services.catalogue_model_update(actor=admin, model=model, expected_version=1, name="Other")

    assert caught.value.code == "stale_version"
    assert caught.value.details == {"current_version": 2}
    model.refresh_from_db()
    assert model.name == "GPT-4o x"


def test_a_bad_update_changes_nothing(org, admin):
    model = make_model(admin, org)
    before = event_count()

    with pytest.raises(ValidationError):
        services.catalogue_model_update(
            actor=admin, model=model, expected_version=1, name="New", currency=""
        )

    model.refresh_from_db()
    assert (model.name, model.currency, model.version_counter) == ("GPT-4o", "USD", 1)
    assert event_count() == before


def test_a_compliance_officer_cannot_edit_a_model(org, admin, compliance_officer):
    model = make_model(admin, org)
    with pytest.raises(PermissionDenied):
        services.catalogue_model_update(
            actor=compliance_officer, model=model, expected_version=1, name="X"
        )


def test_delete_is_audited(org, admin):
    model = make_model(admin, org)
    before = event_count()

    services.catalogue_model_delete(actor=admin, model=model)

    assert not CatalogueModel.objects.exists()
    [event] = new_events(before)
    assert (event.action, event.target_id) == ("catalogue_model.deleted", str(model.pk))
    assert event.data["name"] == "GPT-4o"


def test_delete_is_refused_while_a_project_has_the_model_as_a_candidate(
    org, admin, project, manager
):
    model = make_model(admin, org)
    make_candidate(project, model, manager)
    before = event_count()

    with pytest.raises(ConflictError) as caught:
        services.catalogue_model_delete(actor=admin, model=model)

    assert caught.value.code == "in_use"
    assert "candidate in 1 project" in caught.value.message
    assert CatalogueModel.objects.filter(pk=model.pk).exists()
    assert event_count() == before


# --- exchange rates and currency ---------------------------------------------------------------


def test_an_admin_sets_a_rate_and_setting_the_same_day_again_replaces_it(org, admin):
    before = event_count()

    services.exchange_rate_set(
        actor=admin, organization=org, currency="usd", rate=Decimal("0.92"), as_of=date(2027, 1, 4)
    )
    rate = services.exchange_rate_set(
        actor=admin, organization=org, currency="USD", rate=Decimal("0.93"), as_of=date(2027, 1, 4)
    )

    assert ExchangeRate.objects.get() == rate
    assert rate.rate == Decimal("0.93000000")
    first, second = new_events(before)
    assert first.data["rate"] == {"old": None, "new": "0.92000000"}
    assert second.data == {
        "currency": "USD",
        "into": "EUR",
        "as_of": "2027-01-04",
        "rate": {"old": "0.92000000", "new": "0.93000000"},
    }


@pytest.mark.parametrize(
    ("currency", "rate", "field"),
    [
        ("EUR", Decimal("1"), "currency"),  # the organisation's own
        ("USD", Decimal("0"), "rate"),
        ("USD", Decimal("-1"), "rate"),
        ("ZZZ", Decimal("1"), "currency"),
        ("USD", Decimal("0.123456789"), "rate"),
    ],
)
def test_a_bad_rate_is_refused(org, admin, currency, rate, field):
    before = event_count()
    with pytest.raises(ValidationError) as caught:
        services.exchange_rate_set(
            actor=admin, organization=org, currency=currency, rate=rate, as_of=date(2027, 1, 4)
        )
    assert field in caught.value.message_dict
    assert not ExchangeRate.objects.exists()
    assert event_count() == before


def test_a_member_cannot_set_a_rate(org, org_member):
    with pytest.raises(PermissionDenied):
        services.exchange_rate_set(
            actor=org_member(),
            organization=org,
            currency="USD",
            rate=Decimal("1"),
            as_of=date(2027, 1, 4),
        )


def test_changing_the_currency_removes_the_rates_into_the_old_one(org, admin):
    services.exchange_rate_set(
        actor=admin, organization=org, currency="USD", rate=Decimal("0.92"), as_of=date(2027, 1, 4)
    )
    before = event_count()

    services.organization_currency_set(actor=admin, organization=org, currency="gbp")

    assert Organization.objects.get(pk=org.pk).currency == "GBP"
    assert not ExchangeRate.objects.exists()
    [event] = new_events(before)
    assert event.action == "organization.settings_changed"
    assert event.data == {
        "currency": {"old": "EUR", "new": "GBP"},
        "exchange_rates_removed": [
            {"currency": "USD", "rate": "0.92000000", "as_of": "2027-01-04"}
        ],
    }


def test_an_unknown_currency_is_refused_and_the_rates_stay(org, admin):
    services.exchange_rate_set(
        actor=admin, organization=org, currency="USD", rate=Decimal("0.92"), as_of=date(2027, 1, 4)
    )
    with pytest.raises(ValidationError) as caught:
        services.organization_currency_set(actor=admin, organization=org, currency="EURO")
    assert "currency" in caught.value.message_dict
    assert ExchangeRate.objects.count() == 1
    assert Organization.objects.get(pk=org.pk).currency == "EUR"


def test_a_compliance_officer_cannot_change_the_currency(org, compliance_officer):
    with pytest.raises(PermissionDenied):
        services.organization_currency_set(
            actor=compliance_officer, organization=org, currency="USD"
        )
