"""A real WSGI server on a free local port, and a load client that keeps connections busy.

The server runs `config.wsgi:application` with DJANGO_SETTINGS_MODULE=bench.server_settings
(Charter's settings; its URLs plus the ceiling views of bench/views.py), on the benchmark's
database, in worker processes of its own: what the HTTP figures measure is the product as
deployed, sockets and all. The client is threads with one keep-alive `httpx.Client` each;
every answer's status is checked, so a round of redirects or errors stops the run instead of
measuring them.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

from bench.report import ROOT

BIN = Path(sys.executable).parent
# httpx logs every request at INFO: thousands of lines a figure, and time on the client's side.
logging.getLogger("httpx").setLevel(logging.WARNING)
WORKERS = 2  # one per core of the 2-core machines
THREADS = 4  # gthread and Granian: threads per worker

SERVERS: dict[str, list[str]] = {
    "gunicorn sync": [
        str(BIN / "gunicorn"),
        "--worker-class=sync",
        f"--workers={WORKERS}",
        "config.wsgi:application",
    ],
    "gunicorn gthread": [
        str(BIN / "gunicorn"),
        "--worker-class=gthread",
        f"--workers={WORKERS}",
        f"--threads={THREADS}",
        "config.wsgi:application",
    ],
    "granian": [
        str(BIN / "granian"),
        "--interface=wsgi",
        f"--workers={WORKERS}",
        f"--blocking-threads={THREADS}",
        "--no-access-log",
        "config.wsgi:application",
    ],
}


# Static URLs without the manifest: production serves files collected by `collectstatic`
# (a manifest lookup per URL, a dict read); the benchmarks never collect them.
STATIC_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _bind(kind: str, port: int) -> list[str]:
    if kind.startswith("gunicorn"):
        return [f"--bind=127.0.0.1:{port}", "--log-level=warning"]
    return ["--host=127.0.0.1", f"--port={port}", "--log-level=warning"]


@contextmanager
def server(kind: str, environ: Mapping[str, str], *, ready_within: float = 60) -> Iterator[str]:
    """Start server `kind` (a key of SERVERS); yield its base URL once /healthz answers; stop
    it (SIGTERM, then SIGKILL) whatever happens."""
    port = free_port()
    env = {**os.environ, **environ, "DJANGO_SETTINGS_MODULE": "bench.server_settings"}
    command = SERVERS[kind][:-1] + _bind(kind, port) + SERVERS[kind][-1:]
    process = subprocess.Popen(  # noqa: S603 (our own fixed command line)
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + ready_within
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"{kind} exited with {process.returncode}: "
                    f"{process.stderr.read().decode()[-2000:] if process.stderr else ''}"
                )
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code < 500:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{kind} did not answer on {base} within {ready_within}s")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()


def load(
    base: str,
    path: str,
    *,
    headers: Mapping[str, str],
    requests: int,
    connections: int,
) -> float:
    """Requests per second of `requests` GETs of `path` shared by `connections` threads, each
    on its own keep-alive connection; every answer must be 200."""
    share = [
        requests // connections + (1 if n < requests % connections else 0)
        for n in range(connections)
    ]
    clients = [httpx.Client(base_url=base, headers=dict(headers), timeout=60) for _ in share]
    failures: list[str] = []
    start = threading.Barrier(connections + 1)

    def work(client: httpx.Client, count: int) -> None:
        start.wait()
        for _ in range(count):
            answer = client.get(path)
            if answer.status_code != 200:
                failures.append(f"{path}: {answer.status_code} {answer.text[:200]}")
                return

    threads = [
        threading.Thread(target=work, args=(client, count))
        for client, count in zip(clients, share, strict=True)
    ]
    for thread in threads:
        thread.start()
    try:
        for client in clients:  # one request each first: connections open before the clock
            client.get("/healthz")
        start.wait()
        began = time.perf_counter()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
    finally:
        for client in clients:
            client.close()
    if failures:
        raise RuntimeError(f"{len(failures)} failed answers, first: {failures[0]}")
    return requests / elapsed
