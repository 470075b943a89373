"""Publishing a project's fact sheet on its public page: only the chosen fields are shown
(the page's visible text is diffed against them), the page links nowhere into Charter and
sets no cookie, unpublishing is a 404 at once, both are audited, and who may do it."""

import re
from html.parser import HTMLParser

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from audit.personal import off_the_trail, unclassified_fields
from compliance.fact_sheet import FIELDS, fact_sheet
from compliance.models import FactSheetPublication
from compliance.services.publications import fact_sheet_publish, fact_sheet_unpublish
from tests.compliance.transparency_support import classify

pytestmark = pytest.mark.django_db

PUBLISHED = ["purpose", "risk_tier", "transparency_notice"]


class _Visible(HTMLParser):
    """The page's visible text and every link, stylesheet or form target it holds."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.targets: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script", "title"):
            self._skip += 1
        self.targets += [v for k, v in attrs if k in ("href", "src", "action") and v]

    def handle_endtag(self, tag):
        if tag in ("style", "script", "title"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def _visible(response):
    parser = _Visible()
    parser.feed(response.content.decode())
    return " ".join(" ".join(parser.text).split()), parser.targets


@pytest.fixture
def rich(project, compliance_officer, project_member):
    """A project whose every fact-sheet field holds a distinctive value."""
    project.intended_purpose = "Routes incoming claims to the right team."
    project.end_users = "Claims handlers at the regional centres"
    project.save()
    classify(project, compliance_officer, interacts_with_people=True)
    return project


def _public_url(publication):
    return reverse("compliance-public:fact-sheet", args=[publication.public_id])


def test_the_public_page_shows_the_published_fields_and_nothing_else(client, rich, manager):
    publication = fact_sheet_publish(actor=manager, project=rich, fields=PUBLISHED)
    response = client.get(_public_url(publication))
    assert response.status_code == 200
    text, targets = _visible(response)
    every = {s.key: s for s in fact_sheet(rich)}
    for key in PUBLISHED:
        section = every[key]
        assert section.title in text
        for fact in section.facts:
            for line in fact.lines:
                assert " ".join(line.split()) in text, line
    unpublished = [key for key in FIELDS if key not in PUBLISHED]
    assert unpublished
    for key in unpublished:
        section = every[key]
        assert section.title not in text, key
        for fact in section.facts:
            assert fact.label not in text
            for line in fact.lines:
                assert " ".join(line.split()) not in text, line
        for item in section.missing:
            assert item.text not in text
    # the contacts' people are unpublished: no name, no address
    assert rich.owner.email not in response.content.decode()
    # no link, form or script into the application: only its icon and style sheet
    assert targets == ["/static/img/favicon.svg", "/static/css/charter.css"]
    assert "/projects/" not in response.content.decode()
    assert "<form" not in response.content.decode()
    assert "<script" not in response.content.decode()


def test_the_public_page_sets_no_cookie_and_says_how_it_may_be_cached(client, rich, manager):
    publication = fact_sheet_publish(actor=manager, project=rich, fields=PUBLISHED)
    response = client.get(_public_url(publication))
    assert response.cookies == {}
    assert "Set-Cookie" not in response.headers
    assert response["Cache-Control"] == "public, no-cache"
    assert re.fullmatch(r'"[0-9a-f]{32}"', response["ETag"])
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "form-action 'none'" in csp
    again = client.get(_public_url(publication), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    # a signed-in visitor gets the same page and no new cookie either
    client.force_login(manager)
    signed_in = client.get(_public_url(publication))
    assert signed_in.status_code == 200
    assert "csrftoken" not in signed_in.cookies
    assert "sessionid" not in signed_in.cookies


def test_unpublishing_is_a_404_at_once_even_for_a_cached_copy(client, rich, manager):
    publication = fact_sheet_publish(actor=manager, project=rich, fields=PUBLISHED)
    url = _public_url(publication)
    etag = client.get(url)["ETag"]
    fact_sheet_unpublish(actor=manager, publication=publication)
    assert client.get(url).status_code == 404
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 404
    # publishing again opens a new address: the old one stays dead
    again = fact_sheet_publish(actor=manager, project=rich, fields=["purpose"])
    assert again.public_id != publication.public_id
    assert client.get(url).status_code == 404
    assert client.get(_public_url(again)).status_code == 200


def test_the_public_id_is_opaque_and_unrelated_to_the_project(rich, manager):
    publication = fact_sheet_publish(actor=manager, project=rich, fields=PUBLISHED)
    assert len(publication.public_id) >= 40
    assert str(rich.pk) not in publication.public_id
    assert rich.pk.hex not in publication.public_id


def test_publishing_and_unpublishing_are_audited_without_the_public_id(rich, manager):
    publication = fact_sheet_publish(actor=manager, project=rich, fields=["risk_tier", "purpose"])
    assert publication.fields == ["purpose", "risk_tier"]  # the fact sheet's order
    updated = fact_sheet_publish(actor=manager, project=rich, fields=["purpose"])
    assert updated.pk == publication.pk  # a live page keeps its address
    fact_sheet_unpublish(actor=manager, publication=updated)
    events = list(AuditEvent.objects.filter(target_id=str(publication.pk)).order_by("occurred_at"))
    assert [e.action for e in events] == [
        "fact_sheet.published",
        "fact_sheet.published",
        "fact_sheet.unpublished",
    ]
    assert events[0].data["fields"] == ["purpose", "risk_tier"]
    assert events[1].data["previous_fields"] == ["purpose", "risk_tier"]
    assert all(publication.public_id not in str(e.data) for e in events)


def test_bad_fields_are_refused_and_nothing_is_published(rich, manager):
    with pytest.raises(ValidationError) as error:
        fact_sheet_publish(actor=manager, project=rich, fields=["purpose", "salary"])
    assert error.value.message_dict == {"fields": ["Not a field of the fact sheet: salary."]}
    with pytest.raises(ValidationError):
        fact_sheet_publish(actor=manager, project=rich, fields=[])
    assert not FactSheetPublication.objects.exists()


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("viewer", False),
        ("contributor", False),
        ("reviewer", False),
        ("manager", True),
        ("compliance_officer", True),
        ("org_admin", True),
    ],
)
def test_who_may_publish(as_role, project, role, allowed):
    user = as_role(role)
    if allowed:
        assert fact_sheet_publish(actor=user, project=project, fields=["purpose"]).is_live
    else:
        with pytest.raises(PermissionDenied):
            fact_sheet_publish(actor=user, project=project, fields=["purpose"])
        assert not AuditEvent.objects.filter(action="fact_sheet.published").exists()


def test_the_page_publishes_and_unpublishes(client, rich, manager):
    client.force_login(manager)
    url = reverse("compliance:fact-sheet-publish", args=[rich.pk])
    response = client.post(url, {"shown": ["purpose", "contacts"]})
    assert response.status_code == 302
    live = FactSheetPublication.objects.get(project=rich)
    assert live.fields == ["purpose", "contacts"]
    page = client.get(reverse("compliance:transparency", args=[rich.pk])).content.decode()
    assert _public_url(live) in page
    bad = client.post(url, {})
    assert bad.status_code == 400
    assert "Choose at least one field of the fact sheet to publish." in bad.content.decode()
    client.post(reverse("compliance:fact-sheet-unpublish", args=[rich.pk]))
    assert client.get(_public_url(live)).status_code == 404


def test_another_organisations_project_is_404_to_publish_by_every_path(
    client, token_client, rich, manager, outsider
):
    publication = fact_sheet_publish(actor=manager, project=rich, fields=PUBLISHED)
    client.force_login(outsider)
    for name in ("fact-sheet-publish", "fact-sheet-unpublish"):
        response = client.post(
            reverse(f"compliance:{name}", args=[rich.pk]), {"shown": ["purpose"]}
        )
        assert response.status_code == 404
    api = token_client(outsider)
    base = f"/api/v1/projects/{rich.pk}/fact-sheet-publications/"
    assert api.post(base, {"fields": ["purpose"]}, format="json").status_code == 404
    assert api.get(base).status_code == 404
    assert api.get(f"{base}{publication.pk}/").status_code == 404
    assert api.post(f"{base}{publication.pk}/unpublish/").status_code == 404
    publication.refresh_from_db()
    assert publication.is_live
    assert publication.fields == PUBLISHED


def test_the_api_publishes_lists_and_unpublishes(client, rich, manager, token_client):
    api = token_client(manager)
    base = f"/api/v1/projects/{rich.pk}/fact-sheet-publications/"
    created = api.post(base, {"fields": ["purpose"]}, format="json")
    assert created.status_code == 201
    body = created.json()
    assert body["fields"] == ["purpose"]
    assert body["is_live"] is True
    public = body["public_url"]
    assert client.get(public).status_code == 200
    bad = api.post(base, {"fields": ["salary"]}, format="json")
    assert bad.status_code == 400
    assert "fields" in bad.json()["errors"]
    listed = api.get(base).json()
    assert [p["id"] for p in listed["results"]] == [body["id"]]
    done = api.post(f"{base}{body['id']}/unpublish/")
    assert done.status_code == 200
    assert done.json()["public_url"] is None
    assert client.get(public).status_code == 404
    again = api.post(f"{base}{body['id']}/unpublish/")
    assert again.status_code == 400


def test_the_publication_declares_every_text_field_for_the_trail():
    assert unclassified_fields(FactSheetPublication) == []
    assert off_the_trail(FactSheetPublication) == ("public_id",)
