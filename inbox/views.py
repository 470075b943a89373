"""“Waiting for me”: the page, and the navigation's count (fetched after the page loads)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.types import AuthenticatedRequest
from inbox.selectors import (
    inbox_count_cached,
    inbox_count_remember,
    inbox_for_user,
    inbox_total,
)


@login_required
@require_GET
def inbox_page(request: AuthenticatedRequest) -> HttpResponse:
    """Everything that waits for my action, grouped by kind, soonest due first."""
    groups = inbox_for_user(user=request.user)
    total = inbox_total(groups)
    inbox_count_remember(user=request.user, total=total)  # the nav's count, fresh
    return render(
        request,
        "inbox/inbox.html",
        {
            "groups": groups,
            "waiting": [group for group in groups if group.count],
            "inbox_total": total,
            "nav": "inbox",
        },
    )


@login_required
@require_GET
def inbox_nav(request: AuthenticatedRequest) -> HttpResponse:
    """The navigation link with the count: every page asks for it once loaded, so the
    pages' own queries do not change; the count is kept for 30 seconds per person."""
    total = inbox_count_cached(user=request.user)
    return render(request, "inbox/nav_item.html#nav-link", {"inbox_total": total})
