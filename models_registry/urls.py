from django.urls import path

from models_registry.views import catalogue, vendors

app_name = "models_registry"

C = "organizations/catalogue"
M = f"{C}/<uuid:model_id>"
V = "organizations/vendors"

urlpatterns = [
    # the organisation's catalogue
    path(f"{C}/", catalogue.catalogue_list, name="catalogue-list"),
    path(f"{C}/new/", catalogue.catalogue_create, name="catalogue-create"),
    path(f"{C}/import/", catalogue.catalogue_import, name="catalogue-import"),
    path(f"{C}/export/", catalogue.catalogue_export, name="catalogue-export"),
    path(f"{C}/settings/", catalogue.catalogue_settings, name="catalogue-settings"),
    path(f"{C}/settings/currency/", catalogue.catalogue_currency, name="catalogue-currency"),
    path(f"{M}/", catalogue.catalogue_detail, name="catalogue-detail"),
    path(f"{M}/edit/", catalogue.catalogue_edit, name="catalogue-edit"),
    path(f"{M}/delete/", catalogue.catalogue_delete, name="catalogue-delete"),
    # its vendors
    path(f"{V}/", vendors.vendor_list, name="vendor-list"),
    path(f"{V}/new/", vendors.vendor_create, name="vendor-create"),
    path(f"{V}/<uuid:vendor_id>/", vendors.vendor_detail, name="vendor-detail"),
    path(f"{V}/<uuid:vendor_id>/edit/", vendors.vendor_edit, name="vendor-edit"),
    path(f"{V}/<uuid:vendor_id>/assess/", vendors.vendor_assess, name="vendor-assess"),
]
