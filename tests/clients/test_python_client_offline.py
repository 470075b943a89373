"""The client without a server: its retries, against answers a live server cannot be made to
give on demand (a proxy's 502, a rate limit, a dropped connection), with httpx's MockTransport
standing in for the network; and the command lines its documentation shows."""

import re
import shlex

import httpx
import pytest
from charter_client import CharterError, Client
from charter_client.cli import build_parser

from tests.clients.conftest import CLIENT_SRC

REPOSITORY = CLIENT_SRC.parents[2]

URL = "https://charter.test"
OK = {"id": "e1", "benchmark": "b", "metrics": []}


def scripted(*answers):
    """A transport answering each request with the next of `answers` (an httpx.Response, or an
    exception to raise), recording the requests."""
    seen: list[httpx.Request] = []
    queue = list(answers)

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = queue.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return httpx.MockTransport(handle), seen


def test_a_create_is_retried_on_5xx_429_and_lost_connections_with_one_key(monkeypatch):
    waits: list[float] = []
    monkeypatch.setattr("charter_client.client.time.sleep", waits.append)
    transport, seen = scripted(
        httpx.ConnectError("refused"),
        httpx.Response(502, text="<html>Bad gateway</html>"),
        httpx.Response(429, headers={"Retry-After": "7"}, json={"status": 429}),
        httpx.Response(201, json=OK),
    )
    with Client(URL, "chr_x_y", retries=3, backoff=0.5, transport=transport) as charter:
        answer = charter.post_evaluation("p", model_version="v", benchmark="b", metrics=[])
    assert answer["id"] == "e1"
    assert len(seen) == 4
    assert len({r.headers["Idempotency-Key"] for r in seen}) == 1
    assert waits == [0.5, 1.0, 7.0]  # doubling, then what the server asked for


def test_retries_stop_at_the_limit_and_a_refusal_is_not_retried(monkeypatch):
    monkeypatch.setattr("charter_client.client.time.sleep", lambda _: None)
    transport, seen = scripted(*[httpx.Response(503, text="down")] * 3)
    with (
        Client(URL, "t", retries=2, transport=transport) as charter,
        pytest.raises(CharterError) as failed,
    ):
        charter.me()
    assert (failed.value.status, len(seen)) == (503, 3)
    assert failed.value.detail == "down"  # not a problem body: its text, bounded

    problem = {"status": 400, "title": "Invalid request", "errors": {"benchmark": ["Required."]}}
    transport, seen = scripted(httpx.Response(400, json=problem))
    with Client(URL, "t", transport=transport) as charter, pytest.raises(CharterError) as refused:
        charter.post_evaluation("p", model_version="v", benchmark="", metrics=[])
    assert len(seen) == 1
    assert refused.value.errors == {"benchmark": ["Required."]}


def test_an_upload_goes_without_a_key_and_floats_travel_as_plain_decimals(monkeypatch):
    monkeypatch.setattr("charter_client.client.time.sleep", lambda _: None)
    transport, seen = scripted(
        httpx.ReadTimeout("slow"), httpx.Response(200, json=OK), httpx.Response(201, json=OK)
    )
    with Client(URL, "t", transport=transport) as charter:
        charter.import_lm_eval("p", model_version="v", file=b"{}")
        charter.post_evaluation(
            "p", model_version="v", benchmark="b", metrics=[{"name": "m", "value": 1e-05}]
        )
    assert [("Idempotency-Key" in r.headers) for r in seen] == [False, False, True]
    assert b'"value":"0.00001"' in seen[-1].content.replace(b" ", b"")


def test_every_command_line_the_readmes_show_is_one_the_client_takes():
    shown = []
    for text in (
        (REPOSITORY / "clients" / "python" / "README.md").read_text(),
        (REPOSITORY / "docs" / "api.md").read_text(),
    ):
        for block in re.findall(r"```sh\n(.*?)```", text, re.DOTALL):
            for line in block.replace("\\\n", " ").splitlines():
                found = re.search(r"(?:^charter|python -m charter_client) (.*)", line.strip())
                shown += [found.group(1)] if found else []
    assert len(shown) >= 5
    for arguments in shown:
        build_parser().parse_args(shlex.split(arguments))  # SystemExit on a stale option
