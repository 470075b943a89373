"""Optimisation records through the API: the trade-off of a quantization, with the quality of
each side read from its evaluation."""

import pytest

from models_registry import services
from models_registry.models import OptimisationRecord
from tests.models_registry.adapt_support import base_version, metric

pytestmark = pytest.mark.django_db


def test_a_quantization_is_recorded_with_the_quality_of_each_side(project, manager, token_client):
    v1 = base_version(project, manager)
    v2 = services.model_version_create(
        actor=manager, project=project, parent=v1, adaptation="other", name="v2 int4"
    )
    evaluations = [
        services.evaluation_record(
            actor=manager,
            project=project,
            model_version=v,
            benchmark="Hold-out",
            metrics=[metric("accuracy", value)],
        )[0]
        for v, value in ((v1, "0.93"), (v2, "0.91"))
    ]
    api = token_client(manager)
    url = f"/api/v1/projects/{project.pk}/operate/optimisations/"
    body = {
        "technique": "quantization",
        "bits": 4,
        "method": "GPTQ",
        "before": str(v1.pk),
        "after": str(v2.pk),
        "before_evaluation": str(evaluations[0].pk),
        "after_evaluation": str(evaluations[1].pk),
        "quality_metric": "accuracy",
        "latency_p95_before": "900",
        "latency_p95_after": "410",
        "cost_per_1k_before": "0.80",
        "cost_per_1k_after": "0.35",
    }
    made = api.post(url, body, format="json")
    assert made.status_code == 201, made.content
    assert (made.json()["quality_before"], made.json()["quality_after"]) == (
        "0.93000000",
        "0.91000000",
    )
    swapped = api.post(url, body | {"before_evaluation": str(evaluations[1].pk)}, format="json")
    assert swapped.status_code == 400
    assert "evaluation of this version" in str(swapped.json())
    no_bits = api.post(url, body | {"bits": None}, format="json")
    assert no_bits.status_code == 400
    assert OptimisationRecord.objects.count() == 1
    assert api.get(url).json()["count"] == 1
