"""The Python client (clients/python) end to end against a live server: every call with real
records, problems surfaced as CharterError, pages followed, creates retried without
duplicates, and the README's example and CI step run as they are written."""

import json
import os
import re
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import yaml
from charter_client import CharterError, Client, Point

from accounts.models import OrganizationMembership, ProjectMembership
from accounts.service_accounts import service_account_create, service_account_token_create
from accounts.services import api_token_create
from compliance.models import AuditExport
from compliance.services import audit_export_build
from models_registry import services as registry
from models_registry.models import Evaluation, MonitoringPoint
from tests.clients.conftest import CLIENT_SRC
from tests.factories import ProjectFactory, ProjectMembershipFactory
from tests.helpers import UNKNOWN_UUID
from tests.models_registry.adapt_support import approve_scope, base_version
from tests.models_registry.import_support import LM_EVAL_GROUP, LM_EVAL_SINGLE

pytestmark = pytest.mark.django_db(transaction=True)

PACKAGE = CLIENT_SRC.parent
README = PACKAGE / "README.md"
EXAMPLE = PACKAGE / "examples" / "post_lm_eval.py"


@pytest.fixture
def world(live_server, project, manager, admin):
    """A project in Adapt with a version and a planned deployment, and the pipeline's
    service account on it (contributor) holding a write token."""
    approve_scope(project, manager)
    version = base_version(project, manager)
    deployment = registry.deployment_plan(
        actor=manager,
        project=project,
        name="Production",
        environment="production",
        model_version=version,
        stages=[
            {"traffic_percent": 100, "starts_on": datetime.now(UTC).date(), "exit_criteria": "ok"}
        ],
    )
    robot = service_account_create(actor=admin, organization=project.organization, name="CI")
    ProjectMembershipFactory(project=project, user=robot, role=ProjectMembership.Role.CONTRIBUTOR)
    _, token = service_account_token_create(actor=admin, account=robot, name="ci", scopes=["write"])
    return {
        "url": live_server.url,
        "token": token,
        "project": project,
        "version": version,
        "deployment": deployment,
        "robot": robot,
    }


class Recording(httpx.HTTPTransport):
    """The real transport, noting every request; `lose_first_answer_to` drops the answer of
    the first POST to that path after the server has handled it (a timeout, as CI sees one)."""

    def __init__(self, lose_first_answer_to: str = "") -> None:
        super().__init__()
        self.requests: list[httpx.Request] = []
        self.answers: list[httpx.Response] = []
        self.lose = lose_first_answer_to

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        response = super().handle_request(request)
        if self.lose and request.method == "POST" and request.url.path == self.lose:
            self.lose = ""
            response.read()
            raise httpx.ReadTimeout("the answer was lost", request=request)
        self.answers.append(response)
        return response


def test_reads_follow_every_page_and_problems_arrive_as_charter_errors(world, project_member):
    project = world["project"]
    for n in range(4):
        ProjectFactory(organization=project.organization, name=f"Pipeline {n}")
    OrganizationMembership.objects.filter(user=world["robot"]).update(
        role=OrganizationMembership.Role.COMPLIANCE_OFFICER  # sees every project of the org
    )
    transport = Recording()
    with Client(world["url"], world["token"], page_size=2, transport=transport) as charter:
        me = charter.me()
        assert me["id"] == str(world["robot"].pk)
        assert [o["id"] for o in me["organizations"]] == [str(project.organization_id)]
        listed = charter.projects(organization=str(project.organization_id))
        assert len(listed) == 5
        assert len({p["id"] for p in listed}) == 5  # every page once, none twice
        pages = [r for r in transport.requests if r.url.path == "/api/v1/projects/"]
        assert len(pages) == 3  # 2 + 2 + 1
        assert charter.find_project("Claims assistant")["id"] == str(project.pk)
        assert charter.find_project(str(project.pk))["name"] == "Claims assistant"
        assert charter.projects(name="Pipeline") == []  # exact names only, not the search
        version = charter.find_model_version(str(project.pk), f"v{world['version'].number}")
        assert version["id"] == str(world["version"].pk)

    # --- problems arrive as CharterError, with the problem details
    project = world["project"]
    reader = project_member(project, ProjectMembership.Role.CONTRIBUTOR)
    _, read_only = api_token_create(actor=reader, name="read", scopes=["read"])
    with Client(world["url"], read_only) as charter:
        with pytest.raises(CharterError) as refused:
            charter.import_lm_eval(
                str(project.pk), model_version=str(world["version"].pk), file=LM_EVAL_SINGLE
            )
        assert (refused.value.status, refused.value.code) == (403, "insufficient_scope")
        assert refused.value.problem["required_scope"] == "write"
        assert refused.value.request_id
        with pytest.raises(CharterError) as missing:
            charter.project(UNKNOWN_UUID)
        assert missing.value.status == 404
        assert missing.value.title
    with Client(world["url"], world["token"]) as charter, pytest.raises(CharterError) as bad:
        charter.post_evaluation(
            str(project.pk), model_version=str(world["version"].pk), benchmark="", metrics=[]
        )
    assert bad.value.status == 400
    assert "benchmark" in bad.value.errors
    with Client(world["url"], "chr_00000000_nope", retries=0) as charter:
        with pytest.raises(CharterError) as unknown:
            charter.me()
        assert unknown.value.status == 401
    assert Evaluation.objects.count() == 0


def test_evaluations_are_recorded_once_even_when_a_create_is_retried(world):
    project, version = str(world["project"].pk), str(world["version"].pk)
    with Client(world["url"], world["token"]) as charter:
        imported = charter.import_lm_eval(project, model_version=version, file=LM_EVAL_GROUP)
        assert imported["source"] == "lm_eval"
        assert imported["benchmark"] == "regression_arc"
        assert len(imported["metrics"]) == 6
        again = charter.import_lm_eval(project, model_version=version, file=LM_EVAL_GROUP)
        assert again["id"] == imported["id"]
        posted = charter.post_evaluation(
            project,
            model_version=version,
            benchmark="Claims routing hold-out",
            metrics=[{"name": "accuracy", "value": 0.912, "unit": "ratio", "sample_size": 500}],
            run_id="gha-8812-1",
            evaluated_at=datetime(2026, 12, 1, 9, 30, tzinfo=UTC),
        )
        assert posted["metrics"][0]["value"].startswith("0.912")
        assert (posted["evaluated_at"] or "").startswith("2026-12-01T09:30")
    assert Evaluation.objects.count() == 2

    # --- a create whose answer was lost is retried with its key, and not duplicated
    path = f"/api/v1/projects/{project}/adapt/evaluations/"
    transport = Recording(lose_first_answer_to=path)
    with Client(world["url"], world["token"], backoff=0.01, transport=transport) as charter:
        posted = charter.post_evaluation(  # no run_id: only the key tells the two apart
            project, model_version=version, benchmark="Smoke", metrics=[{"name": "f1", "value": 1}]
        )
    posts = [r for r in transport.requests if r.method == "POST"]
    assert len(posts) == 2
    keys = {r.headers["Idempotency-Key"] for r in posts}
    assert len(keys) == 1  # the same key on both attempts
    assert transport.answers[-1].headers["Idempotent-Replayed"] == "true"
    assert Evaluation.objects.filter(benchmark="Smoke").get().id == uuid.UUID(posted["id"])


def test_points_go_in_batches_and_an_audit_export_is_downloaded(
    world, compliance_officer, tmp_path
):
    project, deployment = str(world["project"].pk), str(world["deployment"].pk)
    start = datetime.now(UTC) - timedelta(minutes=10)
    times = [start + timedelta(seconds=s) for s in range(7)]
    points: list[Point] = [
        {"metric": "latency_p95_ms", "at": at, "value": 800 + n} for n, at in enumerate(times)
    ]
    with Client(world["url"], world["token"]) as charter:
        batches = charter.push_monitoring_points(
            project, deployment, points, batch_id="nightly-1", batch_size=3
        )
        assert [(b["batch_id"], b["points"], b["created"]) for b in batches] == [
            ("nightly-1-1", 3, True),
            ("nightly-1-2", 3, True),
            ("nightly-1-3", 1, True),
        ]
        rerun = charter.push_monitoring_points(
            project, deployment, points, batch_id="nightly-1", batch_size=3
        )
        assert [b["created"] for b in rerun] == [False, False, False]
        with pytest.raises(ValueError, match="batch_size"):
            charter.push_monitoring_points(project, deployment, points, batch_size=10_001)
    assert MonitoringPoint.objects.filter(deployment=world["deployment"]).count() == 7

    # --- the command line pushes a JSON Lines file
    points_file = tmp_path / "points.jsonl"
    points_file.write_text(
        "\n".join(
            json.dumps({"metric": "tokens", "at": at.isoformat(), "value": 10}) for at in times
        )
    )
    command = ["push-points", "--project", "Claims assistant", "--deployment", deployment]
    pushed = _cli([*command, "--file", str(points_file), "--batch-id", "cli-1"], world)
    assert pushed.returncode == 0, pushed.stderr
    assert json.loads(pushed.stdout)[0]["points"] == 7
    assert MonitoringPoint.objects.filter(deployment=world["deployment"]).count() == 14

    # --- an audit export is queued, waited for and downloaded
    organization = str(world["project"].organization_id)
    _, token = api_token_create(actor=compliance_officer, name="archive", scopes=["export"])
    with Client(world["url"], token) as charter:
        export = charter.create_audit_export(
            organization, format="jsonl", filters={"project": str(world["project"].pk)}
        )
        assert export["status"] == "queued"
        with pytest.raises(CharterError) as early:
            charter.download_export(export["id"], tmp_path)
        assert early.value.status == 409
        with pytest.raises(CharterError, match="not ready in time"):
            charter.wait_for_export(export["id"], timeout=0)
        audit_export_build(export_id=uuid.UUID(export["id"]))  # what the worker does
        ready = charter.wait_for_export(export["id"], timeout=5, interval=0.1)
        path = charter.download_export(export["id"], tmp_path)
    assert path.parent == tmp_path
    assert path.name.endswith(".jsonl")
    lines = path.read_text().splitlines()
    assert ready["rows"]
    assert json.loads(lines[-1])["manifest"]["rows"] == ready["rows"]
    assert AuditExport.objects.count() == 1


def test_the_command_line_downloads_the_export_a_worker_writes(
    live_server, org, compliance_officer, tmp_path, worker
):
    _, token = api_token_create(actor=compliance_officer, name="archive", scopes=["export"])
    folder = tmp_path / "archive"
    folder.mkdir()
    command = ["download-export", "--organization", str(org.pk), "--output", str(folder)]
    run = _run(
        [sys.executable, "-m", "charter_client", *command, "--wait", "30"],
        env={"CHARTER_URL": live_server.url, "CHARTER_TOKEN": token},
    )
    assert run.returncode == 0, run.stderr
    answer = json.loads(run.stdout)
    assert answer["status"] == "ready"
    downloaded = Path(answer["path"])
    assert downloaded.parent == folder
    manifest = json.loads(downloaded.read_text().splitlines()[-1])["manifest"]
    assert manifest["rows"] == answer["rows"]


# --- the README, run as written ------------------------------------------------------------


def _cli(arguments, world):
    credentials = {"CHARTER_URL": world["url"], "CHARTER_TOKEN": world["token"]}
    return _run([sys.executable, "-m", "charter_client", *arguments], env=credentials)


def _run(command, *, env, cwd=None):
    return subprocess.run(  # noqa: S603 (our own interpreter and files)
        command,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=cwd,
        env={"PATH": os.environ["PATH"], "PYTHONPATH": str(CLIENT_SRC), **env},
    )


def test_the_readme_example_and_ci_step_run_against_the_server(world, tmp_path):
    assert EXAMPLE.read_text() in README.read_text()  # the README shows the file as it is
    run = _run(
        [sys.executable, str(EXAMPLE), "Claims assistant", "v1", str(LM_EVAL_SINGLE)],
        env={"CHARTER_URL": world["url"], "CHARTER_TOKEN": world["token"]},
    )
    assert run.returncode == 0, run.stderr
    assert "Signed in as" in run.stdout
    assert "mmlu_abstract_algebra: mmlu_abstract_algebra/acc = 0.34" in run.stdout
    assert Evaluation.objects.get().source == "lm_eval"
    broken = tmp_path / "broken.json"
    broken.write_bytes(b"{not json")
    refused = _run(
        [sys.executable, str(EXAMPLE), "Claims assistant", "v1", str(broken)],
        env={"CHARTER_URL": world["url"], "CHARTER_TOKEN": world["token"]},
    )
    assert refused.returncode == 1
    assert "Charter refused the file:" in refused.stderr
    assert "file" in refused.stderr  # the field the problem names
    Evaluation.objects.all().delete()  # the CI step below imports the same file afresh

    # --- the GitHub Actions step, with its environment, in GitHub's default shell (bash -e)
    block = re.search(r"```yaml\n(.*?)```", README.read_text(), re.DOTALL)
    assert block is not None
    step = yaml.safe_load(block.group(1))[-1]
    given = {
        "${{ vars.CHARTER_URL }}": world["url"],
        "${{ secrets.CHARTER_TOKEN }}": world["token"],
        "${{ vars.CHARTER_MODEL_VERSION }}": str(world["version"].pk),
    }
    env = {name: given.get(value, value) for name, value in step["env"].items()}
    assert "${{" not in json.dumps(env)
    folder = tmp_path / "results" / "google__gemma-2-2b"
    folder.mkdir(parents=True)
    (folder / "results_2026-12-03T10-00-00.json").write_bytes(LM_EVAL_SINGLE.read_bytes())
    script = step["run"].replace("python ", f"{sys.executable} ")

    run = _run(["bash", "-e", "-c", script], env=env, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["benchmark"] == "mmlu_abstract_algebra"
    rerun = _run(["bash", "-e", "-c", script], env=env, cwd=tmp_path)
    assert rerun.returncode == 0, rerun.stderr
    assert Evaluation.objects.count() == 1  # a re-run of the job records nothing new

    env["CHARTER_PROJECT"] = "No such project"
    refused = _run(["bash", "-e", "-c", script], env=env, cwd=tmp_path)
    assert refused.returncode == 1
    assert "No project named 'No such project'" in refused.stderr
