"""The portfolio dashboard, the home page after sign-in: every registered panel, in order."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.permissions import Perm, can
from accounts.selectors import current_organization
from accounts.types import AuthenticatedRequest
from projects.dashboard import panels
from projects.selectors.dashboard import dashboard_has_projects


@login_required
@require_http_methods(["GET"])
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    """The current organisation's portfolio as the user may see it; a new organisation gets
    a call to create its first project instead of empty panels."""
    org = current_organization(request)
    if org is None:
        return redirect("accounts:organization-create")
    has_projects = dashboard_has_projects(user=request.user, organization=org)
    context = {
        "nav": "dashboard",
        "organization": org,
        "has_projects": has_projects,
        "can_create": can(request.user, Perm.PROJECT_CREATE, org),
        "shown": panels.shown(user=request.user, organization=org) if has_projects else [],
    }
    return render(request, "projects/dashboard.html", context)
