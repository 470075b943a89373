"""The compliance panel of the portfolio dashboard: the share met per framework and the
overdue checks, each figure a link to the checks list that shows that count."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from compliance import services
from compliance.models import ComplianceCheck
from tests.compliance.checks_support import small_catalogue

pytestmark = pytest.mark.django_db

CHECK_ROW = re.compile(r"<tr[^>]*>\s*<td")


def _rows(client, query):
    body = client.get(reverse("compliance:org-checks") + query).content.decode()
    return len(CHECK_ROW.findall(body))


def test_the_compliance_panel_links_each_figure_to_the_checks_it_counts(
    client, project, compliance_officer, org
):
    small_catalogue(org)
    services.classification_propose(
        actor=compliance_officer,
        project=project,
        answers={"role": "deployer", "annex_iii_area": "4"},
        rationale="CV screening.",
    )
    art4 = ComplianceCheck.objects.get(requirement__ref="Art. 4")
    art4.status = "met"
    art4.save()
    art26 = ComplianceCheck.objects.get(requirement__ref="Art. 26")
    art26.due_date = timezone.localdate() - timedelta(days=1)
    art26.save()
    client.force_login(compliance_officer)
    body = client.get(reverse("home")).content.decode()

    assert ">Compliance per framework</h2>" in body
    assert "<strong>50 %</strong> met" in body
    done = re.search(r'\?framework=eu-ai-act&amp;status=done">(\d+)</a> of <a[^>]*>(\d+)<', body)
    assert done is not None
    assert done.groups() == ("1", "2")
    assert _rows(client, "?framework=eu-ai-act&status=done") == 1
    assert _rows(client, "?framework=eu-ai-act") == 2
    assert "1 check overdue" in body
    assert _rows(client, "?due=overdue") == 1


def test_the_compliance_panel_is_hidden_while_no_check_is_visible(client, project, manager):
    client.force_login(manager)
    body = client.get(reverse("home")).content.decode()
    assert ">Projects by phase</h2>" in body
    assert "Compliance per framework" not in body
