"""Settings of the Celery worker processes that the fault tests start: the test settings, with
mail sent over SMTP to the server the test runs (CHARTER_FAULT_SMTP_PORT), a short claim lease,
and a short broker visibility timeout, so that what a killed worker held is taken over in
seconds rather than in ten minutes (the lease) or an hour (the broker)."""

import os

from config.settings_test import *  # noqa: F403
from config.settings_test import CELERY_BROKER_TRANSPORT_OPTIONS

MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": "127.0.0.1",
            "port": int(os.environ.get("CHARTER_FAULT_SMTP_PORT", "1")),
            "timeout": 30,
        },
    }
}
CHARTER_OUTBOX_CLAIM_LEASE_SECONDS = 3
CELERY_BROKER_TRANSPORT_OPTIONS = {**CELERY_BROKER_TRANSPORT_OPTIONS, "visibility_timeout": 2}
