"""The client: one httpx connection pool, a bearer token, and the calls a CI pipeline makes.

Retries are the point of a client in CI: a deploy restarting Charter, a proxy's 502, a rate
limit. Reads are retried freely; a create is retried only when it cannot happen twice — a JSON
POST carries an `Idempotency-Key` chosen once for all its attempts (the server replays the
first answer), and an upload is idempotent by its content (the server answers 200 the second
time). Everything else surfaces at once as a CharterError.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any, Self, cast

import httpx

from charter_client.errors import CharterError
from charter_client.models import (
    AuditExport,
    Evaluation,
    Me,
    Metric,
    ModelVersion,
    MonitoringBatch,
    Point,
    Project,
)

__all__ = ["MAX_POINTS_PER_BATCH", "Client"]

MAX_POINTS_PER_BATCH = 10_000  # the server refuses a bigger batch whole
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 60.0  # seconds: a longer wait is the pipeline's decision, not ours
PAGE_SIZE = 200  # the API's maximum


class Client:
    """A client of one Charter server: `Client("https://charter.example.com", "chr_…")`.

    Use it in a `with` block (or call `close()`) to release its connections. `retries` is the
    number of further attempts after the first; `backoff` the first wait in seconds, doubled
    each time unless the server says `Retry-After`. Lists are read `page_size` rows a request.
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float = 30.0,
        retries: int = 3,
        backoff: float = 0.5,
        page_size: int = PAGE_SIZE,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.retries = retries
        self.backoff = backoff
        self.page_size = page_size
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": "application/json",
                "User-Agent": "charter-client/0.1",
            },
            timeout=timeout,
            transport=transport,
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # --- the plumbing ---------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, str | int] | None = None,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
        data: Mapping[str, str] | None = None,
        retry: bool | None = None,
    ) -> httpx.Response:
        """One call, retried as the module says; a non-2xx answer raises CharterError.
        `retry` defaults to: reads yes, JSON POSTs yes (with an Idempotency-Key), others no."""
        headers: dict[str, str] = {}
        if method == "POST" and files is None:
            # One key for every attempt: that is what makes the retry safe.
            headers["Idempotency-Key"] = str(uuid.uuid4())
        if retry is None:
            retry = method in ("GET", "HEAD") or "Idempotency-Key" in headers
        attempt = 0
        while True:
            wait = self.backoff * 2**attempt
            try:
                response = self._http.request(
                    method, path, json=json, params=params, files=files, data=data, headers=headers
                )
            except httpx.TransportError as error:
                if not retry or attempt >= self.retries:
                    raise CharterError(0, f"No answer from Charter ({error!r})") from error
            else:
                if response.is_success:
                    return response
                if not retry or attempt >= self.retries or not _worth_retrying(response):
                    raise CharterError.from_response(response)
                wait = _retry_after(response, wait)
            time.sleep(wait)
            attempt += 1

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.request(method, path, **kwargs).json()

    def _pages(self, path: str, params: Mapping[str, str | int] | None = None) -> Iterator[Any]:
        """Every result of a list, page after page, following `next` until it is null."""
        url: str | None = path
        query: Mapping[str, str | int] | None = {**(params or {}), "page_size": self.page_size}
        while url:
            page = self._json("GET", url, params=query)
            yield from page["results"]
            url, query = page.get("next"), None  # `next` carries the whole query

    # --- who am I, which project --------------------------------------------------------

    def me(self) -> Me:
        """The token's user and their organisations (a quick check that the token works)."""
        return cast(Me, self._json("GET", "/api/v1/me/"))

    def projects(
        self, *, name: str | None = None, organization: str | None = None, search: str | None = None
    ) -> list[Project]:
        """The projects the token sees, every page; `name` keeps the exact name only."""
        params: dict[str, str | int] = {}
        if organization:
            params["organization"] = organization
        if search or name:
            params["search"] = search or name or ""
        found = [cast(Project, p) for p in self._pages("/api/v1/projects/", params)]
        return [p for p in found if p["name"] == name] if name else found

    def project(self, project_id: str) -> Project:
        return cast(Project, self._json("GET", f"/api/v1/projects/{project_id}/"))

    def find_project(self, ref: str) -> Project:
        """A project by its id or its exact name (which must then be unique to the token)."""
        if _is_uuid(ref):
            return self.project(ref)
        named = self.projects(name=ref)
        if len(named) != 1:
            how = "No project" if not named else f"{len(named)} projects"
            raise CharterError(404, "Not found", f"{how} named {ref!r} for this token.")
        return named[0]

    def model_versions(self, project_id: str) -> list[ModelVersion]:
        path = f"/api/v1/projects/{project_id}/adapt/model-versions/"
        return [cast(ModelVersion, v) for v in self._pages(path)]

    def find_model_version(self, project_id: str, ref: str) -> ModelVersion:
        """A version of the project by its id, its number (`3` or `v3`) or its exact name."""
        for version in self.model_versions(project_id):
            if ref in (version["id"], version["name"], str(version["number"])) or (
                ref == f"v{version['number']}"
            ):
                return version
        raise CharterError(404, "Not found", f"No model version {ref!r} in this project.")

    # --- evaluations --------------------------------------------------------------------

    def post_evaluation(
        self,
        project_id: str,
        *,
        model_version: str,
        benchmark: str,
        metrics: Iterable[Metric],
        run_id: str | None = None,
        evaluated_at: datetime | str | None = None,
        findings: str | None = None,
    ) -> Evaluation:
        """Record an evaluation; the same `run_id` posted again returns the first record."""
        body: dict[str, Any] = {
            "model_version": model_version,
            "benchmark": benchmark,
            "metrics": [_metric(m) for m in metrics],
        }
        if run_id is not None:
            body["run_id"] = run_id
        if evaluated_at is not None:
            body["evaluated_at"] = _iso(evaluated_at)
        if findings is not None:
            body["findings"] = findings
        path = f"/api/v1/projects/{project_id}/adapt/evaluations/"
        return cast(Evaluation, self._json("POST", path, json=body))

    def import_lm_eval(
        self,
        project_id: str,
        *,
        model_version: str,
        file: str | Path | bytes,
        benchmark: str | None = None,
    ) -> Evaluation:
        """Upload an lm-evaluation-harness `results_*.json`: one evaluation, metrics named
        task/metric. The same file again returns the first record (so retrying is safe)."""
        content = file if isinstance(file, bytes) else Path(file).read_bytes()
        name = "results.json" if isinstance(file, bytes) else Path(file).name
        data = {"model_version": model_version}
        if benchmark:
            data["benchmark"] = benchmark
        path = f"/api/v1/projects/{project_id}/adapt/imports/lm-eval/"
        files = {"file": (name, content, "application/json")}
        return cast(Evaluation, self._json("POST", path, files=files, data=data, retry=True))

    # --- monitoring ---------------------------------------------------------------------

    def push_monitoring_points(
        self,
        project_id: str,
        deployment_id: str,
        points: Iterable[Point],
        *,
        batch_id: str | None = None,
        batch_size: int = MAX_POINTS_PER_BATCH,
    ) -> list[MonitoringBatch]:
        """Push points in batches of `batch_size` (at most 10,000), each accepted or refused
        whole. Batch ids are `<batch_id>-<n>`: pushing the same points with the same
        `batch_id` again adds nothing, so a pipeline that died half-way can simply run again."""
        if not 1 <= batch_size <= MAX_POINTS_PER_BATCH:
            raise ValueError(f"batch_size must be from 1 to {MAX_POINTS_PER_BATCH}")
        base = batch_id or uuid.uuid4().hex
        path = f"/api/v1/projects/{project_id}/operate/deployments/{deployment_id}/points/"
        answers: list[MonitoringBatch] = []
        chunk: list[dict[str, Any]] = []
        for point in points:
            chunk.append({**point, "at": _iso(point["at"])})
            if len(chunk) == batch_size:
                answers.append(self._batch(path, f"{base}-{len(answers) + 1}", chunk))
                chunk = []
        if chunk:
            answers.append(self._batch(path, f"{base}-{len(answers) + 1}", chunk))
        return answers

    def _batch(self, path: str, batch_id: str, points: list[dict[str, Any]]) -> MonitoringBatch:
        body = {"batch_id": batch_id, "points": points}
        return cast(MonitoringBatch, self._json("POST", path, json=body))

    # --- audit exports (the token needs the `export` scope) -----------------------------

    def create_audit_export(
        self,
        organization_id: str,
        *,
        format: str = "jsonl",
        filters: Mapping[str, str] | None = None,
    ) -> AuditExport:
        """Queue an export of the organisation's trail (csv, jsonl or pdf); a worker writes it."""
        body: dict[str, Any] = {"organization": organization_id, "format": format}
        if filters:
            body["filters"] = dict(filters)
        return cast(AuditExport, self._json("POST", "/api/v1/audit-exports/", json=body))

    def audit_export(self, export_id: str) -> AuditExport:
        return cast(AuditExport, self._json("GET", f"/api/v1/audit-exports/{export_id}/"))

    def wait_for_export(
        self, export_id: str, *, timeout: float = 600.0, interval: float = 2.0
    ) -> AuditExport:
        """Poll until the export is ready; a failed export, or none ready in time, raises."""
        deadline = time.monotonic() + timeout
        while True:
            export = self.audit_export(export_id)
            if export["status"] == "ready":
                return export
            if export["status"] == "failed":
                raise CharterError(409, "Export failed", export["error"], code="export_failed")
            if time.monotonic() >= deadline:
                raise CharterError(
                    0, "Export not ready in time", f"still {export['status']} after {timeout}s"
                )
            time.sleep(interval)

    def download_export(self, export_id: str, destination: str | Path) -> Path:
        """Write a ready export's file to `destination` (a file, or a folder to put it in
        under the server's name for it), streamed; returns the file's path."""
        target = Path(destination)
        url = f"/api/v1/audit-exports/{export_id}/download/"
        with self._http.stream("GET", url) as response:
            if not response.is_success:
                response.read()
                raise CharterError.from_response(response)
            if target.is_dir():
                target = target / _attachment_name(response, f"audit-{export_id}")
            with target.open("wb") as out:
                for chunk in response.iter_bytes():
                    out.write(chunk)
        return target


# --- helpers ------------------------------------------------------------------------------


def _worth_retrying(response: httpx.Response) -> bool:
    if response.status_code in RETRY_STATUSES:
        return True
    # The first attempt with our key is still running on the server: wait, then ask again.
    return response.status_code == 409 and "idempotency_key_in_flight" in response.text


def _retry_after(response: httpx.Response, default: float) -> float:
    try:
        return min(max(float(response.headers.get("Retry-After", "")), 0.0), MAX_RETRY_AFTER)
    except ValueError:
        return default  # absent, or an HTTP date: our own backoff will do


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _iso(value: datetime | str) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("Give aware datetimes: the API refuses a time without its offset.")
        return value.isoformat()
    return value


def _metric(metric: Metric) -> dict[str, Any]:
    # Decimals travel as strings in this API: a float is written with repr's shortest exact
    # digits, in plain notation (the API reads no exponent).
    value = metric["value"]
    text = value if isinstance(value, str) else format(Decimal(repr(value)), "f")
    return {**metric, "value": text}


def _attachment_name(response: httpx.Response, default: str) -> str:
    disposition = response.headers.get("content-disposition", "")
    for part in disposition.split(";"):
        key, _, value = part.strip().partition("=")
        if key == "filename" and value:
            return Path(value.strip('"')).name  # never a path the server could steer
    return default
