from django.urls import path

from models_registry.views import selection

app_name = "models_registry"

S = "projects/<uuid:project_id>/selection"

urlpatterns = [
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
]
