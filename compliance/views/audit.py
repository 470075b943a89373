"""HTML pages of compliance: the organisation's audit trail, its exports and their verifier."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

import audit.offline
from accounts.models import Organization
from accounts.permissions import Perm, can, can_map, projects_visible_to
from accounts.selectors import current_organization, membership_list
from accounts.types import AuthenticatedRequest
from compliance.forms import AuditFilterForm
from compliance.models import AuditExport
from compliance.selectors import (
    audit_chain_status,
    audit_event_page_for_user,
    audit_export_get_for_user,
    audit_export_list_for_user,
)
from compliance.services import (
    PdfTooLargeError,
    audit_export_is_large,
    audit_export_request,
)
from compliance.services import audit_trail_export as export_lines
from compliance.services import audit_trail_export_pdf as export_pdf
from compliance.services.audit_exports import CONTENT_TYPES, audit_export_file
from core.htmx import render_htmx
from core.pdf import PdfUnavailableError

PAGE_SIZE = 50
RECENT_EXPORTS = 10
VERIFIER = Path(audit.offline.__file__).with_name("verify_export.py")
CURSORS = ("before", "after")


def _cursor(request: AuthenticatedRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and len(value) < 19 else None


def _form(request: AuthenticatedRequest, org: Organization, data: Any) -> AuditFilterForm:
    people = [
        (str(m.user_id), m.user.display_name)
        for m in membership_list(user=request.user, organization=org)
    ]
    projects = [
        (str(pk), name)
        for pk, name in projects_visible_to(request.user)
        .filter(organization=org)
        .order_by("name")
        .values_list("pk", "name")
    ]
    return AuditFilterForm(data or None, people=people, projects=projects)


def _filter_query(request: AuthenticatedRequest) -> str:
    query = request.GET.copy()
    for name in (*CURSORS, "page"):
        query.pop(name, None)
    return query.urlencode()


@login_required
@require_http_methods(["GET"])
def audit_trail(request: AuthenticatedRequest) -> HttpResponse:
    """The current organisation's trail as far as the user may read it, newest first, a page
    at a time by keyset (`before` / `after` a sequence number).

    Administrators and compliance officers read all of it, with the chain's status and the
    exports; others read the events of the projects they can see. Filters update the list
    through htmx or as a plain GET form.
    """
    org = current_organization(request)
    if org is None:
        return redirect("accounts:organization-create")
    form = _form(request, org, request.GET)
    # Bad filter values (an unknown person, a range ending before it starts) filter nothing:
    # the form shows the error and the whole trail stays listed.
    filters = form.cleaned_filters() if form.is_valid() else {}
    page = audit_event_page_for_user(
        user=request.user,
        organization=org,
        filters=filters,
        before=_cursor(request, "before"),
        after=_cursor(request, "after"),
        size=PAGE_SIZE,
    )
    whole = can(request.user, Perm.AUDIT_VIEW_ORG, org)
    exports = (
        list(audit_export_list_for_user(user=request.user, organization=org)[:RECENT_EXPORTS])
        if whole
        else []
    )
    context = {
        "organization": org,
        "form": form,
        "page": page,
        "query": _filter_query(request),
        "can": can_map(request.user, org),
        "status": audit_chain_status(organization=org) if whole else None,
        "exports": exports,
        # While one is queued or running, the list refreshes itself (htmx, every 5 s).
        "exports_pending": any(
            e.status in (AuditExport.Status.QUEUED, AuditExport.Status.RUNNING) for e in exports
        ),
        "is_large": whole
        and audit_export_is_large(actor=request.user, organization=org, filters=filters),
        "nav": "audit",
    }
    return render_htmx(
        request, "compliance/audit_trail.html", context, partial="audit-table", target="audit-table"
    )


def _bad_filter(form: AuditFilterForm) -> HttpResponse:
    return HttpResponse(
        "The filter is not valid: "
        + "; ".join(
            f"{name}: {' '.join(str(e) for e in errors)}" for name, errors in form.errors.items()
        ),
        status=400,
        content_type="text/plain; charset=utf-8",
    )


def _export_context(
    request: AuthenticatedRequest, data: Any
) -> tuple[Organization, AuditFilterForm] | HttpResponseBase:
    org = current_organization(request)
    if org is None:
        return redirect("accounts:organization-create")
    if not can(request.user, Perm.AUDIT_VIEW_ORG, org):
        raise PermissionDenied
    return org, _form(request, org, data)


def _filename(org: Organization, extension: str) -> str:
    return f"audit-{org.slug}-{timezone.localdate().isoformat()}.{extension}"


def _export(request: AuthenticatedRequest, fmt: str) -> HttpResponseBase:
    found = _export_context(request, request.GET)
    if isinstance(found, HttpResponseBase):
        return found
    org, form = found
    if request.GET and not form.is_valid():
        return _bad_filter(form)
    filters = form.cleaned_filters() if request.GET else {}
    disposition = f'attachment; filename="{_filename(org, fmt)}"'
    if fmt == "pdf":
        try:
            pdf = export_pdf(actor=request.user, organization=org, filters=filters)
        except PdfTooLargeError as error:
            return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
        except PdfUnavailableError as error:
            return HttpResponse(str(error), status=503, content_type="text/plain; charset=utf-8")
        response: HttpResponseBase = HttpResponse(pdf, content_type=CONTENT_TYPES["pdf"])
    else:
        lines = export_lines(actor=request.user, organization=org, filters=filters, format=fmt)
        response = StreamingHttpResponse(lines, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = disposition
    return response


@login_required
@require_http_methods(["GET"])
def audit_trail_export(request: AuthenticatedRequest) -> HttpResponseBase:
    """The filtered trail (as the page shows it) as a signed JSON Lines file, oldest first;
    administrators and compliance officers. The offline verifier checks it."""
    return _export(request, "jsonl")


@login_required
@require_http_methods(["GET"])
def audit_trail_export_csv(request: AuthenticatedRequest) -> HttpResponseBase:
    """The filtered trail as CSV (formulas neutralised), the signed manifest as its last row;
    the offline verifier checks it like the JSON Lines file."""
    return _export(request, "csv")


@login_required
@require_http_methods(["GET"])
def audit_trail_export_pdf_view(request: AuthenticatedRequest) -> HttpResponseBase:
    """The filtered trail as a PDF for reading, with the signed manifest printed at its end."""
    return _export(request, "pdf")


@login_required
@require_http_methods(["POST"])
def audit_export_queue(request: AuthenticatedRequest) -> HttpResponseBase:
    """Queue an export of the filtered view (POSTed filter fields and `format`) for a worker;
    back to the page, where the export is listed with its status."""
    found = _export_context(request, request.POST)
    if isinstance(found, HttpResponseBase):
        return found
    org, form = found
    fmt = request.POST.get("format", "")
    if fmt not in AuditExport.Format.values:
        return HttpResponse(
            "Choose a format: csv, jsonl or pdf.",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    if not form.is_valid():
        return _bad_filter(form)
    audit_export_request(
        actor=request.user, organization=org, filters=form.cleaned_filters(), format=fmt
    )
    query = request.POST.copy()
    for name in ("csrfmiddlewaretoken", "format"):
        query.pop(name, None)
    url = reverse("compliance:audit-trail")
    return redirect(f"{url}?{query.urlencode()}#exports" if query else f"{url}#exports")


@login_required
@require_http_methods(["GET"])
def audit_export_download(request: AuthenticatedRequest, export_id: Any) -> FileResponse:
    """A ready export's file; another organisation's export is not found (404)."""
    export = audit_export_get_for_user(user=request.user, id=export_id)
    if export.status != AuditExport.Status.READY:
        raise Http404("This export is not ready.")
    path = audit_export_file(export)
    if not path.is_file():
        raise Http404("This export's file is gone.")
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"audit-{export.organization.slug}-{export.created_at:%Y-%m-%d}-"
        f"{str(export.pk)[:8]}.{export.format}",
        content_type=CONTENT_TYPES[export.format],
    )


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
