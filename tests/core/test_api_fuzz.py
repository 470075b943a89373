"""Schemathesis over every operation of the published schema, against a live server holding
the demo organisation, with a manager's API token.

Checked on every response: no server error, the status code, content type, headers and body
as the schema documents them; and every schema-violating request refused. A bounded run here
(`make test`); `make fuzz` runs many more examples, the coverage phase and stateful links.

Not run yet: Schemathesis' `positive_data_acceptance`, which expects every schema-valid request
to succeed. The API answers 400 to requests the schema cannot rule out — a phase that does not
allow the change, a date that must lie in the future, an id of another project's object.
Saying those with 409 and 404 and tightening the schema is tracked work (docs/api.md).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import User
from accounts.services import api_token_create

EXAMPLES = os.environ.get("CHARTER_FUZZ_EXAMPLES", "2")
PHASES = os.environ.get("CHARTER_FUZZ_PHASES", "examples,fuzzing")
CHECKS_NOT_RUN = "positive_data_acceptance"


@pytest.mark.django_db(transaction=True)
def test_every_operation_answers_as_its_schema_says(live_server, tmp_path):
    call_command("load_frameworks", verbosity=0)
    call_command("load_demo_data", verbosity=0)
    _, token = api_token_create(
        actor=User.objects.get(email="pm@demo.charter.local"), name="schemathesis"
    )
    schema = tmp_path / "schema.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(schema))
    report = tmp_path / "junit.xml"
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        str(schema),
        "--url",
        live_server.url,
        "--header",
        f"Authorization: Bearer {token}",
        "--checks",
        "all",
        "--exclude-checks",
        CHECKS_NOT_RUN,
        "--phases",
        PHASES,
        "--max-examples",
        EXAMPLES,
        "--seed",
        "20261203",
        "--generation-deterministic",
        "--request-timeout",
        "30",
        "--workers",
        "1",
        "--no-color",
        "--report",
        "junit",
        "--report-junit-path",
        str(report),
    ]
    run = subprocess.run(  # noqa: S603 (the installed Schemathesis, arguments of our own)
        # In the test's own folder: Schemathesis keeps a cache beside where it runs.
        command,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
        cwd=tmp_path,
    )
    summary = run.stdout[-6000:]
    assert run.returncode == 0, summary
    # It really ran over the whole API: one test case per operation in the report.
    operations = sum(len(methods) for methods in json.loads(schema.read_text())["paths"].values())
    assert report.read_text().count("<testcase ") >= operations * 0.95, summary
