"""The operate tab's charts in the browser's terms, and what they cost in queries."""

import re
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.models_registry.adapt_support import base_version
from tests.models_registry.operate_chart_support import SVG, production_deployment, svg_elements

pytestmark = pytest.mark.django_db


def _queries(client, url):
    client.get(url)  # warm: the session, caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return Counter(
        re.sub(r"IN \([^)]*\)", "IN (…)", re.sub(r"'[^']*'|\b\d+\b", "?", q["sql"]))
        for q in captured.captured_queries
    )


def test_the_operate_tab_costs_the_same_queries_for_one_deployment_as_for_four(
    client, project, manager
):
    # given one production deployment with a threshold, points and an incident
    version = base_version(project, manager)
    client.force_login(manager)
    url = reverse("models_registry:operate", args=[project.pk])
    production_deployment(project, manager, version, name="Prod 1", points=24)
    few = _queries(client, url)
    # when three more come, with ten to forty times the points
    for n in (2, 3, 4):
        production_deployment(project, manager, version, name=f"Prod {n}", points=24 * n * 10)
    many = _queries(client, url)
    # then the tab reads with the same queries (19: the possible substantial modifications are one)
    grown = "\n".join(f"{n} more × {sql[:300]}" for sql, n in (many - few).items())
    assert few.total() == many.total() == 19, (few.total(), many.total(), grown)


def test_the_operate_tab_shows_a_monitoring_and_a_rollout_chart(client, project, manager):
    version = base_version(project, manager)
    deployment = production_deployment(project, manager, version, points=30)
    client.force_login(manager)
    html = client.get(reverse("models_registry:operate", args=[project.pk])).content.decode()
    assert "Monitoring, last 30 days" in html
    svgs = svg_elements(html)
    titles = [svg.findtext(f"{SVG}title", "") for svg in svgs]
    assert "latency_p95_ms on Production, " in titles[-1]
    assert f"Share of traffic of {deployment.name} over its rollout" in titles
    for svg in svgs:
        assert svg.get("role") == "img"
        assert svg.get("aria-labelledby")
    assert html.count("<summary>Show as table</summary>") == 2
    assert "latency_p95_ms above 500 on Production" in html  # the incident in the table


def test_the_ab_tests_page_shows_the_trade_off_chart(client, project, manager):
    from models_registry.models import OptimisationRecord
    from tests.models_registry.experiment_support import two_versions

    v1, v2 = two_versions(project, manager)
    OptimisationRecord.objects.create(
        project=project,
        technique="quantization",
        bits=4,
        before=v1,
        after=v2,
        cost_per_1k_before="2.0",
        cost_per_1k_after="0.5",
    )
    client.force_login(manager)
    url = reverse("models_registry:ab-tests", args=[project.pk])
    html = client.get(url).content.decode()
    # without quality figures there is nothing to plot, and the page says so
    assert "No data yet: the chart needs an optimisation" in html
    assert "Not plotted" in html
