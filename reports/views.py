"""The reports page of an organisation: its schedules, its reports with their files and
SHA-256, a form to add a schedule, and "generate now"; administrators and compliance
officers only."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Organization
from accounts.permissions import Perm
from accounts.selectors import organization_get_for_user
from accounts.types import AuthenticatedRequest
from core.forms import add_service_errors, error_text
from core.htmx import redirect_after_success, render_htmx
from core.pdf import PdfUnavailableError
from reports import selectors, services
from reports.downloads import report_download
from reports.forms import ReportScheduleForm

PAGE_SIZE = 100


def _organization(request: AuthenticatedRequest, org_id: Any) -> Organization:
    return organization_get_for_user(user=request.user, id=org_id, perm=selectors.READ)


@login_required
@require_http_methods(["GET", "POST"])
def report_list(request: AuthenticatedRequest, org_id: Any) -> HttpResponse:
    """Schedules, the latest reports, and the form to add a schedule."""
    org = _organization(request, org_id)
    form = ReportScheduleForm(
        request.POST or None,
        organization=org,
        initial={"time_zone": request.user.time_zone or "UTC"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.report_schedule_create(
                actor=request.user, organization=org, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Report schedule added.")
            return redirect_after_success(request, "reports:report-list", org.pk)
    context = {
        "organization": org,
        "schedules": selectors.report_schedule_list_for_user(user=request.user, organization=org),
        "reports": selectors.report_list_for_user(user=request.user, organization=org)[:PAGE_SIZE],
        "form": form,
        "may_manage": selectors.may_manage_reports(request.user, org),
        "nav": "reports",
    }
    status = 400 if request.method == "POST" else 200
    return render_htmx(
        request,
        "reports/reports.html",
        context,
        partial="schedule-form",
        target="schedule-form",
        status=status,
    )


@login_required
@require_http_methods(["GET"])
def report_detail(request: AuthenticatedRequest, org_id: Any, report_id: Any) -> HttpResponse:
    """One report: its period, figures, files and their SHA-256 (where its email links)."""
    org = _organization(request, org_id)
    report = selectors.report_get_for_user(user=request.user, id=report_id)
    if report.organization_id != org.pk:
        raise Http404
    context = {"organization": org, "report": report, "nav": "reports"}
    return render_htmx(request, "reports/report_detail.html", context, partial="report")


@login_required
@require_http_methods(["GET"])
def report_file_download(
    request: AuthenticatedRequest, org_id: Any, report_id: Any, kind: str
) -> FileResponse:
    """The report's PDF or CSV as an attachment."""
    org = _organization(request, org_id)
    report = selectors.report_get_for_user(user=request.user, id=report_id)
    if report.organization_id != org.pk:
        raise Http404
    return report_download(report, kind)


def _schedule(request: AuthenticatedRequest, org_id: Any, schedule_id: Any) -> Any:
    org = _organization(request, org_id)
    schedule = selectors.report_schedule_get_for_user(
        user=request.user, id=schedule_id, perm=Perm.COMPLIANCE_MANAGE
    )
    if schedule.organization_id != org.pk:
        raise Http404
    return schedule


@login_required
@require_POST
def schedule_generate(request: AuthenticatedRequest, org_id: Any, schedule_id: Any) -> HttpResponse:
    """Generate the schedule's report of its last ended period (or show the one made)."""
    schedule = _schedule(request, org_id, schedule_id)
    try:
        report, created = services.report_generate_last_period(
            actor=request.user, schedule=schedule
        )
    except (ValidationError, PdfUnavailableError) as error:
        messages.error(request, error_text(error))
        return redirect_after_success(request, "reports:report-list", schedule.organization_id)
    if created:
        messages.success(request, "Report generated; the compliance officers are emailed.")
    else:
        messages.info(request, "This period's report was already made: here it is.")
    return redirect_after_success(
        request, "reports:report-detail", schedule.organization_id, report.pk
    )


@login_required
@require_POST
def schedule_toggle(request: AuthenticatedRequest, org_id: Any, schedule_id: Any) -> HttpResponse:
    """Switch a schedule off (its reports stay) or on again."""
    schedule = _schedule(request, org_id, schedule_id)
    services.report_schedule_update(
        actor=request.user, schedule=schedule, is_enabled=not schedule.is_enabled
    )
    messages.success(request, "Schedule switched " + ("off." if schedule.is_enabled else "on."))
    return redirect_after_success(request, "reports:report-list", schedule.organization_id)
