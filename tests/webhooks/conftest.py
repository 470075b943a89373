"""A real HTTP receiver on 127.0.0.1, started by the test: it records every request and
answers what the test tells it to (a status code, or hanging until released)."""

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    requests: list[Received] = field(default_factory=list)
    # What the next requests get, in order; "hang" waits until `release` is set. The last
    # answer repeats.
    answers: list[int | str] = field(default_factory=lambda: [200])
    release: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def receiver(settings) -> Iterator[Receiver]:
    settings.CHARTER_WEBHOOKS_ALLOW_LOCAL = True  # http:// on 127.0.0.1, for this test only
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append(Received(self.path, dict(self.headers.items()), body))
            answer = state.answers.pop(0) if len(state.answers) > 1 else state.answers[0]
            if answer == "hang":
                state.release.wait(10)
                answer = 200
            try:
                self.send_response(int(answer))
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")
            except OSError:
                pass  # the client gave up waiting (the timeout test): nobody to answer

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/charter"
    try:
        yield state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()
