"""The Adapt tab's import cards: a results file uploaded from the browser, an MLflow
experiment asked for by URL; refused imports keep the form (400) and change nothing."""

import socket

import pytest
from django.urls import reverse

from models_registry.models import Evaluation
from tests.models_registry.adapt_support import approve_scope, base_version
from tests.models_registry.import_support import LM_EVAL_GROUP, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def v1(project, manager):
    approve_scope(project, manager)
    return base_version(project, manager)


def test_the_tab_offers_both_import_cards(project, v1, signed_in):
    html = signed_in.get(reverse("models_registry:adapt", args=[project.pk])).content.decode()
    assert "Import results" in html
    assert 'enctype="multipart/form-data"' in html
    assert "Import from MLflow" in html
    assert reverse("models_registry:mlflow-import", args=[project.pk]) in html


def test_an_uploaded_results_file_becomes_an_evaluation_once(project, v1, signed_in):
    url = reverse("models_registry:results-import", args=[project.pk])

    def post():
        return signed_in.post(
            url, {"file": upload(LM_EVAL_GROUP), "format": "lm_eval", "model_version": v1.pk}
        )

    first = post()
    evaluation = Evaluation.objects.get()
    assert first.status_code == 302
    assert first.url == reverse(
        "models_registry:evaluation-detail", args=[project.pk, evaluation.pk]
    )
    second = signed_in.post(
        url, {"file": upload(LM_EVAL_GROUP), "format": "lm_eval", "model_version": v1.pk}
    )
    assert second.status_code == 302
    assert Evaluation.objects.count() == 1
    page = signed_in.get(second.url).content.decode()
    assert "Already imported: nothing new." in page
    assert "regression_arc/acc" in page


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"format": "inspect"}, "Not an Inspect AI log"),
        ({"format": "lm_eval", "file": b"{trunc"}, "Not a JSON file"),
        ({"format": "csv"}, "Select a valid choice"),
        ({"format": "lm_eval", "file": None}, "This field is required"),
    ],
)
def test_a_refused_file_keeps_the_form_and_records_nothing(project, v1, signed_in, fields, error):
    data = {"model_version": v1.pk, "file": upload(LM_EVAL_GROUP)} | fields
    if data["file"] is None:
        del data["file"]
    elif isinstance(data["file"], bytes):
        data["file"] = upload(data["file"])
    answer = signed_in.post(reverse("models_registry:results-import", args=[project.pk]), data)
    assert answer.status_code == 400
    assert error in answer.content.decode()
    assert Evaluation.objects.count() == 0


def test_an_mlflow_server_that_is_down_keeps_the_form(project, v1, signed_in):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    answer = signed_in.post(
        reverse("models_registry:mlflow-import", args=[project.pk]),
        {"tracking_url": f"http://127.0.0.1:{port}", "experiment": "x", "model_version": v1.pk},
    )
    assert answer.status_code == 400
    assert "cannot be reached" in answer.content.decode()
    assert Evaluation.objects.count() == 0


def test_a_file_url_is_refused_as_a_tracking_url(project, v1, signed_in):
    answer = signed_in.post(
        reverse("models_registry:mlflow-import", args=[project.pk]),
        {"tracking_url": "file:///etc/passwd", "experiment": "x", "model_version": v1.pk},
    )
    assert answer.status_code == 400
    assert "must start with http:// or https://" in answer.content.decode()
