"""lm-evaluation-harness results files, from real ones published by the harness: the parser's
exact figures, the service (idempotent, bad files refused whole) and the API."""

import hashlib
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.models import ProjectMembership
from audit.models import AuditEvent
from models_registry import services
from models_registry.importers import ImportProblem, lm_eval
from models_registry.models import Evaluation, EvaluationMetric
from tests.models_registry.adapt_support import approve_scope, base_version
from tests.models_registry.import_support import LM_EVAL_GROUP, LM_EVAL_SINGLE, upload

API = "/api/v1/projects/{project}/adapt/imports/lm-eval/"


# --- the parser (no database) -------------------------------------------------------------------


def test_a_single_task_file_gives_its_metric_with_direction_and_samples():
    parsed = lm_eval.parse(LM_EVAL_SINGLE.read_bytes())
    assert parsed.benchmark == "mmlu_abstract_algebra"
    assert parsed.metrics == [
        {
            "name": "mmlu_abstract_algebra/acc",
            "value": 0.34,
            "higher_is_better": True,
            "sample_size": 100,
        }
    ]
    assert parsed.run_id == "lm-eval:" + hashlib.sha256(LM_EVAL_SINGLE.read_bytes()).hexdigest()
    assert parsed.evaluated_at is not None
    assert parsed.evaluated_at.isoformat() == "2025-01-21T00:38:59.488846+00:00"
    assert "Model: sae_steered_beta (base_name=google/gemma-2-2b" in parsed.findings
    assert "Standard errors: mmlu_abstract_algebra/acc_stderr=0.047609522856952344." in (
        parsed.findings
    )


def test_a_group_file_gives_the_group_and_each_subtask():
    parsed = lm_eval.parse(LM_EVAL_GROUP.read_bytes())
    assert parsed.benchmark == "regression_arc"
    assert [(m["name"], m["value"], m["sample_size"]) for m in parsed.metrics] == [
        ("arc_challenge/acc", 0.0, 10),
        ("arc_challenge/acc_norm", 0.0, 10),
        ("arc_easy/acc", 0.3, 10),
        ("arc_easy/acc_norm", 0.1, 10),
        ("regression_arc/acc", 0.15, 20),
        ("regression_arc/acc_norm", 0.05, 20),
    ]
    assert parsed.evaluated_at is None  # this file carries no date: the import's time is used
    assert "Standard errors" not in parsed.findings  # all "N/A"


def test_a_filter_other_than_none_stays_in_the_name_and_lower_is_better_is_kept():
    data = {
        "results": {
            "gsm8k": {
                "exact_match,strict-match": 0.25,
                "exact_match_stderr,strict-match": 0.01,
                "perplexity,none": 12.5,
                "f1,none": float("nan"),
            }
        },
        "higher_is_better": {"gsm8k": {"exact_match": True, "perplexity": False}},
    }
    parsed = lm_eval.parse(json.dumps(data).encode(), benchmark="  Maths  ")
    assert parsed.benchmark == "Maths"
    assert [(m["name"], m["higher_is_better"]) for m in parsed.metrics] == [
        ("gsm8k/exact_match,strict-match", True),
        ("gsm8k/perplexity", False),
    ]
    assert parsed.skipped == ["gsm8k/f1"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (LM_EVAL_SINGLE.read_bytes()[:300], lm_eval.NOT_JSON),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), lm_eval.NOT_JSON),
        (b'{"results": []}', lm_eval.NOT_RESULTS),
        (b'{"version": 2, "eval": {"task": "x"}}', lm_eval.NOT_RESULTS),
        (b'{"results": {"t": {"alias": "t"}}}', lm_eval.NO_FIGURES),
    ],
)
def test_what_is_not_a_results_file_is_refused_with_a_reason(content, message):
    with pytest.raises(ImportProblem, match=message.split(" (")[0][:40]):
        lm_eval.parse(content)


# --- the service --------------------------------------------------------------------------------


@pytest.fixture
def v1(project, manager):
    approve_scope(project, manager)
    return base_version(project, manager)


@pytest.mark.django_db
def test_importing_the_same_file_twice_records_one_evaluation(project, manager, v1):
    evaluation, created = services.evaluation_import_lm_eval(
        actor=manager, project=project, model_version=v1, upload=upload(LM_EVAL_GROUP)
    )
    assert created
    assert evaluation.source == Evaluation.Source.LM_EVAL
    assert evaluation.benchmark == "regression_arc"
    figures = {m.name: m.value for m in evaluation.metrics.all()}
    assert figures["regression_arc/acc"] == Decimal("0.15")
    assert len(figures) == 6
    again, created_again = services.evaluation_import_lm_eval(
        actor=manager, project=project, model_version=v1, upload=upload(LM_EVAL_GROUP)
    )
    assert (again.pk, created_again) == (evaluation.pk, False)
    assert Evaluation.objects.count() == 1
    assert EvaluationMetric.objects.count() == 6


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content",
    [LM_EVAL_SINGLE.read_bytes()[:-40], b"", b"\x00junk" * 1000],
    ids=["truncated", "empty", "junk"],
)
def test_a_bad_file_records_nothing(project, manager, v1, content):
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.evaluation_import_lm_eval(
            actor=manager, project=project, model_version=v1, upload=upload(content)
        )
    assert "file" in caught.value.message_dict
    assert Evaluation.objects.count() == 0
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_a_file_over_the_limit_is_refused_before_it_is_read(project, manager, v1, settings):
    settings.CHARTER_IMPORT_MAX_BYTES = 1024
    big = upload(b" " * 2048)
    with pytest.raises(ValidationError) as caught:
        services.evaluation_import_lm_eval(
            actor=manager, project=project, model_version=v1, upload=big
        )
    assert "larger than the import limit" in str(caught.value)
    assert big.tell() == 0  # not a byte read
    assert Evaluation.objects.count() == 0


# --- the API ------------------------------------------------------------------------------------


@pytest.fixture
def ci(project, project_member, token_client):
    return token_client(project_member(project, ProjectMembership.Role.CONTRIBUTOR))


@pytest.mark.django_db
def test_the_api_answers_201_then_200_for_the_same_file(project, v1, ci):
    def post():
        return ci.post(
            API.format(project=project.pk),
            {"file": upload(LM_EVAL_SINGLE), "model_version": str(v1.pk), "benchmark": "MMLU"},
            format="multipart",
        )

    first = post()
    assert first.status_code == 201, first.content
    assert first.json()["benchmark"] == "MMLU"
    assert first.json()["source"] == "lm_eval"
    assert first.json()["metrics"][0]["name"] == "mmlu_abstract_algebra/acc"
    assert first.json()["metrics"][0]["sample_size"] == 100
    second = post()
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    assert Evaluation.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"file": b"{not json"}, "file"),
        ({}, "file"),
        ({"file": b"{}", "model_version": "not-a-uuid"}, "model_version"),
        ({"file": b"{}", "surprise": "x"}, "surprise"),
    ],
)
def test_the_api_refuses_bad_input_with_400(project, v1, ci, body, field):
    data = {"model_version": str(v1.pk)} | {
        k: upload(v) if isinstance(v, bytes) else v for k, v in body.items()
    }
    answer = ci.post(API.format(project=project.pk), data, format="multipart")
    assert answer.status_code == 400, answer.content
    assert field in json.dumps(answer.json())
    assert Evaluation.objects.count() == 0


@pytest.mark.django_db
def test_a_viewer_may_not_import(project, v1, project_member, token_client):
    viewer = token_client(project_member(project, ProjectMembership.Role.VIEWER))
    answer = viewer.post(
        API.format(project=project.pk),
        {"file": upload(LM_EVAL_SINGLE), "model_version": str(v1.pk)},
        format="multipart",
    )
    assert answer.status_code == 403
    assert Evaluation.objects.count() == 0


@pytest.mark.django_db
def test_fifty_megabytes_of_junk_are_refused_unread_at_the_default_limit(project, manager, v1):
    junk = upload(b"\xff" * (50 * 1024 * 1024))
    with pytest.raises(ValidationError, match=r"larger than the import limit of 20\.0 MB"):
        services.evaluation_import_lm_eval(
            actor=manager, project=project, model_version=v1, upload=junk
        )
    assert junk.tell() == 0
    assert Evaluation.objects.count() == 0


@pytest.mark.django_db
def test_the_same_file_for_another_version_is_refused(project, manager, v1):
    v2 = services.model_version_create(
        actor=manager, project=project, parent=v1, adaptation="fine_tune", name="v2"
    )
    services.evaluation_import_lm_eval(
        actor=manager, project=project, model_version=v1, upload=upload(LM_EVAL_SINGLE)
    )
    with pytest.raises(ValidationError) as caught:
        services.evaluation_import_lm_eval(
            actor=manager, project=project, model_version=v2, upload=upload(LM_EVAL_SINGLE)
        )
    assert "run_id" in caught.value.message_dict
    assert Evaluation.objects.count() == 1


@pytest.mark.django_db
def test_a_version_not_of_this_project_is_a_400_on_the_field(project, v1, ci):
    answer = ci.post(
        API.format(project=project.pk),
        {"file": upload(LM_EVAL_SINGLE), "model_version": "3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b"},
        format="multipart",
    )
    assert answer.status_code == 400
    assert "Not a model version of this project." in json.dumps(answer.json())
    assert Evaluation.objects.count() == 0
