"""The risk register is paginated: 50 risks a page in score order, the filters and the
heat-map cell kept on the page links, the htmx partial carrying its own pagination, and a
page costs the same queries whatever the size of the register."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.load_data import risks_add
from projects.models import Risk
from projects.views.risks import RISK_PAGE_SIZE

pytestmark = pytest.mark.django_db


def _codes(response) -> list[str]:
    return re.findall(r"<td>(R-\d+)</td>", response.content.decode())


def _expected_order(project, **filters) -> list[str]:
    risks = list(Risk.objects.filter(project=project, **filters))
    risks.sort(key=lambda r: (-(r.score or -1), r.reference))
    return [r.code for r in risks]


def test_the_register_shows_a_page_of_50_in_score_order_and_the_next_page(client, project):
    risks_add(project, 120, seed=3)
    client.force_login(project.owner)
    url = reverse("projects:risk-register", args=[project.pk])

    first = client.get(url, secure=True)
    second = client.get(url, {"page": 3}, secure=True)

    order = _expected_order(project)
    assert RISK_PAGE_SIZE == 50
    assert _codes(first) == order[:50]
    assert _codes(second) == order[100:]
    assert "Page 1 of 3" in first.content.decode()
    assert 'rel="next"' in first.content.decode()
    assert "Risk register, 120 risks" in first.content.decode()


def test_the_page_links_keep_the_filters_and_the_heat_map_cell(client, project):
    risks_add(project, 150, seed=4)
    # More than a page in one heat-map cell (test data set directly, not an edit under test).
    Risk.objects.filter(project=project, reference__lte=110).update(likelihood=3, impact=4)
    client.force_login(project.owner)
    url = reverse("projects:risk-register", args=[project.pk])

    page = client.get(url, {"likelihood": 3, "impact": 4, "page": 2}, secure=True)

    body = page.content.decode()
    assert _codes(page) == _expected_order(project, likelihood=3, impact=4)[50:100]
    assert "Showing likelihood 3 × impact 4" in body
    assert re.search(r'href="\?likelihood=3&amp;impact=4&amp;page=1"', body)


def test_the_htmx_partial_is_the_table_with_its_pagination(client, project):
    risks_add(project, 60, seed=5)
    client.force_login(project.owner)
    url = reverse("projects:risk-register", args=[project.pk])

    partial = client.get(
        url,
        {"status": "open"},
        secure=True,
        headers={"HX-Request": "true", "HX-Target": "risk-table"},
    )

    body = partial.content.decode()
    assert body.lstrip().startswith('<div id="risk-table">')
    assert "<html" not in body
    open_risks = Risk.objects.filter(project=project, status="open").count()
    assert len(_codes(partial)) == min(open_risks, RISK_PAGE_SIZE)
    if open_risks > RISK_PAGE_SIZE:
        assert 'hx-get="?status=open&amp;page=2" hx-target="#risk-table"' in body


def test_a_page_costs_the_same_queries_for_60_risks_as_for_2000(client, project):
    client.force_login(project.owner)
    url = reverse("projects:risk-register", args=[project.pk])

    def queries() -> int:
        client.get(url, secure=True)  # warm: the session, caches
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, secure=True)
        assert response.status_code == 200
        return len(captured)

    risks_add(project, 60, seed=6)
    few = queries()
    risks_add(project, 1940, seed=7)
    many = queries()

    assert few == many
    page = client.get(url, secure=True)
    assert len(_codes(page)) == RISK_PAGE_SIZE
    assert len(page.content) < 200_000  # the whole register of 2,000 weighed 872 KB
