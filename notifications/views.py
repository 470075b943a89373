"""The notifications pages: the bell's count, the list with mark read and mark all read, and
the preferences. Views are thin: they parse, call a selector or service, and render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from accounts.types import AuthenticatedRequest
from core.forms import add_service_errors
from core.htmx import redirect_after_success
from notifications import selectors, services
from notifications.forms import PreferencesForm

PAGE_SIZE = 25
# Sent after a change of read state, so the bell refreshes at once rather than at its next poll.
CHANGED_EVENT = "notificationsChanged"


@login_required
@require_GET
def bell(request: AuthenticatedRequest) -> HttpResponse:
    """The bell's unread count: the small partial the navigation polls."""
    count = selectors.notification_unread_count(user=request.user)
    response = render(request, "notifications/bell.html#bell-count", {"unread_count": count})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def notification_list(request: AuthenticatedRequest) -> HttpResponse:
    """One's notifications, newest first, a page at a time; `?unread=1` shows only unread."""
    unread_only = request.GET.get("unread") == "1"
    notifications = selectors.notification_list_for_user(user=request.user, unread_only=unread_only)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "notifications": page.object_list,
        "unread_only": unread_only,
        "unread_count": selectors.notification_unread_count(user=request.user),
        "query": "unread=1" if unread_only else "",
        "nav": "notifications",
    }
    return render(request, "notifications/list.html", context)


@login_required
@require_POST
def notification_read(request: AuthenticatedRequest, notification_id: Any) -> HttpResponse:
    """Mark one of one's notifications read (anybody else's is a 404); with `open`, go on to
    the page it links to."""
    notification = selectors.notification_get_for_user(user=request.user, id=notification_id)
    notification = services.notification_mark_read(actor=request.user, notification=notification)
    if request.POST.get("open") and url_has_allowed_host_and_scheme(
        notification.link, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.link)
    if request.htmx:
        response = render(
            request, "notifications/list.html#notification-row", {"notification": notification}
        )
        return trigger_client_event(response, CHANGED_EVENT)
    return redirect("notifications:notification-list")


@login_required
@require_POST
def notification_read_all(request: AuthenticatedRequest) -> HttpResponse:
    """Mark all of one's notifications read."""
    count = services.notification_mark_all_read(actor=request.user)
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked read.")
    return redirect_after_success(request, "notifications:notification-list")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: AuthenticatedRequest) -> HttpResponse:
    """Choose, per kind, whether to be told in the app, by email, in the daily digest, or not."""
    current = selectors.notification_preferences_for_user(user=request.user)
    form = PreferencesForm(request.POST or None, preferences=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.notification_preferences_set(actor=request.user, channels=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Notification preferences saved.")
            return redirect("notifications:preferences")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "nav": "notifications"}
    return render(request, "notifications/preferences.html", context, status=status)
