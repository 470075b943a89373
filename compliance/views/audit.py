"""HTML pages of compliance: the organisation's audit trail."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from accounts.permissions import can_map
from accounts.selectors import current_organization, membership_list
from accounts.types import AuthenticatedRequest
from compliance.forms import AuditFilterForm
from compliance.selectors import audit_event_list_for_user
from core.htmx import render_htmx

PAGE_SIZE = 50


@login_required
@require_http_methods(["GET"])
def audit_trail(request: AuthenticatedRequest) -> HttpResponse:
    """The current organisation's trail as far as the user may read it, newest first.

    Administrators and compliance officers read all of it; others read the events of the
    projects they can see. Filters update the table through htmx or as a plain GET form.
    """
    org = current_organization(request)
    if org is None:
        return redirect("accounts:organization-create")
    people = [
        (str(m.user_id), m.user.display_name)
        for m in membership_list(user=request.user, organization=org)
    ]
    form = AuditFilterForm(request.GET or None, people=people)
    # Bad filter values (an unknown person, an overlong action) filter nothing: the form
    # shows the error and the whole trail stays listed.
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_event_list_for_user(user=request.user, organization=org, filters=filters)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "organization": org,
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can": can_map(request.user, org),
        "nav": "audit",
    }
    return render_htmx(
        request, "compliance/audit_trail.html", context, partial="audit-table", target="audit-table"
    )
