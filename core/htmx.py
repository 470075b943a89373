"""Render a whole page, or only one of its partials when htmx asks for it."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails


def render_htmx(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    partial: str,
    target: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """Full page for plain navigation; `template#partial` for an htmx request.

    With `target`, the partial is sent only when htmx targets that element id, so a boosted
    link that swaps the whole body still gets the whole page.
    """
    htmx: HtmxDetails | None = getattr(request, "htmx", None)  # None without HtmxMiddleware
    wants_partial = (
        htmx is not None
        and bool(htmx)
        and not htmx.boosted
        and (target is None or htmx.target == target)
    )
    name = f"{template}#{partial}" if wants_partial else template
    return render(request, name, context, status=status)


def redirect_after_success(request: HttpRequest, to: str, *args: Any) -> HttpResponse:
    """After a successful write: a normal redirect, or for htmx a client-side redirect (so the
    whole page, with its messages, reloads instead of being swapped into a form's place)."""
    url = resolve_url(to, *args)
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)
