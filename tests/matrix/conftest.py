"""One world per test module: built once inside a transaction that is rolled back at the end,
so every test (itself inside a savepoint, by pytest-django) starts from the same rows."""

from collections.abc import Iterator

import pytest
from django.db import transaction

from tests.matrix.world import World, build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)
