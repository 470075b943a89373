"""Exact query budgets of the evidence and training lists (pages and API)."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compliance import services
from compliance.models import TrainingRecord
from tests.helpers import client_for

pytestmark = pytest.mark.django_db


def _evidence(project, people, n):
    for i in range(n):
        services.evidence_add(
            actor=people[i % len(people)],
            project=project,
            kind="url",
            title=f"Link {i}",
            url="https://x.test/",
        )


def _training(org, people, keeper, n):
    for i in range(n):
        TrainingRecord.objects.create(
            organization=org,
            person=people[i % len(people)],
            course=f"Course {i}",
            provider="Academy",
            completed_on=dt.date(2026, 1, 1),
            recorded_by=keeper,
        )


def _count(client, url):
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("rows", [2, 9])
def test_the_evidence_lists_cost_a_fixed_number_of_queries(project, project_member, rows):
    people = [project_member(project, "contributor"), project.owner]
    _evidence(project, people, rows)
    viewer = project_member(project, "viewer")
    page = Client()
    page.force_login(viewer)
    assert _count(page, reverse("compliance:evidence-list", args=[project.pk])) == 7
    assert _count(client_for(viewer), f"/api/v1/projects/{project.pk}/evidence/") == 7


@pytest.mark.parametrize("rows", [2, 9])
def test_the_training_lists_cost_a_fixed_number_of_queries(
    org, admin, compliance_officer, org_member, rows
):
    people = [org_member(), org_member(), compliance_officer]
    _training(org, people, compliance_officer, rows)
    page = Client()
    page.force_login(admin)
    assert _count(page, reverse("compliance:training-list")) == 9
    assert _count(client_for(admin), f"/api/v1/organizations/{org.pk}/training-records/") == 6
