"""Real moving parts for the fault tests: an SMTP server that can stall or refuse, a Redis
server of the test's own that can be stopped and started, and Celery workers in processes of
their own that can be SIGKILLed."""

from __future__ import annotations

import contextlib
import email
import os
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis

ROOT = Path(__file__).resolve().parents[2]


def wait_until(condition: Callable[[], Any], *, timeout: float = 60, what: str = "") -> Any:
    """Poll `condition` until it answers something true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what or condition}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


# --- SMTP ----------------------------------------------------------------------------------------


@dataclass
class Smtp:
    """What the server saw. `plans` say how each next connection is treated, in order (the
    last repeats): "ok"; "stall-before-ok" (the message is read, never acknowledged: the
    server waits for `release`, then hangs up, so by SMTP it was not accepted); "stall-after-ok"
    (acknowledged with 250, then the server waits for `release` before answering QUIT);
    "busy" (421 at the greeting); "451" (a temporary failure for the message)."""

    port: int = 0
    plans: list[str] = field(default_factory=lambda: ["ok"])
    received: list[bytes] = field(default_factory=list)  # every message body read
    accepted: list[bytes] = field(default_factory=list)  # those answered 250
    connections: int = 0
    stalled: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def next_plan(self) -> str:
        with self._lock:
            self.connections += 1
            return self.plans.pop(0) if len(self.plans) > 1 else self.plans[0]

    def accepted_ids(self) -> list[str]:
        return [str(email.message_from_bytes(body)["Message-ID"]) for body in self.accepted]


def start_smtp() -> tuple[Smtp, socketserver.ThreadingTCPServer]:
    state = Smtp()

    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            plan = state.next_plan()
            with contextlib.suppress(OSError):  # the client went away (killed, or gave up)
                self._converse(plan)

        def _say(self, line: str) -> None:
            self.wfile.write(line.encode() + b"\r\n")

        def _converse(self, plan: str) -> None:
            if plan == "busy":
                self._say("421 too busy, come back later")
                return
            self._say("220 faults.test ESMTP")
            while line := self.rfile.readline():
                verb = line.decode(errors="replace").strip().upper()
                if verb.startswith("EHLO"):
                    self._say("250-faults.test")
                    self._say("250 8BITMIME")
                elif verb.startswith(("HELO", "MAIL", "RCPT", "RSET", "NOOP")):
                    self._say("250 OK")
                elif verb == "DATA":
                    self._say("354 go ahead")
                    body = b"".join(iter(self.rfile.readline, b".\r\n"))
                    state.received.append(body)
                    if plan == "stall-before-ok":
                        state.stalled.set()
                        state.release.wait(60)
                        return
                    if plan == "451":
                        self._say("451 local error, try again later")
                        continue
                    state.accepted.append(body)
                    self._say("250 queued")
                    if plan == "stall-after-ok":
                        state.stalled.set()
                        state.release.wait(60)
                        return
                elif verb == "QUIT":
                    self._say("221 bye")
                    return
                else:
                    self._say("502 not implemented")

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state.port = server.server_address[1]
    return state, server


# --- Redis ---------------------------------------------------------------------------------------


class RedisServer:
    """A redis-server of the test's own on a free port, with no persistence."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 (our own command line)
            [
                *("redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no"),
                *("--bind", "127.0.0.1", "--daemonize", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.ConnectionError:
                return False

        wait_until(answers, timeout=20, what="redis-server to answer")
        client.close()

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


# --- Celery workers ------------------------------------------------------------------------------


class WorkerProcess:
    """`celery -A config worker` in a process of its own (solo pool: the process that sends is
    the process SIGKILL stops), on `queue`, against the test database."""

    def __init__(self, *, queue: str, database: str, smtp_port: int, broker_url: str = "") -> None:
        self.log = Path(tempfile.mkstemp(prefix="charter-fault-worker-", suffix=".log")[1])
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.outbox.worker_settings",
            "DATABASE_URL": database,
            "CHARTER_FAULT_SMTP_PORT": str(smtp_port),
            "CELERY_BROKER_URL": broker_url,
        }
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo"]
        command += ["-Q", queue, "-n", f"fault-{uuid.uuid4().hex[:8]}@%h", "-l", "info"]
        command += ["--without-heartbeat", "--without-gossip", "--without-mingle"]
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(  # noqa: S603 (our own command line)
                command, cwd=ROOT, env=env, stdout=out, stderr=out
            )
        wait_until(
            lambda: "ready." in self.output() or self.process.poll() is not None,
            timeout=90,
            what="the worker to be ready",
        )
        assert self.process.poll() is None, self.output()

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no ack, no cleanup, as when the machine dies."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.unlink(missing_ok=True)
