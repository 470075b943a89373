"""The load data generator: counts proportional to the scale, a chain that verifies through
the project's own verifier and command, and the same seed giving the same rows."""

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from accounts.models import OrganizationMembership
from audit.models import AuditEvent
from audit.verify import verify_chain
from bench.load_data import FULL, Sizes, generate
from compliance.models import ComplianceCheck
from models_registry.models import MonitoringPoint
from projects.models import Project, Risk
from stakeholders.models import Answer, Stakeholder

pytestmark = pytest.mark.django_db

SCALE = 0.004  # 1 project, 20 risks, 80 checks, 8 stakeholders, 200 answers, 4,000 events


def _counts(organization):
    projects = Project.objects.filter(organization=organization)
    return Sizes(
        projects=projects.count(),
        risks=Risk.objects.filter(project__in=projects).count(),
        checks=ComplianceCheck.objects.filter(project__in=projects).count(),
        stakeholders=Stakeholder.objects.filter(organization=organization).count(),
        answers=Answer.objects.filter(response__invite__round__project__in=projects).count(),
        events=AuditEvent.objects.filter(chain=str(organization.pk)).count(),
        points=MonitoringPoint.objects.filter(deployment__project__in=projects).count(),
    )


def _fingerprint(organization):
    """A digest of every generated row of the organisation, ids and hashes included."""
    digest = hashlib.sha256()
    projects = Project.objects.filter(organization=organization)
    for rows in (
        projects.order_by("id").values_list(),
        Risk.objects.filter(project__in=projects).order_by("id").values_list(),
        ComplianceCheck.objects.filter(project__in=projects).order_by("id").values_list(),
        Stakeholder.objects.filter(organization=organization).order_by("id").values_list(),
        Answer.objects.filter(response__invite__round__project__in=projects)
        .order_by("id")
        .values_list(),
        AuditEvent.objects.filter(chain=str(organization.pk)).order_by("sequence").values_list(),
        MonitoringPoint.objects.filter(deployment__project__in=projects)
        .order_by("deployment", "metric", "at")
        .values_list("deployment", "metric", "at", "value"),
    ):
        for row in rows:
            digest.update(repr(row).encode())
    return digest.hexdigest()


def test_the_counts_are_proportional_to_the_scale_and_the_chain_verifies():
    data = generate(scale=SCALE, seed=7)

    expected = Sizes.at(SCALE)
    assert expected == Sizes(1, 20, 80, 8, 200, 4_000, 2_000)
    assert _counts(data.organization) == expected
    report = verify_chain(str(data.organization.pk))
    assert report.ok, report
    assert report.events == expected.events
    assert OrganizationMembership.objects.get(user=data.admin).role == "admin"


def test_the_scale_multiplies_every_count():
    assert Sizes.at(1) == FULL
    assert Sizes.at(0.5) == Sizes(100, 2_500, 10_000, 1_000, 25_000, 500_000, 250_000)
    with pytest.raises(ValueError, match="above 0"):
        Sizes.at(0)


def test_the_same_seed_gives_the_same_rows_and_another_seed_others():
    fingerprints = []
    for seed in (11, 11, 12):
        with transaction.atomic():
            data = generate(scale=0.002, seed=seed)
            fingerprints.append(_fingerprint(data.organization))
            transaction.set_rollback(True)  # the next run starts from the same database

    assert fingerprints[0] == fingerprints[1]
    assert fingerprints[0] != fingerprints[2]


def test_the_command_generates_verifies_and_refuses_a_seed_twice():
    out = StringIO()
    call_command("generate_load_data", "--scale", "0.002", "--seed", "5", stdout=out)
    assert "2000 audit events" in out.getvalue()

    verified = StringIO()
    call_command("verify_audit_chain", stdout=verified)
    assert "BROKEN" not in verified.getvalue()
    with pytest.raises(CommandError, match="exists already"):
        call_command("generate_load_data", "--scale", "0.002", "--seed", "5", stdout=StringIO())
