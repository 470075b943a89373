"""The production profile: Permissions-Policy on every response, `check --deploy` clean with
the production environment variables, the secret key only from the environment, and the image
running as a user other than root."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from accounts.middleware import permissions_policy_header

ROOT = Path(__file__).resolve().parents[2]
OFF = ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/accounts/login/", "/healthz", "/api/v1/me/", "/no-such-page/", "/api/v1/schema/"],
)
def test_every_response_carries_the_permissions_policy(path):
    response = Client().get(path)

    header = response["Permissions-Policy"]
    assert all(feature in header.split(", ") for feature in OFF)
    assert "fullscreen=(self)" in header


def test_the_header_is_written_as_structured_fields():
    policy = {"camera": [], "fullscreen": ["self"], "payment": ["self", "https://pay.example"]}
    assert permissions_policy_header(policy) == (
        'camera=(), fullscreen=(self), payment=(self "https://pay.example")'
    )


def _production_env(**extra: str) -> dict[str, str]:
    """Only what a production deployment sets (no test settings, no DEBUG)."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "charter.example.com",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": os.environ.get("DATABASE_URL", ""),
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
        "CELERY_BROKER_URL": "",
        "CHARTER_DATA_DIR": "/tmp/charter-deploy-check",  # noqa: S108
    }
    env.update(extra)
    return env


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_the_production_environment():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key_from_the_environment():
    env = _production_env()
    del env["DJANGO_SECRET_KEY"]

    result = _manage("check", env=env)

    assert result.returncode != 0
    assert "Set the DJANGO_SECRET_KEY environment variable" in result.stderr


def test_check_deploy_flags_a_weak_secret_key():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", env=_production_env(DJANGO_SECRET_KEY="x")
    )

    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_the_image_runs_as_an_unprivileged_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    final_stage = dockerfile.rsplit("\nFROM ", 1)[1]

    users = re.findall(r"^USER\s+(\S+)", final_stage, flags=re.MULTILINE)
    uid = re.search(r"useradd[^\n]*--uid\s+(\d+)", final_stage)

    assert users, "the final stage sets no USER: the container would run as root"
    assert users[-1] not in ("root", "0")
    assert uid is not None
    assert int(uid.group(1)) >= 1000
    # Nothing runs after the switch that needs root, and no secret is baked into the image.
    assert not re.search(r"^ENV[^\n]*(SECRET|PASSWORD)", dockerfile, flags=re.MULTILINE)
