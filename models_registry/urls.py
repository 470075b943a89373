from django.urls import path

from models_registry.views import (
    adapt,
    catalogue,
    experiments,
    imports,
    incidents,
    operate,
    selection,
    vendors,
)

app_name = "models_registry"

C = "organizations/catalogue"
M = f"{C}/<uuid:model_id>"
V = "organizations/vendors"
S = "projects/<uuid:project_id>/selection"
A = "projects/<uuid:project_id>/adapt"
OP = "projects/<uuid:project_id>/operate"

urlpatterns = [
    path("incidents/", incidents.incident_list, name="incident-list"),
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
    # a project's Select tab
    path(f"{S}/", selection.selection_page, name="selection"),
    path(f"{S}/criteria/new/", selection.criterion_create, name="criterion-create"),
    path(f"{S}/criteria/<uuid:criterion_id>/", selection.criterion_edit, name="criterion-edit"),
    path(
        f"{S}/criteria/<uuid:criterion_id>/delete/",
        selection.criterion_delete,
        name="criterion-delete",
    ),
    path(f"{S}/candidates/new/", selection.candidate_create, name="candidate-create"),
    path(f"{S}/candidates/<uuid:candidate_id>/", selection.candidate_edit, name="candidate-edit"),
    path(
        f"{S}/candidates/<uuid:candidate_id>/delete/",
        selection.candidate_delete,
        name="candidate-delete",
    ),
    path(f"{S}/workload/", selection.workload_edit, name="workload-edit"),
    path(f"{S}/my-scores/", selection.score_sheet, name="score-sheet"),
    path(f"{S}/my-scores/abstain/", selection.sheet_abstain, name="sheet-abstain"),
    path(f"{S}/matrix/", selection.matrix_page, name="matrix"),
    path(f"{S}/decisions/new/", selection.decision_new, name="decision-new"),
    path(f"{S}/decisions/<uuid:decision_id>/", selection.decision_detail, name="decision-detail"),
    path(
        f"{S}/decisions/<uuid:decision_id>/sign/",
        selection.decision_sign,
        name="decision-sign",
    ),
    # a project's Adapt & align tab
    path(f"{A}/", adapt.adapt_page, name="adapt"),
    path(f"{A}/versions/base/", adapt.base_version_create, name="base-version-create"),
    path(f"{A}/versions/new/", adapt.version_create, name="version-create"),
    path(f"{A}/versions/<uuid:version_id>/card/", adapt.model_card, name="model-card"),
    path(
        f"{A}/versions/<uuid:version_id>/card.md",
        adapt.model_card_markdown,
        name="model-card-markdown",
    ),
    path(f"{A}/versions/<uuid:version_id>/card.pdf", adapt.model_card_pdf, name="model-card-pdf"),
    path(f"{A}/prompts/new/", adapt.prompt_create, name="prompt-create"),
    path(f"{A}/prompts/<uuid:template_id>/", adapt.prompt_detail, name="prompt-detail"),
    path(f"{A}/datasets/new/", adapt.dataset_create, name="dataset-create"),
    path(f"{A}/runs/new/", adapt.run_create, name="run-create"),
    path(f"{A}/evaluations/new/", adapt.evaluation_create, name="evaluation-create"),
    path(f"{A}/feedback/new/", adapt.feedback_create, name="feedback-create"),
    path(f"{A}/feedback/<uuid:feedback_id>/triage/", adapt.feedback_triage, name="feedback-triage"),
    path(f"{A}/user-tests/new/", adapt.user_test_create, name="user-test-create"),
    path(
        f"{A}/evaluations/<uuid:evaluation_id>/",
        adapt.evaluation_detail,
        name="evaluation-detail",
    ),
    # Evaluations imported from where they live: a results file or log, an MLflow experiment.
    path(f"{A}/imports/results/", imports.results_import, name="results-import"),
    path(f"{A}/imports/mlflow/", imports.mlflow_import, name="mlflow-import"),
    # a project's Integrate & operate tab
    path(f"{OP}/", operate.operate_page, name="operate"),
    path(f"{OP}/deployments/new/", operate.deployment_create, name="deployment-create"),
    path(
        f"{OP}/deployments/<uuid:deployment_id>/<str:step>/",
        operate.deployment_step,
        name="deployment-step",
    ),
    path(
        f"{OP}/modifications/<uuid:flag_id>/assess/",
        operate.modification_assess,
        name="modification-assess",
    ),
    path(f"{OP}/incidents/new/", operate.incident_create, name="incident-create"),
    path(f"{OP}/incidents/<uuid:incident_id>/", operate.incident_detail, name="incident-detail"),
    path(
        f"{OP}/incidents/<uuid:incident_id>/<str:step>/",
        operate.incident_step,
        name="incident-step",
    ),
]

# Integrate & operate: A/B tests
OPERATE = "projects/<uuid:project_id>/operate"
urlpatterns += [
    path(f"{OPERATE}/ab-tests/", experiments.ab_test_list, name="ab-tests"),
    path(f"{OPERATE}/ab-tests/new/", experiments.ab_test_create, name="ab-test-create"),
    path(f"{OPERATE}/ab-tests/<uuid:test_id>/", experiments.ab_test_detail, name="ab-test-detail"),
    path(
        f"{OPERATE}/ab-tests/<uuid:test_id>/start/", experiments.ab_test_start, name="ab-test-start"
    ),
    path(
        f"{OPERATE}/ab-tests/<uuid:test_id>/results/",
        experiments.ab_test_results,
        name="ab-test-results",
    ),
    path(
        f"{OPERATE}/ab-tests/<uuid:test_id>/finish/",
        experiments.ab_test_finish,
        name="ab-test-finish",
    ),
    path(
        f"{OPERATE}/optimisations/new/",
        experiments.optimisation_create,
        name="optimisation-create",
    ),
]
