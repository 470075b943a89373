"""Fixtures for tests of jobs: a real Celery worker on the test Redis, and a broker that is
down. Imported by tests/conftest.py, so every test module can ask for them."""

import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from kombu import pools as kombu_pools

from config.celery import app

CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1


class Finished:
    """Collects the return value of every task a worker finishes, by task id."""

    def __init__(self) -> None:
        self.results: dict[str, Any] = {}
        self._changed = threading.Condition()

    def __call__(self, task_id: str, retval: Any, **_: Any) -> None:
        with self._changed:
            self.results[task_id] = retval
            self._changed.notify_all()

    def wait_for(self, count: int, timeout: float = 20) -> dict[str, Any]:
        with self._changed:
            self._changed.wait_for(lambda: len(self.results) >= count, timeout=timeout)
            return dict(self.results)


@pytest.fixture
def worker() -> Iterator[Finished]:
    """A real worker on the test Redis, on a queue of its own so that it never picks up
    messages other test runs left behind (or publish meanwhile)."""
    queue = f"test-jobs-{uuid.uuid4().hex}"
    default_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    finished = Finished()
    task_postrun.connect(finished, weak=False)
    try:
        with start_worker(app, queues=[queue], perform_ping_check=False, shutdown_timeout=20):
            yield finished
    finally:
        task_postrun.disconnect(finished)
        app.conf.task_default_queue = default_queue
        # kombu keeps the queue's bindings after queue_delete: remove every key of it (under
        # the key prefix of this test process, see config/settings_test.py)
        prefix = app.conf.broker_transport_options.get("global_keyprefix", "")
        with redis.Redis.from_url(app.conf.broker_url) as client:
            client.delete(f"{prefix}{queue}", *client.keys(f"{prefix}_kombu.binding*.{queue}"))


def _forget_pooled_connections() -> None:
    """Close the producer pool, so that the next publish dials `broker_url` afresh."""
    # Private attributes of Celery, which its stubs do not declare [attr-defined].
    if app._pool is not None:  # type: ignore[attr-defined]
        app._pool.force_close_all()  # type: ignore[attr-defined]
    app._pool = None  # type: ignore[attr-defined]
    app.amqp._producer_pool = None  # type: ignore[attr-defined]
    # kombu also keeps producer pools per connection in a global registry; a closed one would
    # be handed out again to the next publish with the same URL ("Acquire on closed pool").
    kombu_pools.reset()


@pytest.fixture
def broker_down() -> Iterator[None]:
    original = app.conf.broker_url
    _forget_pooled_connections()
    app.conf["broker_url"] = CLOSED_PORT_BROKER
    try:
        yield
    finally:
        app.conf["broker_url"] = original
        _forget_pooled_connections()
