"""The catalogue pages: list with filters (htmx swaps the table), licence flags, detail,
add and edit (stale edit 409), delete refused in use, import by file and the starter button,
export, settings; another organisation's model is a 404."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from models_registry import selectors, services
from models_registry.models import CatalogueModel, ExchangeRate
from tests.models_registry.catalogue_helpers import browser, make_candidate, make_model

pytestmark = pytest.mark.django_db

LIST = "models_registry:catalogue-list"


def test_the_list_shows_models_and_flags_licences(org, admin, org_member):
    make_model(admin, org)
    make_model(admin, org, name="Mistral", licence="Apache-2.0")

    page = browser(org_member()).get(reverse(LIST)).content.decode()

    assert "OpenAI GPT-4o 2024-08-06" in page
    assert page.count(">flagged<") == 1
    assert "Import the starter catalogue" not in page  # members do not import


def test_filters_swap_the_table_for_htmx(org, admin):
    make_model(admin, org)
    make_model(admin, org, name="Mistral", licence="Apache-2.0", source="open_weights")
    client = browser(admin)

    response = client.get(
        reverse(LIST) + "?licence=spdx",
        headers={"HX-Request": "true", "HX-Target": "catalogue-table"},
    )

    body = response.content.decode()
    assert body.lstrip().startswith('<div id="catalogue-table"')
    assert "Mistral" in body
    assert "GPT-4o" not in body


def test_an_admin_adds_a_model_through_the_form(org, admin):
    response = browser(admin).post(
        reverse("models_registry:catalogue-create"),
        {
            "provider": "Mistral AI",
            "name": "Mistral 7B Instruct",
            "version": "v0.3",
            "source": "open_weights",
            "hosting": "self_hosted",
            "licence": "apache-2.0",
            "modalities": ["text"],
        },
    )

    model = CatalogueModel.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("models_registry:catalogue-detail", args=[model.pk])
    assert (model.licence, model.licence_is_spdx, model.modalities) == (
        "Apache-2.0",
        True,
        ["text"],
    )


def test_the_form_shows_the_service_errors(org, admin):
    response = browser(admin).post(
        reverse("models_registry:catalogue-create"),
        {
            "provider": "Acme",
            "name": "X",
            "source": "closed_api",
            "hosting": "vendor_api",
            "input_price_per_million": "3",
        },
    )
    assert response.status_code == 400
    assert "A price needs its currency" in response.content.decode()
    assert not CatalogueModel.objects.exists()


def test_a_stale_edit_is_a_409_and_keeps_the_other_save(org, admin):
    model = make_model(admin, org)
    services.catalogue_model_update(actor=admin, model=model, expected_version=1, name="Renamed")
    response = browser(admin).post(
        reverse("models_registry:catalogue-edit", args=[model.pk]),
        {
            "provider": "OpenAI",
            "name": "Mine",
            "source": "closed_api",
            "hosting": "vendor_api",
            "version_counter": 1,
        },
    )
    assert response.status_code == 409
    model.refresh_from_db()
    assert model.name == "Renamed"


def test_delete_in_use_is_refused_with_the_reason(org, admin, project, manager):
    model = make_model(admin, org)
    make_candidate(project, model, manager)
    client = browser(admin)

    response = client.post(
        reverse("models_registry:catalogue-delete", args=[model.pk]), follow=True
    )

    assert "cannot be deleted while a selection uses it" in response.content.decode()
    assert CatalogueModel.objects.filter(pk=model.pk).exists()
    detail = client.get(reverse("models_registry:catalogue-detail", args=[model.pk]))
    assert "Claims assistant" in detail.content.decode()


def test_another_organisations_model_is_a_404_page(org, admin, other_org, outsider):
    theirs = make_model(outsider, other_org)
    client = browser(admin)
    for name in ("catalogue-detail", "catalogue-edit"):
        assert client.get(reverse(f"models_registry:{name}", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("models_registry:catalogue-delete", args=[theirs.pk]))
    assert response.status_code == 404
    assert CatalogueModel.objects.filter(pk=theirs.pk).exists()


def test_import_by_file_and_the_errors_of_a_refused_one(org, admin):
    client = browser(admin)
    bad = SimpleUploadedFile(
        "catalogue.csv", b"provider,name,source,hosting\nAcme,X,open,self_hosted\n"
    )

    refused = client.post(reverse("models_registry:catalogue-import"), {"file": bad})

    assert refused.status_code == 400
    assert "Nothing was imported" in refused.content.decode()
    assert "Line 2, source:" in refused.content.decode()
    good = SimpleUploadedFile(
        "catalogue.csv", b"provider,name,source,hosting\nAcme,X,open_weights,self_hosted\n"
    )
    imported = client.post(reverse("models_registry:catalogue-import"), {"file": good}, follow=True)
    assert "Imported 1 models: 1 added" in imported.content.decode()
    assert CatalogueModel.objects.get().name == "X"


def test_the_starter_button_imports_the_starter_catalogue(org, admin):
    response = browser(admin).post(
        reverse("models_registry:catalogue-import"), {"starter": "1"}, follow=True
    )
    assert "9 added" in response.content.decode()
    assert CatalogueModel.objects.filter(organization=org).count() == 9


def test_export_downloads_the_same_file_as_the_selector(org, admin):
    make_model(admin, org)
    response = browser(admin).get(reverse("models_registry:catalogue-export") + "?format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode() == selectors.catalogue_export(
        user=admin, organization=org, file_format="csv"
    )


def test_settings_set_a_rate_and_change_the_currency(org, admin, compliance_officer):
    client = browser(admin)
    assert (
        browser(compliance_officer).get(reverse("models_registry:catalogue-settings")).status_code
        == 403
    )

    saved = client.post(
        reverse("models_registry:catalogue-settings"),
        {"currency": "usd", "rate": "0.92", "as_of": "2027-01-04"},
    )
    own = client.post(
        reverse("models_registry:catalogue-settings"),
        {"currency": "EUR", "rate": "1", "as_of": "2027-01-04"},
    )

    assert saved.status_code == 302
    assert own.status_code == 400
    assert "own currency" in own.content.decode()
    assert ExchangeRate.objects.get().rate == Decimal("0.92")
    changed = client.post(reverse("models_registry:catalogue-currency"), {"currency": "GBP"})
    assert changed.status_code == 302
    org.refresh_from_db()
    assert org.currency == "GBP"
    assert not ExchangeRate.objects.exists()
    page = client.get(reverse("models_registry:catalogue-settings")).content.decode()
    assert "Exchange rates into GBP" in page


def test_the_nav_links_to_the_catalogue(org, admin):
    page = browser(admin).get(reverse("projects:project-list")).content.decode()
    assert f'href="{reverse(LIST)}"' in page
    assert ">Models<" in page


def test_a_price_shows_with_its_date(org, admin):
    make_model(admin, org, price_as_of=date(2024, 11, 1))
    page = browser(admin).get(reverse(LIST)).content.decode()
    assert "as of 1 Nov 2024" in page
