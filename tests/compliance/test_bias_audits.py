"""Bias audits: scheduled (recurring) or ad hoc, conducted on the Adapt phase's bias checks as
they stood, and signed off by a compliance officer who did not conduct them."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrganizationMembership
from audit.models import AuditEvent
from compliance.models import BiasAudit
from compliance.services.bias_audits import (
    add_months,
    bias_audit_conduct,
    bias_audit_schedule,
    bias_audit_sign_off,
)
from models_registry import services as registry
from tests.models_registry.adapt_support import base_version, metric

pytestmark = pytest.mark.django_db


@pytest.fixture
def checked(project, manager):
    """A version whose evaluation's German slice is flagged by a bias check."""
    v1 = base_version(project, manager)
    evaluation, _ = registry.evaluation_record(
        actor=manager,
        project=project,
        model_version=v1,
        benchmark="Hold-out",
        metrics=[
            metric("accuracy", "0.90"),
            metric("accuracy", "0.80", slice_key="language", slice_value="de"),
            metric("accuracy", "0.91", slice_key="language", slice_value="fr"),
        ],
    )
    return registry.bias_check_run(
        actor=manager, evaluation=evaluation, metric_name="accuracy", slice_key="language"
    )


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 11, 15), 3, date(2027, 2, 15)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
    ],
)
def test_months_are_added_to_the_last_day_of_a_shorter_month(day, months, expected):
    assert add_months(day, months) == expected


def test_an_audit_freezes_the_checks_it_reviewed_and_a_recurring_one_schedules_the_next(
    project, manager, compliance_officer, checked
):
    due = timezone.localdate() + timedelta(days=10)
    planned = bias_audit_schedule(actor=manager, project=project, due_on=due, recurrence_months=3)
    done = bias_audit_conduct(
        actor=manager,
        project=project,
        audit=planned,
        findings="German claims are routed worse.",
        actions="More German training data for v2.",
    )
    assert done.status == "conducted"
    [reviewed] = done.reviewed_checks
    assert (reviewed["id"], reviewed["flagged_slices"]) == (str(checked.pk), ["de"])
    registry.bias_check_run(  # a later check does not change what the audit reviewed
        actor=manager, evaluation=checked.evaluation, metric_name="accuracy", slice_key="language"
    )
    signed = bias_audit_sign_off(actor=compliance_officer, audit=done, comment="Agreed.")
    assert signed.status == "signed_off"
    assert len(BiasAudit.objects.get(pk=done.pk).reviewed_checks) == 1
    following = BiasAudit.objects.get(status="planned")
    assert following.due_on == add_months(due, 3)
    assert AuditEvent.objects.filter(action__startswith="bias_audit.").count() == 3


def test_who_conducted_an_audit_does_not_sign_it_off(project, org_member, checked):
    officer = org_member(OrganizationMembership.Role.COMPLIANCE_OFFICER)
    audit = bias_audit_conduct(actor=officer, project=project, findings="Within the threshold.")
    with pytest.raises(PermissionDenied):
        bias_audit_sign_off(actor=officer, audit=audit)
    assert BiasAudit.objects.get(pk=audit.pk).status == "conducted"


def test_bad_input_changes_nothing(project, manager, project_member):
    with pytest.raises(ValidationError, match="today or later"):
        bias_audit_schedule(
            actor=manager, project=project, due_on=timezone.localdate() - timedelta(days=1)
        )
    with pytest.raises(ValidationError, match="found"):
        bias_audit_conduct(actor=manager, project=project, findings="  ")
    viewer = project_member(project)
    with pytest.raises(PermissionDenied):
        bias_audit_conduct(actor=viewer, project=project, findings="Looks fine.")
    assert not BiasAudit.objects.exists()


def test_the_page_and_the_api_conduct_and_sign_off(
    client, project, manager, compliance_officer, token_client, checked
):
    client.force_login(manager)
    page = reverse("compliance:bias-audits", args=[project.pk])
    posted = client.post(
        reverse("compliance:bias-audit-ad-hoc", args=[project.pk]), {"findings": "German slice."}
    )
    assert posted.status_code == 302
    html = " ".join(client.get(page).content.decode().split())
    assert "v1 · accuracy by language: 1 flagged (de)" in html
    audit = BiasAudit.objects.get()
    api = token_client(compliance_officer)
    url = f"/api/v1/projects/{project.pk}/bias-audits/{audit.pk}/sign-off/"
    signed = api.post(url, {"comment": "Agreed."}, format="json")
    assert signed.status_code == 200
    assert signed.json()["status"] == "signed_off"
    again = api.post(url, {}, format="json")
    assert again.status_code == 400
