"""HTML pages of compliance: the organisation's audit trail."""

from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods

import audit.offline
from accounts.permissions import Perm, can, can_map
from accounts.selectors import current_organization, membership_list
from accounts.types import AuthenticatedRequest
from compliance.forms import AuditFilterForm
from compliance.selectors import audit_event_list_for_user
from compliance.services import audit_trail_export as export_lines
from core.htmx import render_htmx

PAGE_SIZE = 50
VERIFIER = Path(audit.offline.__file__).with_name("verify_export.py")


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


@login_required
@require_http_methods(["GET"])
def audit_trail_export(request: AuthenticatedRequest) -> HttpResponseBase:
    """The filtered trail (as the page shows it) as a signed JSON Lines file, oldest first;
    administrators and compliance officers. The offline verifier checks it."""
    org = current_organization(request)
    if org is None:
        return redirect("accounts:organization-create")
    if not can(request.user, Perm.AUDIT_VIEW_ORG, org):
        raise PermissionDenied
    people = [(str(m.user_id), "") for m in membership_list(user=request.user, organization=org)]
    form = AuditFilterForm(request.GET or None, people=people)
    if request.GET and not form.is_valid():
        return HttpResponse(
            "The filter is not valid: "
            + "; ".join(
                f"{name}: {' '.join(str(e) for e in errors)}"
                for name, errors in form.errors.items()
            ),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    filters = form.cleaned_data if request.GET else {}
    lines = export_lines(actor=request.user, organization=org, filters=filters)
    response = StreamingHttpResponse(lines, content_type="application/x-ndjson; charset=utf-8")
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="audit-{org.slug}-{day}.jsonl"'
    return response


@login_required
@require_http_methods(["GET"])
def audit_verifier(request: AuthenticatedRequest) -> FileResponse:
    """The stand-alone verifier script, for auditors to run on an export without Charter."""
    return FileResponse(
        VERIFIER.open("rb"),
        as_attachment=True,
        filename="verify_export.py",
        content_type="text/x-python; charset=utf-8",
    )
