"""The HTTP figure runs under a real server: the load data, the server on a free port, every
Charter page and its ceiling answering 200 over sockets, the queries of each page counted.
Committed rows (the server is another process), so a transactional test; one server and a
few requests keep it short."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench import http
from bench.figures import FIGURES, http_pages
from bench.scales import Scale
from bench.world import world_build

# Smaller than tiny: one round, a register of 100 risks (two pages), four requests a burst.
SMALL = Scale(name="test", batch=500, rounds=1)


@pytest.mark.django_db(transaction=True)
def test_the_http_figure_measures_every_page_and_its_ceiling_under_a_real_server():
    measurements = http_pages.run(
        world_build(),
        SMALL,
        servers=("gunicorn gthread",),
        requests=http_pages.CONNECTIONS,
    )

    assert FIGURES["http_pages"] is http_pages.run
    assert [m.name for m in measurements] == [
        "API projects, gunicorn gthread",
        "API risks, gunicorn gthread",
        "HTML project overview, gunicorn gthread",
        "HTML risk register, gunicorn gthread",
    ]
    for measurement in measurements:
        assert len(measurement.charter_rounds) == len(measurement.ceiling_rounds) == 1
        assert all(rate > 0 for rate in measurement.charter_rounds + measurement.ceiling_rounds)
        assert measurement.goal == 0.5
        assert measurement.details["queries_per_request"] > 0
        assert measurement.details["answer_bytes"] > 0
        assert measurement.details["risks_in_register"] == SMALL.batch // 5


def test_an_answer_other_than_200_stops_the_run():
    class Missing(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(404 if self.path != "/healthz" else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Missing)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        with pytest.raises(RuntimeError, match="/gone/: 404"):
            http.load(base, "/gone/", headers={}, requests=2, connections=1)
    finally:
        server.shutdown()
