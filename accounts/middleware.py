"""Per-request context of the signed-in user: their time zone (times are stored in UTC), and
the enrolment an organisation's two-factor policy requires of them."""

import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone


class UserTimeZoneMiddleware:
    """Activate `request.user.time_zone` for the request; UTC for visitors or unknown zones.

    Goes after AuthenticationMiddleware. Templates' `date` filter and forms then convert.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        name = getattr(user, "time_zone", "") if user is not None and user.is_authenticated else ""
        try:
            zone = zoneinfo.ZoneInfo(name) if name else None
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = None  # a zone removed from the system's tz database: fall back to UTC
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            # Threads serve many requests: never leak one user's zone into the next.
            timezone.deactivate()


class TwoFactorEnrolmentMiddleware:
    """Hold a member whom an organisation requires to use two-factor sign-in, and who has no
    device yet, on the enrolment page until they enrol (accounts/two_factor.py).

    The requirement is decided when they sign in and kept in the session, so this costs no
    query per request. Pages get a redirect, htmx fragments an empty 204 (nothing swapped in),
    the API with that session a 403. Sign-out, the enrolment pages and static files stay
    reachable.
    """

    ALLOWED = (
        "accounts:two-factor",
        "accounts:two-factor-start",
        "accounts:two-factor-confirm",
        "accounts:logout",
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from accounts.two_factor import ENROLMENT_REQUIRED_KEY

        session = getattr(request, "session", None)
        if session is None or not session.get(ENROLMENT_REQUIRED_KEY):
            return self.get_response(request)
        if not request.user.is_authenticated:
            return self.get_response(request)
        allowed = {reverse(name) for name in self.ALLOWED}
        if request.path in allowed or request.path.startswith(
            "/" + settings.STATIC_URL.lstrip("/")
        ):
            return self.get_response(request)
        target = reverse("accounts:two-factor")
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "type": "about:blank",
                    "title": "Two-factor sign-in required",
                    "status": 403,
                    "detail": "Your organisation requires two-factor sign-in: set it up at "
                    f"{target} first.",
                },
                status=403,
                content_type="application/problem+json",
            )
        if request.headers.get("HX-Request"):
            # Fragments (the bell's polling on the enrolment page) get nothing to swap in:
            # htmx leaves the page as it is on a 204.
            return HttpResponse(status=204)
        return HttpResponseRedirect(target)


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """`{"camera": [], "fullscreen": ["self"]}` → `camera=(), fullscreen=(self)`; origins other
    than the keywords self and * are quoted, as the header's structured fields want."""

    def origin(value: str) -> str:
        return value if value in ("self", "*") else f'"{value}"'

    return ", ".join(
        f"{feature}=({' '.join(origin(o) for o in allowed)})" for feature, allowed in policy.items()
    )


class PermissionsPolicyMiddleware:
    """Send `Permissions-Policy` (settings.PERMISSIONS_POLICY) on every response, static
    files and error pages included: the browser features Charter never uses (camera,
    microphone, location, payment, USB, …) are off for it and anything it could embed.

    Goes right after SecurityMiddleware, before WhiteNoise answers for static files. A view
    that sets the header itself keeps its own.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = permissions_policy_header(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
