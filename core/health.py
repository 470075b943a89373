"""`/healthz`: is the database reachable, is the broker reachable? 200 if both, else 503.

The body also carries `reports`: what the apps named in `CHARTER_HEALTH_REPORTS` (name →
dotted path of a function returning a dict) have to say — the audit trail's latest
verification, for instance. They inform; they do not change the status (a broken chain is an
incident to investigate, not a reason for the balancer to stop sending traffic)."""

import logging
import time

from celery import current_app
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _check_database() -> dict[str, object]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down" here
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}


def _check_broker() -> dict[str, object]:
    # core imports nothing of ours: config/celery.py makes its app Celery's default, and
    # `current_app` finds it in every thread (web servers answer requests in their own).
    try:
        with current_app.connection_for_write() as conn:
            # one quick attempt: a probe that waits on retries would time out at the balancer
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=3)
            transport = conn.transport.driver_type
    except Exception as exc:  # unreachable broker of any kind
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "transport": transport}


def _reports() -> dict[str, object]:
    reports: dict[str, object] = {}
    for name, path in getattr(settings, "CHARTER_HEALTH_REPORTS", {}).items():
        try:
            reports[name] = import_string(path)()
        except Exception as exc:  # a report that fails says so; the probe still answers
            reports[name] = {"ok": False, "error": exc.__class__.__name__}
    return reports


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness for load balancers and orchestrators; no authentication."""
    started = time.monotonic()
    checks = {"database": _check_database(), "broker": _check_broker()}
    healthy = all(check["ok"] for check in checks.values())
    if not healthy:
        logger.warning("health check failed: %s", checks)
    body = {
        "status": "ok" if healthy else "degraded",
        "checks": checks,
        "reports": _reports(),
        "duration_ms": round((time.monotonic() - started) * 1000, 1),
    }
    return JsonResponse(body, status=200 if healthy else 503)
