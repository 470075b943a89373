"""The OpenAPI schema is a checked-in contract: docs/openapi.yaml is what the code publishes.

A change of the API shows as a diff of that file in review; a change that forgot it fails
here."""

import difflib
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

CONTRACT = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"


def test_the_checked_in_schema_is_what_the_code_publishes(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(generated))

    expected = CONTRACT.read_text(encoding="utf-8")
    actual = generated.read_text(encoding="utf-8")
    if actual != expected:
        diff = difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            fromfile="docs/openapi.yaml (checked in)",
            tofile="docs/openapi.yaml (generated)",
            n=2,
        )
        shown = "".join(list(diff)[:80])
        raise AssertionError(
            "The API's schema differs from docs/openapi.yaml: run `make schema` and review "
            f"the diff as a change of the API.\n{shown}"
        )


def test_the_contract_is_openapi_3_1():
    assert CONTRACT.read_text(encoding="utf-8").startswith("openapi: 3.1.0\n")
