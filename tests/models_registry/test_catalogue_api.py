"""The catalogue API: filters, create and edit with the version check, 400s with nothing
changed, delete refused in use, another organisation's model a 404, import and export
round trip, the starter catalogue, exchange rates."""

import json

import pytest

from models_registry.models import CatalogueModel, ExchangeRate
from tests.helpers import UNKNOWN_UUID, assert_problem, client_for, event_count
from tests.models_registry.catalogue_helpers import (
    make_candidate,
    make_model,
    make_vendor,
    rows_of,
)

pytestmark = pytest.mark.django_db


def _models(org) -> str:
    return f"/api/v1/organizations/{org.pk}/catalogue-models/"


def test_create_answers_the_model_with_its_licence_flag(org, admin):
    vendor = make_vendor(admin, org)

    response = client_for(admin).post(
        _models(org),
        {
            "provider": "Meta",
            "name": "Llama 3.1 8B Instruct",
            "source": "open_weights",
            "hosting": "self_hosted",
            "licence": "Llama-3.1 community licence",
            "modalities": ["text"],
            "vendor": str(vendor.pk),
            "parameter_count": 8030000000,
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    model = CatalogueModel.objects.get(pk=body["id"])
    assert body["licence"] == "Llama-3.1 community licence"
    assert body["licence_is_spdx"] is False
    assert body["vendor"] == {"id": str(vendor.pk), "name": "OpenAI"}
    assert body["label"] == "Meta Llama 3.1 8B Instruct"
    assert body["version_counter"] == 1
    assert body["input_price_per_million"] is None
    assert model.parameter_count == 8030000000


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"input_price_per_million": "-1"}, "input_price_per_million"),
        ({"input_price_per_million": "1.5"}, "currency"),
        ({"input_price_per_million": "1.5", "currency": "USD"}, "price_as_of"),
        ({"currency": "EURO"}, "currency"),
        ({"modalities": ["telepathy"]}, "modalities"),
        ({"vendor": UNKNOWN_UUID}, "vendor"),
        ({"licence_is_spdx": True}, "licence_is_spdx"),
        ({"source": "stolen"}, "source"),
    ],
)
def test_create_refuses_bad_input_and_writes_nothing(org, admin, payload, field):
    base = {"provider": "Acme", "name": "X", "source": "closed_api", "hosting": "vendor_api"}
    before = event_count()

    response = client_for(admin).post(_models(org), base | payload, format="json")

    body = assert_problem(response, 400)
    assert field in body["errors"]
    assert not CatalogueModel.objects.exists()
    assert event_count() == before


def test_a_vendor_of_another_organisation_is_a_400(org, admin, other_org, outsider):
    theirs = make_vendor(outsider, other_org)
    response = client_for(admin).post(
        _models(org),
        {
            "provider": "A",
            "name": "B",
            "source": "in_house",
            "hosting": "on_device",
            "vendor": str(theirs.pk),
        },
        format="json",
    )
    body = assert_problem(response, 400)
    assert list(body["errors"]) == ["vendor"]


def test_list_filters_combine(org, admin):
    make_model(admin, org)  # closed, vendor API, flagged
    make_model(
        admin,
        org,
        provider="Mistral AI",
        name="Mistral 7B Instruct",
        source="open_weights",
        hosting="self_hosted",
        licence="Apache-2.0",
        modalities=["text", "code"],
    )
    client = client_for(admin)

    def names(query: str) -> list[str]:
        response = client.get(_models(org) + query)
        assert response.status_code == 200, response.content
        return [m["name"] for m in response.json()["results"]]

    assert names("") == ["Mistral 7B Instruct", "GPT-4o"]  # by provider
    assert names("?licence=flagged") == ["GPT-4o"]
    assert names("?licence=spdx") == ["Mistral 7B Instruct"]
    assert names("?source=open_weights") == ["Mistral 7B Instruct"]
    assert names("?hosting=vendor_api") == ["GPT-4o"]
    assert names("?provider=openai") == ["GPT-4o"]
    assert names("?modality=code") == ["Mistral 7B Instruct"]
    assert names("?modality=image") == ["GPT-4o"]
    assert names("?q=mistral&licence=spdx") == ["Mistral 7B Instruct"]
    assert names("?q=apache") == ["Mistral 7B Instruct"]
    assert_problem(client.get(_models(org) + "?licence=maybe"), 400)


def test_patch_needs_the_version_and_a_stale_one_is_a_409(org, admin):
    model = make_model(admin, org)
    client = client_for(admin)
    url = f"{_models(org)}{model.pk}/"

    assert_problem(client.patch(url, {"name": "X"}, format="json"), 400)
    ok = client.patch(url, {"version_counter": 1, "currency": "EUR"}, format="json")
    assert ok.status_code == 200, ok.content
    assert ok.json()["version_counter"] == 2
    stale = client.patch(url, {"version_counter": 1, "currency": "GBP"}, format="json")

    body = assert_problem(stale, 409)
    assert body["code"] == "stale_version"
    assert body["errors"] == {"current_version": 2}
    model.refresh_from_db()
    assert model.currency == "EUR"


def test_a_member_reads_but_cannot_write(org, admin, org_member):
    model = make_model(admin, org)
    client = client_for(org_member())

    assert client.get(f"{_models(org)}{model.pk}/").status_code == 200
    assert_problem(
        client.patch(f"{_models(org)}{model.pk}/", {"version_counter": 1}, format="json"), 403
    )
    assert_problem(client.delete(f"{_models(org)}{model.pk}/"), 403)
    assert CatalogueModel.objects.filter(pk=model.pk).exists()


def test_another_organisations_model_is_a_404_even_under_ours(org, admin, other_org, outsider):
    theirs = make_model(outsider, other_org)
    client = client_for(admin)

    assert_problem(client.get(f"{_models(org)}{theirs.pk}/"), 404)
    assert_problem(client.get(f"{_models(other_org)}{theirs.pk}/"), 404)
    assert_problem(client.get(f"{_models(org)}not-a-uuid/"), 404)


def test_delete_in_use_is_a_409_with_the_reason(org, admin, project, manager):
    model = make_model(admin, org)
    make_candidate(project, model, manager)

    body = assert_problem(client_for(admin).delete(f"{_models(org)}{model.pk}/"), 409)

    assert body["code"] == "in_use"
    assert "candidate in 1 project" in body["detail"]
    assert CatalogueModel.objects.filter(pk=model.pk).exists()


def test_delete_answers_204(org, admin):
    model = make_model(admin, org)
    assert client_for(admin).delete(f"{_models(org)}{model.pk}/").status_code == 204
    assert not CatalogueModel.objects.exists()


@pytest.mark.parametrize(
    ("file_format", "content_type"), [("json", "application/json"), ("csv", "text/csv")]
)
def test_export_and_import_through_the_api_round_trip(
    org, admin, other_org, file_format, content_type
):
    make_model(admin, org, vendor=make_vendor(admin, org))
    make_model(admin, org, name="GPT-4o mini", commercial_terms="=1+1")
    client = client_for(admin)
    exported = client.get(_models(org) + f"export/?format={file_format}")
    assert exported.status_code == 200, exported.content
    assert exported["Content-Type"].startswith(content_type)
    assert "attachment" in exported["Content-Disposition"]
    rows = rows_of(org)
    CatalogueModel.objects.all().delete()

    response = client.generic(
        "POST", _models(org) + "import/", exported.content, content_type=content_type
    )

    assert response.status_code == 200, response.content
    assert response.json() == {
        "total": 2,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "vendors_created": 0,
    }
    assert rows_of(org) == rows
    assert CatalogueModel.objects.get(name="GPT-4o mini").commercial_terms == "=1+1"


def test_import_refuses_a_bad_file_with_its_problems(org, admin):
    response = client_for(admin).generic(
        "POST",
        _models(org) + "import/",
        "provider,name,source,hosting\nAcme,X,open_weights,nowhere\n",
        content_type="text/csv",
    )

    body = assert_problem(response, 400)
    assert body["errors"]["file"] == ["Line 2, hosting: Value 'nowhere' is not a valid choice."]
    assert not CatalogueModel.objects.exists()


def test_import_refuses_another_media_type(org, admin):
    response = client_for(admin).generic(
        "POST", _models(org) + "import/", "x", content_type="text/plain"
    )
    assert_problem(response, 415)


def test_import_refuses_a_body_too_large(org, admin):
    response = client_for(admin).generic(
        "POST", _models(org) + "import/", "x" * (1024 * 1024 + 1), content_type="text/csv"
    )
    body = assert_problem(response, 400)
    assert "larger than" in body["errors"]["file"][0]


def test_the_starter_catalogue_through_the_api(org, admin, compliance_officer):
    assert_problem(client_for(compliance_officer).post(_models(org) + "import-starter/"), 403)

    response = client_for(admin).post(_models(org) + "import-starter/")

    assert response.status_code == 200, response.content
    assert response.json()["created"] == 9
    flagged = client_for(admin).get(_models(org) + "?licence=flagged&source=open_weights")
    assert [m["name"] for m in flagged.json()["results"]] == [
        "Gemma 2 9B IT",
        "Llama 3.1 70B Instruct",
        "Llama 3.1 8B Instruct",
    ]


def test_export_json_is_the_catalogue_file(org, admin, org_member):
    make_model(admin, org)
    response = client_for(org_member()).get(_models(org) + "export/")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["schema"] == "charter-catalogue/1"
    assert [m["name"] for m in body["models"]] == ["GPT-4o"]


# --- exchange rates --------------------------------------------------------------------------


def test_exchange_rates_are_set_by_admins_and_read_by_members(org, admin, org_member):
    url = f"/api/v1/organizations/{org.pk}/exchange-rates/"
    created = client_for(admin).post(
        url, {"currency": "USD", "rate": "0.92", "as_of": "2027-01-04"}, format="json"
    )
    assert created.status_code == 201, created.content
    assert created.json()["rate"] == "0.92000000"
    assert created.json()["into"] == "EUR"

    listed = client_for(org_member()).get(url)

    assert [(r["currency"], r["rate"]) for r in listed.json()["results"]] == [("USD", "0.92000000")]
    assert_problem(
        client_for(org_member()).post(
            url, {"currency": "GBP", "rate": "1.1", "as_of": "2027-01-04"}, format="json"
        ),
        403,
    )


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"currency": "EUR", "rate": "1", "as_of": "2027-01-04"}, "currency"),
        ({"currency": "USD", "rate": "0", "as_of": "2027-01-04"}, "rate"),
        ({"currency": "USD", "rate": "1", "as_of": "soon"}, "as_of"),
        ({"currency": "USD", "rate": "1", "as_of": "2027-01-04", "into": "GBP"}, "into"),
    ],
)
def test_a_bad_exchange_rate_is_a_400(org, admin, payload, field):
    response = client_for(admin).post(
        f"/api/v1/organizations/{org.pk}/exchange-rates/", payload, format="json"
    )
    body = assert_problem(response, 400)
    assert field in body["errors"]
    assert not ExchangeRate.objects.exists()


def _currency(org):
    return f"/api/v1/organizations/{org.pk}/currency/"


def test_administrators_change_the_currency_and_members_read_it(org, admin, org_member):
    client_for(admin).post(
        f"/api/v1/organizations/{org.pk}/exchange-rates/",
        {"currency": "USD", "rate": "0.92", "as_of": "2027-01-04"},
        format="json",
    )
    before = event_count()

    changed = client_for(admin).put(_currency(org), {"currency": "gbp"}, format="json")
    again = client_for(admin).put(_currency(org), {"currency": "GBP"}, format="json")

    assert (changed.status_code, changed.json()) == (200, {"currency": "GBP"})
    assert (again.status_code, again.json()) == (200, {"currency": "GBP"})
    org.refresh_from_db()
    assert org.currency == "GBP"
    # The rates converted into the old currency: they go, in one audit event.
    assert not ExchangeRate.objects.exists()
    assert event_count() == before + 1
    read = client_for(org_member()).get(_currency(org))
    assert (read.status_code, read.json()) == (200, {"currency": "GBP"})


@pytest.mark.parametrize(
    "payload", [{"currency": "EURO"}, {"currency": "ZZZ"}, {}, {"currency": "USD", "rates": 1}]
)
def test_a_bad_currency_is_a_400_and_changes_nothing(org, admin, payload):
    before = event_count()

    response = client_for(admin).put(_currency(org), payload, format="json")

    body = assert_problem(response, 400)
    assert set(body["errors"]) & {"currency", "rates"}
    org.refresh_from_db()
    assert (org.currency, event_count()) == ("EUR", before)


def test_a_member_cannot_change_the_currency_nor_a_stranger_see_it(org, org_member, outsider):
    assert_problem(
        client_for(org_member()).put(_currency(org), {"currency": "USD"}, format="json"), 403
    )
    assert_problem(client_for(outsider).get(_currency(org)), 404)
    assert_problem(
        client_for(outsider).put(_currency(org), {"currency": "USD"}, format="json"), 404
    )
    assert_problem(client_for(outsider).get(f"/api/v1/organizations/{UNKNOWN_UUID}/currency/"), 404)
    org.refresh_from_db()
    assert org.currency == "EUR"
