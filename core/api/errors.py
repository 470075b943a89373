"""API errors: every error answers RFC 9457 problem details, and the database's unique
constraints answer 409 while every other integrity error stays a bug."""

import sqlite3
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.views.decorators.csrf import csrf_exempt
from psycopg import errors as pg_errors
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.errors import ConflictError

PROBLEM_CONTENT_TYPE = "application/problem+json"
CONCURRENT_CHANGE = "A concurrent change clashed with this request; read the resource and retry."
SQLITE_UNIQUE = "UNIQUE constraint failed: "


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"


class InsufficientScope(exceptions.PermissionDenied):
    """The token is valid but lacks the scope this action needs (RFC 6750 §3.1)."""

    default_code = "insufficient_scope"

    def __init__(self, scope: str) -> None:
        super().__init__(
            detail=f"This token lacks the “{scope}” scope this action needs: create a token "
            f"with it (docs/api.md, “Tokens and scopes”).",
            code="insufficient_scope",
        )
        self.scope = scope
        self.extra = {"code": "insufficient_scope", "required_scope": scope}


class _ConflictWithDetails(Conflict):
    def __init__(self, error: ConflictError) -> None:
        super().__init__(detail=error.message, code=error.code)
        self.extra = {"code": error.code, **({"errors": error.details} if error.details else {})}


def unique_violation(exc: IntegrityError) -> str | None:
    """The unique constraint that `exc` reports (PostgreSQL's constraint name, SQLite's
    columns or index), or None when it is another integrity error.

    Only a unique violation is a conflict the client can resolve: two requests raced for the
    same natural key. A NOT NULL, foreign-key or check violation is a bug in our code, which
    must answer 500 and fail its tests rather than pass for a conflict. Django raises its own
    IntegrityError from the driver's, which carries the diagnosis.
    """
    cause = exc.__cause__
    if isinstance(cause, pg_errors.UniqueViolation):
        return cause.diag.constraint_name
    if isinstance(cause, sqlite3.IntegrityError) and str(cause).startswith(SQLITE_UNIQUE):
        return str(cause).removeprefix(SQLITE_UNIQUE)
    return None


def _title(exc: exceptions.APIException) -> str:
    return {
        400: "Invalid request",
        401: "Authentication required",
        403: "Forbidden",
        404: "Not found",
        405: "Method not allowed",
        406: "Not acceptable",
        409: "Conflict",
        412: "Precondition failed",
        413: "Request too large",
        415: "Unsupported media type",
        429: "Too many requests",
    }.get(exc.status_code, "Error")


def problem_details_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Answer every API error as application/problem+json (RFC 9457).

    Field errors of a 400 stay under `errors`, keyed by field, so clients can show them in place.
    Service-level Django ValidationErrors become 400s, never 500s.
    """
    if isinstance(exc, ConflictError):
        exc = _ConflictWithDetails(exc)
    if isinstance(exc, DjangoValidationError):
        # Django names whole-object errors "__all__"; the API calls them non_field_errors.
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        exc = exceptions.ValidationError(
            {
                ("non_field_errors" if key == "__all__" else key): value
                for key, value in errors.items()
            }
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        # A service that refuses with a reason ("You wrote this version: someone else must
        # review it.") keeps it; a bare refusal gets the generic text.
        reason = str(exc.args[0]) if exc.args and exc.args[0] else None
        exc = exceptions.PermissionDenied(reason)

    response = exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response

    problem: dict[str, Any] = {
        "type": "about:blank",
        "title": _title(exc),
        "status": response.status_code,
    }
    if isinstance(exc, exceptions.ValidationError):
        problem["detail"] = "The request has invalid fields."
        problem["errors"] = (
            exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        )
    else:
        problem["detail"] = str(exc.detail)
    problem.update(getattr(exc, "extra", {}))
    request = context.get("request")
    if request is not None:
        problem["instance"] = request.path
        request_id = getattr(request, "request_id", None)
        if request_id:
            problem["request_id"] = request_id
    response.data = problem
    response.content_type = PROBLEM_CONTENT_TYPE
    current_etag = getattr(exc, "current", None)
    if response.status_code == status.HTTP_412_PRECONDITION_FAILED and current_etag:
        response["ETag"] = current_etag
    if isinstance(exc, InsufficientScope):
        response["WWW-Authenticate"] = f'Bearer error="insufficient_scope", scope="{exc.scope}"'
    return response


def _plain_problem(request: Any, status: int, title: str, detail: str) -> Any:
    from django.http import JsonResponse

    problem = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    request_id = getattr(request, "request_id", None)
    if request_id:
        problem["request_id"] = request_id
    return JsonResponse(problem, status=status, content_type=PROBLEM_CONTENT_TYPE)


def _is_api(request: Any) -> bool:
    return bool(request.path.startswith("/api/"))


# Django's error views (handler400/403/500 in config/urls.py): Django itself answers these
# before any API view runs (a query string of more than DATA_UPLOAD_MAX_NUMBER_FIELDS fields, a
# refused CSRF check), so an API client would get an HTML page; it gets problem+json instead.
def bad_request(request: Any, exception: Exception) -> Any:
    from django.views import defaults

    if _is_api(request):
        return _plain_problem(
            request,
            400,
            "Invalid request",
            "The request could not be read: too many query parameters or fields, "
            "or a malformed body.",
        )
    return defaults.bad_request(request, exception)


def permission_denied(request: Any, exception: Exception) -> Any:
    from django.views import defaults

    if _is_api(request):
        return _plain_problem(request, 403, "Forbidden", "You may not do this.")
    return defaults.permission_denied(request, exception)


def server_error(request: Any) -> Any:
    from django.views import defaults

    if _is_api(request):
        return _plain_problem(
            request,
            500,
            "Server error",
            "Something went wrong on our side; the request id helps to find it in the log.",
        )
    return defaults.server_error(request)


def csrf_failure(request: Any, reason: str = "") -> Any:
    """CSRF_FAILURE_VIEW: the readable page for a form, problem+json for an API client that
    sent a session cookie without the CSRF token."""
    from django.views import csrf

    if _is_api(request):
        return _plain_problem(
            request,
            403,
            "Forbidden",
            "CSRF check failed: authenticate with a token in the Authorization header, or send "
            "the CSRF token with the session cookie.",
        )
    return csrf.csrf_failure(request, reason=reason)


@csrf_exempt
def api_not_found(request: Any, path: str = "") -> Any:
    """Unknown /api/ paths answer problem+json, not an HTML page; a path that only lacks its
    trailing slash says so (a redirect would turn a client's POST into a GET)."""
    from django.http import JsonResponse
    from django.urls import Resolver404, resolve

    detail = "There is no API resource at this address."
    if not request.path.endswith("/"):
        try:
            resolve(request.path + "/")
        except Resolver404:
            pass
        else:
            detail = f"Add the trailing slash: {request.path}/"
    return JsonResponse(
        {
            "type": "about:blank",
            "title": "Not found",
            "status": 404,
            "detail": detail,
            "instance": request.path,
        },
        status=404,
        content_type=PROBLEM_CONTENT_TYPE,
    )
