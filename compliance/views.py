"""HTML pages of compliance: the organisation's audit trail."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.permissions import Perm, can
from accounts.selectors import current_organization
from compliance.selectors import audit_event_list_for_user


@login_required
@require_http_methods(["GET"])
def audit_trail(request: HttpRequest) -> HttpResponse:
    """The current organisation's trail as far as the user may read it, filterable."""
    org = current_organization(request)
    if org is None:
        return redirect("accounts:organization-create")
    filters = {
        "action": request.GET.get("action", "").strip()[:80],
        "actor": request.GET.get("actor", "").strip()[:254],
    }
    events = audit_event_list_for_user(user=request.user, organization=org, filters=filters)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in filters.items() if v})
    return render(
        request,
        "compliance/audit_trail.html",
        {
            "organization": org,
            "page": page,
            "filters": filters,
            "query": query,
            "org_wide": can(request.user, Perm.AUDIT_VIEW_ORG, org),
            "nav": "audit",
        },
    )
