"""Test settings: production settings with a fast hasher and the in-memory mail outbox.

PostgreSQL and Redis come from the environment, as in production (.ci/run sets them).
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/charter")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")

from .settings import *  # noqa: F403
from .settings import (
    CACHES,
    CELERY_BROKER_TRANSPORT_OPTIONS,
    CELERY_BROKER_URL,
    DATABASES,
    REST_FRAMEWORK,
)

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    # The audit tables refuse TRUNCATE from every session; the suite empties them between
    # transactional tests as the superuser it runs as, with triggers off (tests/conftest.py).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": "10000/min", "user": "10000/min"},
}

# Each pytest-xdist worker (gw0, gw1, …; "main" without xdist) keeps its cache entries and its
# broker's queues, bindings and unacked messages under a prefix of its own in the shared Redis
# database, so rate-limit counters and Celery messages of parallel workers never meet.
# https://docs.djangoproject.com/en/6.1/topics/cache/#cache-key-prefixing
# https://docs.celeryq.dev/projects/kombu/en/stable/reference/kombu.transport.redis.html
_TEST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES = {"default": {**CACHES["default"], "KEY_PREFIX": f"test-{_TEST_WORKER}"}}
if CELERY_BROKER_URL.startswith("redis"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "global_keyprefix": f"test-{_TEST_WORKER}:",
    }

# Uploaded evidence goes to a throwaway folder of this test process, never to var/media,
# removed when the process ends.
import atexit  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="charter-test-media-"))
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
# The audit checkpoints' file copy, away from the checkout's var/.
CHARTER_AUDIT_CHECKPOINT_DIR = Path(tempfile.mkdtemp(prefix="charter-test-checkpoints-"))
atexit.register(shutil.rmtree, CHARTER_AUDIT_CHECKPOINT_DIR, ignore_errors=True)
# The scheduled reports' files, likewise.
CHARTER_REPORT_DIR = Path(tempfile.mkdtemp(prefix="charter-test-reports-"))
atexit.register(shutil.rmtree, CHARTER_REPORT_DIR, ignore_errors=True)
CHARTER_AUDIT_EXPORT_DIR = Path(tempfile.mkdtemp(prefix="charter-test-audit-exports-"))
atexit.register(shutil.rmtree, CHARTER_AUDIT_EXPORT_DIR, ignore_errors=True)
