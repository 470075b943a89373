"""The organisation's model catalogue: list with filters, detail, add, edit, delete, import
and export, and its settings (currency and exchange rates)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Organization
from accounts.permissions import Perm, can, require
from accounts.selectors import current_organization
from accounts.types import AuthenticatedRequest
from core.errors import ConflictError
from core.forms import add_service_errors
from core.htmx import render_htmx
from models_registry import catalogue_io, selectors, services
from models_registry.forms import (
    CatalogueFilterForm,
    CatalogueImportForm,
    CatalogueModelForm,
    CurrencyForm,
    ExchangeRateForm,
)
from models_registry.models import MODALITIES

PAGE_SIZE = 50


def current_org(request: AuthenticatedRequest) -> Organization:
    org = current_organization(request)
    if org is None:
        raise Http404
    return org


def _vendors(request: AuthenticatedRequest, org: Organization) -> list[tuple[str, str]]:
    return selectors.vendor_choices(user=request.user, organization=org)


def _model_fields(request: AuthenticatedRequest, form: CatalogueModelForm) -> dict[str, Any]:
    """The form's values as the service takes them: the vendor as a row, not an id."""
    data = {k: v for k, v in form.cleaned_data.items() if k != "version_counter"}
    vendor_id = data.pop("vendor")
    data["vendor"] = (
        selectors.vendor_get_for_user(user=request.user, id=vendor_id) if vendor_id else None
    )
    return data


def _list_page(
    request: AuthenticatedRequest,
    org: Organization,
    *,
    import_form: CatalogueImportForm | None = None,
    import_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    providers = selectors.catalogue_providers(user=request.user, organization=org)
    filters_form = CatalogueFilterForm(request.GET or None, providers=providers)
    filters = filters_form.cleaned_data if filters_form.is_valid() else {}
    models = selectors.catalogue_model_list(user=request.user, organization=org, filters=filters)
    page = Paginator(models, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "organization": org,
        "page": page,
        "filters_form": filters_form,
        "query": query.urlencode(),
        "can_manage": can(request.user, Perm.CATALOGUE_MANAGE, org),
        "import_form": import_form or CatalogueImportForm(),
        "import_errors": import_errors or [],
        "modality_labels": MODALITIES,
        "nav": "catalogue",
    }
    return render_htmx(
        request,
        "models_registry/catalogue_list.html",
        context,
        partial="catalogue-table",
        target="catalogue-table",
        status=status,
    )


@login_required
@require_GET
def catalogue_list(request: AuthenticatedRequest) -> HttpResponse:
    """The current organisation's catalogue; the filters swap the table (htmx)."""
    return _list_page(request, current_org(request))


@login_required
@require_http_methods(["GET", "POST"])
def catalogue_create(request: AuthenticatedRequest) -> HttpResponse:
    org = current_org(request)
    require(request.user, Perm.CATALOGUE_MANAGE, org)
    form = CatalogueModelForm(request.POST or None, vendors=_vendors(request, org))
    if request.method == "POST" and form.is_valid():
        try:
            model = services.catalogue_model_create(
                actor=request.user, organization=org, **_model_fields(request, form)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{model.label} added to the catalogue.")
            return redirect("models_registry:catalogue-detail", model.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "organization": org, "nav": "catalogue"}
    return render(request, "models_registry/catalogue_form.html", context, status=status)


@login_required
@require_GET
def catalogue_detail(request: AuthenticatedRequest, model_id: Any) -> HttpResponse:
    model = selectors.catalogue_model_get_for_user(user=request.user, id=model_id)
    context = {
        "model": model,
        "organization": model.organization,
        "candidates": selectors.catalogue_model_candidates(user=request.user, model=model),
        "modality_labels": MODALITIES,
        "can_manage": can(request.user, Perm.CATALOGUE_MANAGE, model),
        "nav": "catalogue",
    }
    return render(request, "models_registry/catalogue_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def catalogue_edit(request: AuthenticatedRequest, model_id: Any) -> HttpResponse:
    """Edit a model; the hidden version refuses an edit made from a stale page (409)."""
    model = selectors.catalogue_model_get_for_user(
        user=request.user, id=model_id, perm=Perm.CATALOGUE_MANAGE
    )
    initial = {name: getattr(model, name) for name in CatalogueModelForm.base_fields} | {
        "vendor": str(model.vendor_id or "")
    }
    form = CatalogueModelForm(
        request.POST or None,
        initial=initial,
        vendors=_vendors(request, model.organization),
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.catalogue_model_update(
                    actor=request.user,
                    model=model,
                    expected_version=form.cleaned_data.get("version_counter") or 0,
                    **_model_fields(request, form),
                )
            except ConflictError as error:
                form.add_error(None, error.message)
                status = 409
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"{model.label} saved.")
                return redirect("models_registry:catalogue-detail", model.pk)
    context = {"form": form, "model": model, "organization": model.organization, "nav": "catalogue"}
    return render(request, "models_registry/catalogue_form.html", context, status=status)


@login_required
@require_POST
def catalogue_delete(request: AuthenticatedRequest, model_id: Any) -> HttpResponse:
    model = selectors.catalogue_model_get_for_user(
        user=request.user, id=model_id, perm=Perm.CATALOGUE_MANAGE
    )
    try:
        services.catalogue_model_delete(actor=request.user, model=model)
    except ConflictError as error:
        messages.error(request, error.message)
        return redirect("models_registry:catalogue-detail", model.pk)
    messages.success(request, f"{model.label} removed from the catalogue.")
    return redirect("models_registry:catalogue-list")


@login_required
@require_POST
def catalogue_import(request: AuthenticatedRequest) -> HttpResponse:
    """Import a file, or the shipped starter catalogue (`starter` in the form)."""
    org = current_org(request)
    require(request.user, Perm.CATALOGUE_MANAGE, org)
    form = CatalogueImportForm(request.POST, request.FILES)
    try:
        if "starter" in request.POST:
            form = CatalogueImportForm()
            result = services.catalogue_import_starter(actor=request.user, organization=org)
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > catalogue_io.MAX_FILE_BYTES:
                raise ValidationError({"file": [catalogue_io.TOO_BIG]})
            result = services.catalogue_import(
                actor=request.user,
                organization=org,
                content=upload.read(),
                file_format=form.file_format(),
            )
        else:
            return _list_page(request, org, import_form=form, status=400)
    except ValidationError as error:
        lines = error.message_dict.get("file", error.messages)
        return _list_page(request, org, import_form=form, import_errors=lines, status=400)
    messages.success(
        request,
        f"Imported {result.total} models: {result.created} added, {result.updated} updated, "
        f"{result.unchanged} unchanged"
        + (f"; {result.vendors_created} vendors added" if result.vendors_created else "")
        + ".",
    )
    return redirect("models_registry:catalogue-list")


@login_required
@require_GET
def catalogue_export(request: AuthenticatedRequest) -> HttpResponse:
    """The whole catalogue as JSON (default) or CSV (`?format=csv`)."""
    org = current_org(request)
    file_format = "csv" if request.GET.get("format") == "csv" else "json"
    body = selectors.catalogue_export(user=request.user, organization=org, file_format=file_format)
    content_type = "text/csv" if file_format == "csv" else "application/json"
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="catalogue-{org.slug}-{stamp}.{file_format}"'
    )
    return response


# --- settings: currency and exchange rates -----------------------------------------------------


def _settings_page(
    request: AuthenticatedRequest,
    org: Organization,
    *,
    rate_form: ExchangeRateForm | None = None,
    currency_form: CurrencyForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "organization": org,
        "rates": selectors.exchange_rate_list(user=request.user, organization=org),
        "rate_form": rate_form or ExchangeRateForm(initial={"as_of": timezone.localdate()}),
        "currency_form": currency_form or CurrencyForm(initial={"currency": org.currency}),
        "can_change_currency": can(request.user, Perm.ORG_MANAGE, org),
        "nav": "catalogue",
    }
    return render(request, "models_registry/catalogue_settings.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def catalogue_settings(request: AuthenticatedRequest) -> HttpResponse:
    """The organisation's currency and exchange rates; a POST sets a rate."""
    org = current_org(request)
    require(request.user, Perm.CATALOGUE_MANAGE, org)
    if request.method == "GET":
        return _settings_page(request, org)
    form = ExchangeRateForm(request.POST)
    if form.is_valid():
        try:
            rate = services.exchange_rate_set(
                actor=request.user, organization=org, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Rate saved: {rate}.")
            return redirect("models_registry:catalogue-settings")
    return _settings_page(request, org, rate_form=form, status=400)


@login_required
@require_POST
def catalogue_currency(request: AuthenticatedRequest) -> HttpResponse:
    org = current_org(request)
    require(request.user, Perm.ORG_MANAGE, org)
    form = CurrencyForm(request.POST)
    if form.is_valid():
        try:
            org = services.organization_currency_set(
                actor=request.user, organization=org, currency=form.cleaned_data["currency"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Costs are now shown in {org.currency}.")
            return redirect("models_registry:catalogue-settings")
    return _settings_page(request, org, currency_form=form, status=400)
