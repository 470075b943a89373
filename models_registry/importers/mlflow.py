"""An MLflow tracking server, read through its REST API (`/api/2.0/mlflow/…`) with plain HTTP.

What is read: the experiment (by name, or by id when all digits), its finished runs (runs
still going are left for a later import: their figures still move), each run's latest value
per metric key and its parameters, and the registered model versions produced by those runs.

The URL is fetched from the Charter server, so it is a server-side request: only http(s),
only hosts listed in `CHARTER_MLFLOW_ALLOWED_HOSTS` when that is set, a bounded timeout per
request, bounded answers, no redirects followed, and no credentials of ours sent.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from models_registry.importers import ImportProblem, clipped, number

MAX_RUNS = 500  # one import; more is a sweep, not an evaluation record
MAX_ANSWER_BYTES = 20 * 1024 * 1024
PAGE = 200

BAD_SCHEME = "The tracking URL must start with http:// or https://."
NO_HOST = "The tracking URL needs a host name."
WITH_CREDENTIALS = "Give the tracking URL without a user name or password: it is recorded."
HOST_NOT_ALLOWED = "This MLflow host is not on the list this Charter may reach."
DOWN = "The MLflow server at {url} cannot be reached ({reason}): nothing was imported."
SLOW = "The MLflow server at {url} did not answer within {timeout} s: nothing was imported."
REFUSED = "The MLflow server answered {status} ({reason}): nothing was imported."
NOT_MLFLOW = "The server at {url} did not answer as an MLflow tracking server does."
NO_EXPERIMENT = "The MLflow server has no experiment “{experiment}”."
TOO_MANY_RUNS = f"The experiment has more than {MAX_RUNS} finished runs: import a smaller one."


class _Missing(ImportProblem):
    """The server answered that the thing asked for does not exist."""


class UnknownExperiment(ImportProblem):
    """The server has no such experiment: the experiment field is what to correct."""


@dataclass(frozen=True)
class MlflowRun:
    run_id: str
    name: str
    status: str
    end_time: int | None  # ms since the epoch
    metrics: dict[str, float | int]
    params: dict[str, str]
    skipped: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class MlflowModelVersion:
    name: str
    version: str
    run_id: str
    source: str
    description: str


@dataclass(frozen=True)
class MlflowExperiment:
    experiment_id: str
    name: str
    runs: list[MlflowRun]
    versions: list[MlflowModelVersion]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect could lead the server's request anywhere: answer it as an error instead."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def checked_url(url: str, *, allowed_hosts: Iterable[str] = ()) -> str:
    """The tracking URL without its trailing slash, or ImportProblem."""
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("http", "https"):
        raise ImportProblem(BAD_SCHEME)
    if not parts.hostname:
        raise ImportProblem(NO_HOST)
    if parts.username is not None or parts.password is not None:
        raise ImportProblem(WITH_CREDENTIALS)
    allowed = {h.lower() for h in allowed_hosts if h}
    if allowed and parts.hostname.lower() not in allowed:
        raise ImportProblem(HOST_NOT_ALLOWED)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


class Client:
    """Requests to one tracking server, each bounded by `timeout` seconds."""

    def __init__(self, url: str, *, timeout: float, allowed_hosts: Iterable[str] = ()) -> None:
        self.url = checked_url(url, allowed_hosts=allowed_hosts)
        self.timeout = timeout
        self.opener = urllib.request.build_opener(_NoRedirect())

    def call(self, path: str, *, query: dict[str, str] | None = None, body: Any = None) -> Any:
        address = f"{self.url}/api/2.0/mlflow/{path}"
        if query:
            address += "?" + urllib.parse.urlencode(query)
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
            address,
            data=data,
            method="GET" if body is None else "POST",
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        try:
            with self.opener.open(request, timeout=self.timeout) as answer:
                raw = answer.read(MAX_ANSWER_BYTES + 1)
        except urllib.error.HTTPError as exc:
            raise self._refused(exc) from exc
        except TimeoutError as exc:
            raise ImportProblem(SLOW.format(url=self.url, timeout=self.timeout)) from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise ImportProblem(SLOW.format(url=self.url, timeout=self.timeout)) from exc
            reason = clipped(str(exc.reason), 120)
            raise ImportProblem(DOWN.format(url=self.url, reason=reason)) from exc
        except (OSError, ValueError) as exc:
            reason = clipped(str(exc), 120)
            raise ImportProblem(DOWN.format(url=self.url, reason=reason)) from exc
        if len(raw) > MAX_ANSWER_BYTES:
            raise ImportProblem(NOT_MLFLOW.format(url=self.url))
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise ImportProblem(NOT_MLFLOW.format(url=self.url)) from exc

    def _refused(self, exc: urllib.error.HTTPError) -> ImportProblem:
        try:
            detail = json.loads(exc.read(65536).decode("utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            detail = {}
        if isinstance(detail, dict) and detail.get("error_code") == "RESOURCE_DOES_NOT_EXIST":
            return _Missing(REFUSED.format(status=exc.code, reason="does not exist"))
        reason = detail.get("message") if isinstance(detail, dict) else None
        return ImportProblem(
            REFUSED.format(status=exc.code, reason=clipped(str(reason or exc.reason), 200))
        )


def _experiment(client: Client, experiment: str) -> dict[str, Any]:
    wanted = experiment.strip()
    try:
        if wanted.isdigit():
            answer = client.call("experiments/get", query={"experiment_id": wanted})
        else:
            answer = client.call("experiments/get-by-name", query={"experiment_name": wanted})
    except _Missing as exc:
        raise UnknownExperiment(NO_EXPERIMENT.format(experiment=clipped(wanted, 100))) from exc
    found = answer.get("experiment") if isinstance(answer, dict) else None
    if not isinstance(found, dict) or not found.get("experiment_id"):
        raise ImportProblem(NOT_MLFLOW.format(url=client.url))
    return found


def _pairs(items: Any) -> list[tuple[str, Any]]:
    if not isinstance(items, list):
        return []
    return [(str(i["key"]), i.get("value")) for i in items if isinstance(i, dict) and i.get("key")]


def _run(raw: dict[str, Any]) -> MlflowRun | None:
    info: dict[str, Any] = raw["info"] if isinstance(raw.get("info"), dict) else {}
    data: dict[str, Any] = raw["data"] if isinstance(raw.get("data"), dict) else {}
    run_id = info.get("run_id") or info.get("run_uuid")
    if not run_id:
        return None
    metrics: dict[str, float | int] = {}
    skipped = []
    # runs/search answers each key's latest value: exactly what an evaluation records.
    for key, value in _pairs(data.get("metrics")):
        figure = number(value)
        if figure is None:
            skipped.append(key)
        else:
            metrics[key] = figure
    end = info.get("end_time")
    return MlflowRun(
        run_id=str(run_id),
        name=str(info.get("run_name") or run_id),
        status=str(info.get("status") or ""),
        end_time=int(end) if isinstance(end, int | str) and str(end).isdigit() else None,
        metrics=metrics,
        params={key: str(value) for key, value in _pairs(data.get("params"))},
        skipped=skipped,
    )


def _runs(client: Client, experiment_id: str) -> list[MlflowRun]:
    runs: list[MlflowRun] = []
    token = ""
    while True:
        body: dict[str, Any] = {
            "experiment_ids": [experiment_id],
            "filter": "attributes.status = 'FINISHED'",
            "max_results": PAGE,
        }
        if token:
            body["page_token"] = token
        answer = client.call("runs/search", body=body)
        if not isinstance(answer, dict):
            raise ImportProblem(NOT_MLFLOW.format(url=client.url))
        for raw in answer.get("runs") or []:
            run = _run(raw) if isinstance(raw, dict) else None
            if run is not None and run.status == "FINISHED":
                runs.append(run)
        if len(runs) > MAX_RUNS:
            raise ImportProblem(TOO_MANY_RUNS)
        token = str(answer.get("next_page_token") or "")
        if not token:
            return runs


def _versions(client: Client, run_ids: set[str]) -> list[MlflowModelVersion]:
    """The registered versions whose run is one of the experiment's finished runs."""
    if not run_ids:
        return []
    names: list[str] = []
    token = ""
    while len(names) <= MAX_RUNS:
        query = {"max_results": str(PAGE)} | ({"page_token": token} if token else {})
        answer = client.call("registered-models/search", query=query)
        if not isinstance(answer, dict):
            raise ImportProblem(NOT_MLFLOW.format(url=client.url))
        names += [
            str(m["name"])
            for m in answer.get("registered_models") or []
            if isinstance(m, dict) and m.get("name")
        ]
        token = str(answer.get("next_page_token") or "")
        if not token:
            break
    versions = []
    for name in names[:MAX_RUNS]:
        quoted = name.replace("'", "\\'")
        answer = client.call(
            "model-versions/search", query={"filter": f"name='{quoted}'", "max_results": "200"}
        )
        for raw in (answer.get("model_versions") if isinstance(answer, dict) else None) or []:
            if not isinstance(raw, dict) or raw.get("run_id") not in run_ids:
                continue
            if raw.get("status", "READY") != "READY":
                continue
            versions.append(
                MlflowModelVersion(
                    name=name,
                    version=str(raw.get("version")),
                    run_id=str(raw["run_id"]),
                    source=str(raw.get("source") or ""),
                    description=str(raw.get("description") or ""),
                )
            )
    return sorted(versions, key=lambda v: (v.name, int(v.version) if v.version.isdigit() else 0))


def fetch(
    url: str, experiment: str, *, timeout: float, allowed_hosts: Iterable[str] = ()
) -> MlflowExperiment:
    """Everything an import records, read before anything is written (all or nothing)."""
    client = Client(url, timeout=timeout, allowed_hosts=allowed_hosts)
    found = _experiment(client, experiment)
    runs = _runs(client, str(found["experiment_id"]))
    versions = _versions(client, {r.run_id for r in runs})
    return MlflowExperiment(
        experiment_id=str(found["experiment_id"]),
        name=str(found.get("name") or experiment),
        runs=runs,
        versions=versions,
    )
