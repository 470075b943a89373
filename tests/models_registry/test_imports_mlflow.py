"""MLflow imports against a real tracking server (SQLite store, artifacts in a temporary
folder, on a free local port), runs logged with MLflow's own client; and the servers an
import must give up on: nobody listening, and one that accepts and never answers."""

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from accounts.models import ProjectMembership
from audit.models import AuditEvent
from models_registry import services
from models_registry.importers import ImportProblem
from models_registry.importers import mlflow as reader
from models_registry.models import Evaluation, ModelVersion
from tests.models_registry.adapt_support import approve_scope, base_version

API = "/api/v1/projects/{project}/adapt/imports/mlflow/"
EXPERIMENT = "claims-router-tuning"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait(url: str, process: subprocess.Popen, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the MLflow server stopped while starting")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=1) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the MLflow server did not start in time")


@pytest.fixture(scope="module")
def mlflow_server(tmp_path_factory):
    """A real `mlflow server` subprocess, stopped when the module's tests are done."""
    folder: Path = tmp_path_factory.mktemp("mlflow")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    command = [
        str(Path(sys.executable).with_name("mlflow")),
        "server",
        "--backend-store-uri",
        f"sqlite:///{folder / 'store.db'}",
        "--default-artifact-root",
        str(folder / "artifacts"),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
    ]
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(  # noqa: S603 (our own command line)
        command, stdout=log, stderr=subprocess.STDOUT, env=os.environ | {"MLFLOW_TRACKING_URI": ""}
    )
    try:
        _wait(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="module")
def logged(mlflow_server):
    """Two finished runs (one registered as a model version), one still running."""
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=mlflow_server)
    experiment_id = client.create_experiment(EXPERIMENT)
    runs = {}
    for name, losses, accuracy in (
        ("lora-r8", [0.9, 0.5, 0.31], 0.912),
        ("lora-r16", [0.8, 0.4], 0.934),
    ):
        run = client.create_run(experiment_id, run_name=name)
        client.log_param(run.info.run_id, "lora_rank", name.removeprefix("lora-r"))
        client.log_param(run.info.run_id, "learning_rate", "2e-4")
        for step, loss in enumerate(losses):
            client.log_metric(run.info.run_id, "train_loss", loss, step=step)
        client.log_metric(run.info.run_id, "eval_accuracy", accuracy)
        client.set_terminated(run.info.run_id, "FINISHED")
        runs[name] = run.info.run_id
    running = client.create_run(experiment_id, run_name="still-going")
    client.log_metric(running.info.run_id, "train_loss", 2.0)
    client.create_registered_model("claims-router")
    client.create_model_version(
        "claims-router",
        source=f"runs:/{runs['lora-r16']}/model",
        run_id=runs["lora-r16"],
        description="LoRA rank 16.",
    )
    return {"experiment_id": experiment_id, "runs": runs}


@pytest.fixture
def v1(project, manager):
    approve_scope(project, manager)
    return base_version(project, manager)


def test_the_reader_gets_finished_runs_latest_figures_and_registered_versions(
    mlflow_server, logged
):
    found = reader.fetch(mlflow_server, EXPERIMENT, timeout=10)
    assert found.experiment_id == logged["experiment_id"]
    by_name = {run.name: run for run in found.runs}
    assert sorted(by_name) == ["lora-r16", "lora-r8"]  # the running one waits
    assert by_name["lora-r8"].metrics == {"train_loss": 0.31, "eval_accuracy": 0.912}
    assert by_name["lora-r8"].params == {"lora_rank": "8", "learning_rate": "2e-4"}
    [version] = found.versions
    assert (version.name, version.version, version.run_id) == (
        "claims-router",
        "1",
        logged["runs"]["lora-r16"],
    )
    assert reader.fetch(mlflow_server, logged["experiment_id"], timeout=10).name == EXPERIMENT


@pytest.mark.django_db
def test_an_experiment_imported_twice_is_recorded_once(project, manager, v1, mlflow_server, logged):
    outcome = services.evaluation_import_mlflow(
        actor=manager, project=project, tracking_url=mlflow_server, experiment=EXPERIMENT, parent=v1
    )
    [version] = outcome.versions_created
    assert (version.name, version.parent_id, version.adaptation) == (
        "claims-router v1",
        v1.pk,
        "other",
    )
    assert version.artifact_uri.endswith(f"{logged['runs']['lora-r16']}/model")
    evaluations = {e.run_id: e for e in Evaluation.objects.filter(source="mlflow")}
    assert set(evaluations) == {f"mlflow:{run_id}" for run_id in logged["runs"].values()}
    r16 = evaluations[f"mlflow:{logged['runs']['lora-r16']}"]
    r8 = evaluations[f"mlflow:{logged['runs']['lora-r8']}"]
    assert r16.model_version_id == version.pk  # the version registered from the run
    assert r8.model_version_id == v1.pk
    assert {m.name: m.value for m in r8.metrics.all()} == {
        "eval_accuracy": Decimal("0.912"),
        "train_loss": Decimal("0.31"),
    }
    assert "- lora_rank = 8" in r8.findings
    assert r8.benchmark == EXPERIMENT
    events = AuditEvent.objects.count()

    again = services.evaluation_import_mlflow(
        actor=manager, project=project, tracking_url=mlflow_server, experiment=EXPERIMENT, parent=v1
    )
    assert not again.created
    assert (again.versions_unchanged, again.evaluations_unchanged) == (1, 2)
    assert Evaluation.objects.count() == 2
    assert ModelVersion.objects.filter(project=project).count() == 2
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_the_api_answers_201_then_200(
    project, v1, mlflow_server, logged, project_member, token_client
):
    ci = token_client(project_member(project, ProjectMembership.Role.CONTRIBUTOR))
    body = {
        "tracking_url": mlflow_server + "/",
        "experiment": EXPERIMENT,
        "model_version": str(v1.pk),
    }
    first = ci.post(API.format(project=project.pk), body, format="json")
    assert first.status_code == 201, first.content
    assert len(first.json()["evaluations_created"]) == 2
    assert first.json()["versions_created"][0]["name"] == "claims-router v1"
    second = ci.post(API.format(project=project.pk), body, format="json")
    assert second.status_code == 200
    assert second.json()["evaluations_unchanged"] == 2
    missing = ci.post(
        API.format(project=project.pk), body | {"experiment": "no-such-thing"}, format="json"
    )
    assert missing.status_code == 400
    assert "no experiment “no-such-thing”" in str(missing.json())


# --- servers an import gives up on --------------------------------------------------------------


@pytest.fixture
def silent_server():
    """Accepts connections and never answers (and stops with the test)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    listener.settimeout(0.2)
    held: list[socket.socket] = []
    stop = threading.Event()

    def serve():
        while not stop.is_set() and len(held) < 4:
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            held.append(connection)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join(timeout=2)
    listener.close()
    for connection in held:
        connection.close()


@pytest.mark.django_db
def test_a_server_nobody_listens_on_imports_nothing(project, manager, v1):
    url = f"http://127.0.0.1:{_free_port()}"
    with pytest.raises(ValidationError, match="cannot be reached"):
        services.evaluation_import_mlflow(
            actor=manager, project=project, tracking_url=url, experiment="x", parent=v1
        )
    assert Evaluation.objects.count() == 0


@pytest.mark.django_db
def test_a_server_that_never_answers_times_out(project, manager, v1, silent_server, settings):
    settings.CHARTER_MLFLOW_TIMEOUT = 0.5
    started = time.monotonic()
    with pytest.raises(ValidationError, match=r"did not answer within 0\.5 s"):
        services.evaluation_import_mlflow(
            actor=manager, project=project, tracking_url=silent_server, experiment="x", parent=v1
        )
    assert time.monotonic() - started < 5
    assert Evaluation.objects.count() == 0


@pytest.mark.parametrize(
    ("url", "allowed", "message"),
    [
        ("file:///etc/passwd", [], reader.BAD_SCHEME),
        ("gopher://127.0.0.1:70/", [], reader.BAD_SCHEME),
        ("http://", [], reader.NO_HOST),
        ("https://ci:secret@mlflow.example.com/", [], reader.WITH_CREDENTIALS),
        ("http://169.254.169.254/latest/", ["mlflow.example.com"], reader.HOST_NOT_ALLOWED),
    ],
)
def test_only_http_urls_to_allowed_hosts_are_fetched(url, allowed, message):
    with pytest.raises(ImportProblem) as caught:
        reader.checked_url(url, allowed_hosts=allowed)
    assert str(caught.value) == message


@pytest.mark.django_db
def test_the_api_refuses_a_host_off_the_list(project, v1, project_member, token_client, settings):
    settings.CHARTER_MLFLOW_ALLOWED_HOSTS = ["mlflow.example.com"]
    ci = token_client(project_member(project, ProjectMembership.Role.CONTRIBUTOR))
    answer = ci.post(
        API.format(project=project.pk),
        {"tracking_url": "http://127.0.0.1:1/", "experiment": "x", "model_version": str(v1.pk)},
        format="json",
    )
    assert answer.status_code == 400
    assert reader.HOST_NOT_ALLOWED in str(answer.json())
