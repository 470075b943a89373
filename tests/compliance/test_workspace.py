"""The compliance officer's workspace: figures per framework and status, what is due, what
waits for this officer's review, and the list behind each figure."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from compliance import services
from compliance.models import CheckEvidence, ComplianceCheck, Evidence
from compliance.selectors.workspace import overview, waiting_for_review
from tests.compliance.checks_support import small_catalogue

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def classified(project, compliance_officer, manager, org):
    small_catalogue(org)
    services.classification_propose(
        actor=compliance_officer,
        project=project,
        answers={"role": "deployer", "annex_iii_area": "4"},
        rationale="CV screening.",
    )
    return project


def test_the_figures_count_checks_per_framework_status_and_due_date(
    classified, compliance_officer, org
):
    today = timezone.localdate()
    art4 = ComplianceCheck.objects.get(requirement__ref="Art. 4")
    art4.due_date = today - timedelta(days=1)
    art4.save()
    art26 = ComplianceCheck.objects.get(requirement__ref="Art. 26")
    art26.due_date = today + timedelta(days=3)
    art26.save()
    figures = overview(user=compliance_officer, organization=org)
    assert [(f["name"], f["total"], f["percent"]) for f in figures["by_framework"]] == [
        ("EU AI Act", 2, 0),
        ("ISO/IEC 42001", 1, 0),
    ]
    assert figures["by_status"] == {"not_started": 3}
    assert (figures["overdue"], figures["due_soon"]) == (1, 1)
    assert figures["tiers"] == {"high": 1}
    assert len(figures["progress"]) == 12


def test_what_waits_for_the_officer(classified, compliance_officer, manager, project_member):
    check = ComplianceCheck.objects.get(requirement__ref="Art. 26")
    evidence = Evidence.objects.create(
        project=classified,
        kind="url",
        url="https://wiki.example.com/x",
        title="Procedure",
        owner=manager,
        status="accepted",
    )
    CheckEvidence.objects.create(compliance_check=check, evidence=evidence, attached_by=manager)
    services.check_submit(actor=manager, check=check, claim="met")
    waiting = waiting_for_review(user=compliance_officer, organization=classified.organization)
    assert [c.pk for c in waiting["checks"]] == [check.pk]
    # The manager provided the evidence: nothing waits for them.
    assert waiting_for_review(user=manager, organization=classified.organization)["checks"] == []


def test_the_workspace_page_links_each_figure_to_its_list(classified, compliance_officer):
    page = signed_in(compliance_officer).get(reverse("compliance:workspace")).content.decode()
    assert "?framework=eu-ai-act" in page
    assert "High risk: 1" in page
    listed = signed_in(compliance_officer).get(
        reverse("compliance:org-checks") + "?framework=iso-42001"
    )
    assert "A.6.2.4" in listed.content.decode()
    assert "Art. 26" not in listed.content.decode()


def test_a_member_sees_only_what_they_may_open(classified, org_member, org):
    outsider_figures = overview(user=org_member(), organization=org)
    assert outsider_figures["total"] == 0
    assert outsider_figures["by_framework"] == []
