"""Bad input everywhere, property-based: every input serializer of the API, given arbitrary
JSON — unicode of every plane, NUL bytes, huge strings and numbers, wrong types, nesting —
answers valid or invalid with field errors, never an exception that would be a 500.

The serializers are found, not listed: each subclass of StrictInputSerializer that the API
modules define (a new one is covered the day it is written)."""

import importlib
import pkgutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.api.serializers import StrictInputSerializer

APPS = (
    "accounts", "projects", "stakeholders", "models_registry", "compliance",
    "notifications", "webhooks", "reports", "inbox",
)  # fmt: skip


def _api_modules():
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".api" in info.name or info.name.endswith(".api"):
                yield importlib.import_module(info.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


list(_api_modules())  # import them all, so every serializer is defined
SERIALIZERS = sorted(
    {s for s in _subclasses(StrictInputSerializer) if not s.__name__.startswith("_")},
    key=lambda s: f"{s.__module__}.{s.__name__}",
)

text = st.text(max_size=40) | st.just("\x00") | st.just("x" * 100_000) | st.just("\u202e\ud7ff😀")
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | text
    | st.sampled_from(["2026-13-45", "9999-12-31T23:59:59Z", "0001-01-01", "-1", "1e400", "NaN"])
)
values = st.recursive(scalars, lambda kids: st.lists(kids, max_size=3) | st.dictionaries(
    st.text(max_size=8), kids, max_size=3), max_leaves=8)  # fmt: skip


def test_the_api_defines_input_serializers_to_fuzz():
    assert len(SERIALIZERS) > 80


@pytest.mark.django_db
@pytest.mark.parametrize(
    "serializer_class", SERIALIZERS, ids=lambda s: f"{s.__module__}.{s.__name__}"
)
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_arbitrary_input_is_valid_or_refused_with_field_errors(serializer_class, data):
    names = list(serializer_class().fields)
    body = data.draw(
        st.dictionaries(st.sampled_from(names) if names else st.text(), values, max_size=6)
        | values,
        label="body",
    )
    serializer = serializer_class(data=body)
    # is_valid() turns every ValidationError into field errors (a 400); anything else it
    # raises here would be a 500 in the API.
    if not serializer.is_valid():
        assert serializer.errors  # refused, saying why
