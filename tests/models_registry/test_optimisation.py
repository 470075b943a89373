"""Optimisation records: a version before and after with its latency, memory, cost and the
quality metric of each side's evaluation — checked, audited, and shown as a trade-off."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from models_registry import selectors, services
from models_registry.models import OptimisationRecord
from models_registry.services.optimisation import (
    NEEDS_BITS,
    NO_SUCH_METRIC,
    SAME_VERSION,
    WRONG_EVALUATION,
)
from tests.factories import ProjectFactory
from tests.models_registry.adapt_support import metric
from tests.models_registry.experiment_support import two_versions

pytestmark = pytest.mark.django_db


def _evaluate(project, manager, version, accuracy):
    evaluation, _ = services.evaluation_record(
        actor=manager,
        project=project,
        model_version=version,
        benchmark="Hold-out",
        evaluated_at=datetime(2026, 11, 1, tzinfo=UTC),
        metrics=[metric("accuracy", accuracy)],
    )
    return evaluation


def test_a_quantization_records_its_trade_off(project, manager):
    v1, v2 = two_versions(project, manager)
    e1, e2 = _evaluate(project, manager, v1, "0.93"), _evaluate(project, manager, v2, "0.91")
    services.optimisation_record(
        actor=manager,
        project=project,
        technique="quantization",
        bits=4,
        method="AWQ",
        before=v1,
        after=v2,
        before_evaluation=e1,
        after_evaluation=e2,
        quality_metric="accuracy",
        latency_p50_before="120",
        latency_p50_after="70",
        memory_mb_before="16000",
        memory_mb_after="4200",
    )
    [row] = selectors.optimisation_list(project=project)
    assert (str(row.quality_before), str(row.quality_after)) == ("0.93000000", "0.91000000")
    assert AuditEvent.objects.filter(action="optimisation.recorded").count() == 1


def test_bad_records_are_refused(project, manager, org, admin):
    v1, v2 = two_versions(project, manager)
    e1 = _evaluate(project, manager, v1, "0.93")
    base = {"actor": manager, "project": project}
    with pytest.raises(ValidationError, match=NEEDS_BITS):
        services.optimisation_record(technique="quantization", before=v1, after=v2, **base)
    with pytest.raises(ValidationError, match=SAME_VERSION):
        services.optimisation_record(technique="distillation", before=v1, after=v1, **base)
    with pytest.raises(ValidationError, match=WRONG_EVALUATION):
        services.optimisation_record(
            technique="distillation", before=v1, after=v2, after_evaluation=e1, **base
        )
    e2 = _evaluate(project, manager, v2, "0.9")
    with pytest.raises(ValidationError, match=NO_SUCH_METRIC):
        services.optimisation_record(
            technique="distillation",
            before=v1,
            after=v2,
            before_evaluation=e1,
            after_evaluation=e2,
            quality_metric="f1",
            **base,
        )
    with pytest.raises(ValidationError):
        services.optimisation_record(
            technique="pruning", pruned_percent="120", before=v1, after=v2, **base
        )
    with pytest.raises(ValidationError):
        services.optimisation_record(
            technique="distillation", before=v1, after=v2, memory_mb_after="-1", **base
        )
    elsewhere = ProjectFactory(organization=org)
    foreign, _ = two_versions(elsewhere, admin)
    with pytest.raises(ValidationError, match="this project"):
        services.optimisation_record(technique="distillation", before=foreign, after=v2, **base)
    assert not OptimisationRecord.objects.exists()


def test_the_page_records_and_shows_the_trade_off(client, project, manager):
    v1, v2 = two_versions(project, manager)
    client.force_login(manager)
    url = f"/projects/{project.pk}/operate/optimisations/new/"
    bad = client.post(url, {"technique": "compilation", "before": str(v1.pk), "after": str(v2.pk)})
    assert bad.status_code == 400
    assert not OptimisationRecord.objects.exists()
    good = client.post(
        url,
        {
            "technique": "compilation",
            "hardware": "TensorRT on L4",
            "before": str(v1.pk),
            "after": str(v2.pk),
            "latency_p95_before": "300",
            "latency_p95_after": "180",
        },
    )
    assert good.status_code == 302
    html = client.get(f"/projects/{project.pk}/operate/ab-tests/").content.decode()
    assert "TensorRT on L4" in html
    assert "300.00 → 180.00" in html
