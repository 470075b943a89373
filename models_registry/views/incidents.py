"""The organisation's open incidents across the projects the user may see."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.selectors import current_organization
from accounts.types import AuthenticatedRequest
from models_registry.forms_operate import IncidentFilterForm
from models_registry.selectors.operate import open_incident_list_for_user

PAGE_SIZE = 25


@login_required
@require_http_methods(["GET"])
def incident_list(request: AuthenticatedRequest) -> HttpResponse:
    """Open and investigated incidents, most severe first; `?severity=` filters them."""
    org = current_organization(request)
    if org is None:
        return redirect("accounts:organization-create")
    form = IncidentFilterForm(request.GET or None)
    severity = form.cleaned_data.get("severity", "") if form.is_valid() else ""
    incidents = open_incident_list_for_user(user=request.user, organization=org, severity=severity)
    page = Paginator(incidents, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "nav": "dashboard",
        "form": form,
        "page": page,
        "organization": org,
        "query": query.urlencode(),
    }
    return render(request, "models_registry/incident_list.html", context)
