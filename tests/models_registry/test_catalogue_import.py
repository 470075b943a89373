"""Import and export of the catalogue: the round trip is exact in JSON and CSV, a file with
any problem is refused whole with every problem's line and field, matching rows are updated,
and the starter catalogue imports like any file."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import OrganizationMembership
from accounts.permissions import forget_roles
from audit.models import AuditEvent
from models_registry import catalogue_io, selectors, services
from models_registry.models import CatalogueModel, Vendor
from tests.factories import OrganizationMembershipFactory
from tests.helpers import event_count, new_events
from tests.models_registry.catalogue_helpers import make_model, make_vendor, rows_of

pytestmark = pytest.mark.django_db

OrgRole = OrganizationMembership.Role
HEADER = ",".join(catalogue_io.COLUMNS)


def _full_catalogue(org, admin):
    """Models that exercise every kind of value: decimals with 4 places, no price, text that
    a spreadsheet would run, commas, quotes and new lines, modalities, a vendor."""
    vendor = make_vendor(admin, org, "OpenAI")
    make_model(
        admin,
        org,
        vendor=vendor,
        input_price_per_million=Decimal("0.1234"),
        output_price_per_million=Decimal("12345678.9999"),
        commercial_terms='=HYPERLINK("x") and, "quoted"\nsecond line',
        limitations="-starts with a minus",
        data_residency="'=already quoted",
        parameter_count=8030000000,
        context_window=128000,
        model_card_url="https://platform.openai.com/docs/models/gpt-4o",
    )
    make_model(
        admin,
        org,
        provider="Meta",
        name="Llama 3.1 8B Instruct",
        version="",
        source="open_weights",
        hosting="self_hosted",
        licence="Llama-3.1 community licence",
        modalities=[],
        input_price_per_million=None,
        output_price_per_million=None,
        currency="",
        price_as_of=None,
    )


def _target(admin):
    """An empty organisation the same admin runs."""
    from tests.factories import OrganizationFactory

    other = OrganizationFactory(name="Initech")
    OrganizationMembershipFactory(organization=other, user=admin, role=OrgRole.ADMIN)
    forget_roles(admin)
    return other


@pytest.mark.parametrize("file_format", ["json", "csv"])
def test_export_then_import_into_an_empty_organisation_gives_the_same_rows(org, admin, file_format):
    _full_catalogue(org, admin)
    exported = selectors.catalogue_export(user=admin, organization=org, file_format=file_format)
    target = _target(admin)

    result = services.catalogue_import(
        actor=admin, organization=target, content=exported.encode(), file_format=file_format
    )

    assert (result.created, result.updated, result.unchanged, result.vendors_created) == (
        2,
        0,
        0,
        1,
    )
    assert rows_of(target) == rows_of(org)
    assert Vendor.objects.get(organization=target).name == "OpenAI"
    # and exporting again gives the same file (but for the export time)
    again = selectors.catalogue_export(user=admin, organization=target, file_format=file_format)
    if file_format == "csv":
        assert again == exported
    else:
        assert json.loads(again)["models"] == json.loads(exported)["models"]


def test_the_csv_export_lists_modalities_with_semicolons_and_neutralises_formulas(org, admin):
    _full_catalogue(org, admin)

    text = selectors.catalogue_export(user=admin, organization=org, file_format="csv")

    lines = text.splitlines()
    assert lines[0] == HEADER
    assert "text;image" in text
    assert "'=HYPERLINK" in text
    assert "'-starts with a minus" in text
    assert "''=already quoted" in text
    assert "12345678.9999" in text


def test_the_json_export_keeps_decimals_as_exact_strings(org, admin):
    _full_catalogue(org, admin)

    body = json.loads(selectors.catalogue_export(user=admin, organization=org, file_format="json"))

    assert body["schema"] == "charter-catalogue/1"
    gpt = next(m for m in body["models"] if m["name"] == "GPT-4o")
    assert gpt["input_price_per_million"] == "0.1234"
    assert gpt["price_as_of"] == "2024-11-01"
    assert gpt["modalities"] == ["text", "image"]
    assert gpt["vendor"] == "OpenAI"
    assert set(gpt) == set(catalogue_io.COLUMNS)


def test_rows_matching_provider_name_and_version_are_updated_and_one_event_sums_up(org, admin):
    model = make_model(admin, org)
    content = (
        f"{HEADER}\n"
        "OpenAI,GPT-4o,2024-08-06,closed_api,vendor_api,,Proprietary,,,,text;image,,2.0,10,USD,"
        "2025-01-01,,\n"
        "OpenAI,GPT-4o mini,2024-07-18,closed_api,vendor_api,,Proprietary,,,,text,,0.15,0.6,USD,"
        "2024-11-01,,\n"
    ).encode()
    before = event_count()

    result = services.catalogue_import(
        actor=admin, organization=org, content=content, file_format="csv"
    )

    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    model.refresh_from_db()
    assert (model.input_price_per_million, model.price_as_of, model.version_counter) == (
        Decimal("2.0000"),
        date(2025, 1, 1),
        2,
    )
    actions = [e.action for e in new_events(before)]
    assert actions == [
        "catalogue_model.updated",
        "catalogue_model.created",
        "catalogue.imported",
    ]
    summary = AuditEvent.objects.get(action="catalogue.imported")
    assert summary.data["created"] == 1
    assert summary.data["updated"] == 1
    assert summary.data["format"] == "csv"
    assert len(summary.data["sha256"]) == 64


def test_importing_the_same_file_twice_changes_nothing_the_second_time(org, admin):
    _full_catalogue(org, admin)
    content = selectors.catalogue_export(user=admin, organization=org, file_format="json").encode()
    before = event_count()

    result = services.catalogue_import(
        actor=admin, organization=org, content=content, file_format="json"
    )

    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert [e.action for e in new_events(before)] == ["catalogue.imported"]
    assert set(CatalogueModel.objects.values_list("version_counter", flat=True)) == {1}


def _refused(org, admin, content, file_format):
    before = event_count()
    rows_before = rows_of(org)
    with pytest.raises(ValidationError) as caught:
        services.catalogue_import(
            actor=admin, organization=org, content=content.encode(), file_format=file_format
        )
    assert rows_of(org) == rows_before, "nothing may be half-imported"
    assert event_count() == before
    return caught.value.message_dict["file"]


def test_a_csv_file_with_problems_is_refused_whole_with_every_line_and_field(org, admin):
    make_model(admin, org)
    content = (
        f"{HEADER}\n"
        "Acme,Good,1,open_weights,self_hosted,,MIT,,,,text,,,,,,,\n"
        "Acme,Bad currency,1,closed_api,vendor_api,,,,,,,,1.5,2,usd,2024-01-01,,\n"
        "Acme,Negative,1,closed_api,vendor_api,,,,,,,,-1,2,USD,2024-01-01,,\n"
        "Acme,Types,1,closed_api,vendor_api,,,,eight,,sound,,1.x,,USD,01/02/2024,,\n"
        "Acme,Good,1,open_weights,self_hosted,,MIT,,,,text,,,,,,,\n"
        ",,,,,,,,,,,,,,,,,\n"
        "Acme,Short row\n"
    )

    problems = _refused(org, admin, content, "csv")

    assert problems == [
        "Line 5, parameter_count: Must be a whole number.",
        "Line 5, input_price_per_million: Must be a decimal number, such as 2.50.",
        "Line 5, price_as_of: Must be a date in ISO form, such as 2024-07-18.",
        "Line 8: Expected 18 cells, found 2.",
        "Line 3, currency: Use an ISO 4217 currency code, such as EUR, USD or GBP.",
        "Line 4, input_price_per_million: Must not be negative.",
        "Line 5, modalities: Unknown modality 'sound': use text, image, audio, video, code, "
        "embeddings.",
        "Line 6, name: The same provider, name and version as Line 2.",
    ]


def test_a_csv_file_with_unknown_or_missing_columns_is_refused(org, admin):
    problems = _refused(org, admin, "provider,name,colour\nAcme,X,red\n", "csv")

    assert problems == [
        "Line 1, colour: Unknown column.",
        "Line 1, source: This column is required.",
        "Line 1, hosting: This column is required.",
    ]


def test_a_json_file_is_refused_whole_with_each_index_and_field(org, admin):
    body = {
        "schema": "charter-catalogue/1",
        "models": [
            {"provider": "Acme", "name": "Ok", "source": "open_weights", "hosting": "self_hosted"},
            {
                "provider": "Acme",
                "name": 7,
                "source": "open_weights",
                "hosting": "self_hosted",
                "colour": "red",
            },
            {"provider": "Acme", "name": "No source", "hosting": "self_hosted"},
            {
                "provider": "Acme",
                "name": "Priced",
                "source": "closed_api",
                "hosting": "vendor_api",
                "input_price_per_million": 1.25,
                "context_window": True,
                "modalities": "text",
            },
            "not an object",
        ],
        "extra": 1,
    }

    problems = _refused(org, admin, json.dumps(body), "json")

    assert problems == [
        "The file, extra: Unknown key.",
        "models[1], colour: Unknown key.",
        "models[1], name: Must be a string.",
        "models[2], source: This field is required.",
        "models[3], context_window: Must be a whole number.",
        "models[3], modalities: Must be a list of strings.",
        "models[4]: Each model must be a JSON object.",
        "models[1], name: This field cannot be blank.",
        "models[2], source: This field cannot be blank.",
        "models[3], currency: A price needs its currency (ISO 4217, such as USD).",
        "models[3], price_as_of: Say when the price was published (its “as of” date).",
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "Line 1, column 2: The file is not valid JSON"),
        ("[]", 'The file: A catalogue file is a JSON object with a "models" list.'),
        ('{"schema": "other/2", "models": []}', "The file, schema: Unknown schema"),
    ],
)
def test_a_file_that_is_not_a_catalogue_is_refused(org, admin, content, expected):
    [problem] = _refused(org, admin, content, "json")
    assert problem.startswith(expected)


def test_a_json_number_keeps_every_digit(org, admin):
    body = {
        "models": [
            {
                "provider": "Acme",
                "name": "Exact",
                "source": "closed_api",
                "hosting": "vendor_api",
                "input_price_per_million": 0.1235,
                "currency": "USD",
                "price_as_of": "2024-01-01",
            }
        ]
    }
    services.catalogue_import(
        actor=admin, organization=org, content=json.dumps(body).encode(), file_format="json"
    )
    assert CatalogueModel.objects.get().input_price_per_million == Decimal("0.1235")


def test_a_file_too_large_is_refused_before_reading_it(org, admin):
    content = "x" * (catalogue_io.MAX_FILE_BYTES + 1)
    assert _refused(org, admin, content, "csv") == [
        f"The file: The file is larger than {catalogue_io.MAX_FILE_BYTES // 1024} KiB."
    ]


def test_the_problem_list_is_capped(org, admin):
    rows = "".join(f"Acme,M{i},,nope,self_hosted,,,,,,,,,,,,,\n" for i in range(80))
    problems = _refused(org, admin, f"{HEADER}\n{rows}", "csv")
    assert len(problems) == catalogue_io.MAX_PROBLEMS + 1
    assert problems[-1] == "… and 30 more problems."


@pytest.mark.parametrize("role", [OrgRole.MEMBER, OrgRole.COMPLIANCE_OFFICER])
def test_only_admins_import(org, org_member, role):
    with pytest.raises(PermissionDenied):
        services.catalogue_import_starter(actor=org_member(role), organization=org)
    assert not CatalogueModel.objects.exists()


def test_the_starter_catalogue_imports_with_flagged_licences_and_dated_usd_prices(org, admin):
    result = services.catalogue_import_starter(actor=admin, organization=org)

    assert (result.created, result.vendors_created) == (9, 0)
    models = {m.name: m for m in CatalogueModel.objects.filter(organization=org)}
    assert set(models) == {
        "Claude 3.5 Sonnet",
        "Gemini 1.5 Pro",
        "Gemma 2 9B IT",
        "GPT-4o",
        "GPT-4o mini",
        "Llama 3.1 70B Instruct",
        "Llama 3.1 8B Instruct",
        "Mistral 7B Instruct",
        "Qwen2.5 7B Instruct",
    }
    assert models["Mistral 7B Instruct"].licence_is_spdx is True
    assert models["Qwen2.5 7B Instruct"].licence == "Apache-2.0"
    assert models["Llama 3.1 8B Instruct"].licence == "Llama-3.1 community licence"
    assert models["Llama 3.1 8B Instruct"].licence_is_spdx is False
    assert models["Gemma 2 9B IT"].licence_is_spdx is False
    assert (models["GPT-4o"].input_price_per_million, models["GPT-4o"].currency) == (
        Decimal("2.5000"),
        "USD",
    )
    for model in models.values():
        assert model.model_card_url.startswith("https://")
        if model.source == CatalogueModel.Source.CLOSED_API:
            assert (model.currency, model.price_as_of) == ("USD", date(2024, 11, 1))
        else:
            assert model.input_price_per_million is None
    event = AuditEvent.objects.get(action="catalogue.imported")
    assert event.data["origin"] == "starter"


def test_the_starter_catalogue_imported_twice_changes_nothing(org, admin):
    services.catalogue_import_starter(actor=admin, organization=org)
    result = services.catalogue_import_starter(actor=admin, organization=org)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 9)


def test_an_import_links_an_existing_vendor_by_name_whatever_the_case(org, admin):
    vendor = make_vendor(admin, org, "OpenAI")
    content = (f"{HEADER}\nOpenAI,GPT-4o,,closed_api,vendor_api,openai,,,,,,,,,,,,\n").encode()

    result = services.catalogue_import(
        actor=admin, organization=org, content=content, file_format="csv"
    )

    assert result.vendors_created == 0
    assert CatalogueModel.objects.get().vendor == vendor
