from django.urls import path, re_path

from compliance.views import (
    audit,
    bias_audits,
    catalogue,
    checks,
    dpia,
    evidence,
    literacy,
    privacy,
    public,
    retention,
    subject_requests,
    transparency,
    workspace,
)

app_name = "compliance"

P = "projects/<uuid:project_id>"

urlpatterns = [
    path("audit/", audit.audit_trail, name="audit-trail"),
    path("audit/export.jsonl", audit.audit_trail_export, name="audit-trail-export"),
    path("audit/export.csv", audit.audit_trail_export_csv, name="audit-trail-export-csv"),
    path("audit/export.pdf", audit.audit_trail_export_pdf_view, name="audit-trail-export-pdf"),
    path("audit/exports/", audit.audit_export_queue, name="audit-export-queue"),
    path(
        "audit/exports/<uuid:export_id>/download",
        audit.audit_export_download,
        name="audit-export-download",
    ),
    path("audit/verify_export.py", audit.audit_verifier, name="audit-verifier"),
    path("workspace/", workspace.workspace, name="workspace"),
    # data-subject requests
    path("privacy/requests/", subject_requests.subject_requests, name="subject-requests"),
    path(
        "privacy/requests/<uuid:subject_request_id>/",
        subject_requests.subject_request_detail,
        name="subject-request-detail",
    ),
    path(
        "privacy/requests/<uuid:subject_request_id>/erase/",
        subject_requests.subject_request_erase_view,
        name="subject-request-erase",
    ),
    path(
        "privacy/requests/<uuid:subject_request_id>/export/",
        subject_requests.subject_request_export_view,
        name="subject-request-export",
    ),
    path(
        "privacy/requests/<uuid:subject_request_id>/export.json",
        subject_requests.subject_request_export_json,
        name="subject-request-export-json",
    ),
    path("privacy/retention/", retention.retention, name="retention"),
    path(
        "privacy/retention/<uuid:rule_id>/erase/",
        retention.retention_erase_view,
        name="retention-erase",
    ),
    path(
        "privacy/retention/<uuid:rule_id>/remove/",
        retention.retention_rule_delete,
        name="retention-rule-remove",
    ),
    # start, complete, extend, refuse (after erase/ and export/, which it would match)
    path(
        "privacy/requests/<uuid:subject_request_id>/<slug:step>/",
        subject_requests.subject_request_step,
        name="subject-request-step",
    ),
    path("checks/", workspace.org_checks, name="org-checks"),
    # a project's classification and checks
    path(f"{P}/", checks.project_compliance, name="project-compliance"),
    path(f"{P}/classify/", checks.classify, name="classify"),
    path(
        f"{P}/classifications/<uuid:classification_id>/confirm/",
        checks.classification_confirm,
        name="classification-confirm",
    ),
    path(f"{P}/checks/<uuid:check_id>/", checks.check_detail, name="check-detail"),
    path(f"{P}/checks/<uuid:check_id>/submit/", checks.check_submit, name="check-submit"),
    path(f"{P}/checks/<uuid:check_id>/review/", checks.check_review, name="check-review"),
    # evidence and the AI-literacy register
    path(f"{P}/bias-audits/", bias_audits.bias_audits, name="bias-audits"),
    path(f"{P}/bias-audits/new/", bias_audits.bias_audit_new, name="bias-audit-new"),
    path(f"{P}/bias-audits/ad-hoc/", bias_audits.bias_audit_conduct_view, name="bias-audit-ad-hoc"),
    path(
        f"{P}/bias-audits/<uuid:audit_id>/conduct/",
        bias_audits.bias_audit_conduct_view,
        name="bias-audit-conduct",
    ),
    path(
        f"{P}/bias-audits/<uuid:audit_id>/sign-off/",
        bias_audits.bias_audit_sign,
        name="bias-audit-sign",
    ),
    # privacy: the data inventory and the DPIA
    path(f"{P}/privacy/", privacy.privacy, name="privacy"),
    path(
        f"{P}/privacy/inventory.csv",
        privacy.privacy_inventory_csv,
        name="privacy-inventory-csv",
    ),
    path(
        f"{P}/privacy/datasets/<uuid:dataset_id>/",
        privacy.privacy_dataset_edit,
        name="privacy-dataset-edit",
    ),
    path(f"{P}/privacy/dpia/", dpia.dpia_current, name="dpia"),
    path(f"{P}/privacy/dpia/start/", dpia.dpia_start, name="dpia-start"),
    path(f"{P}/privacy/dpia/<uuid:dpia_id>/", dpia.dpia_version, name="dpia-version"),
    path(f"{P}/privacy/dpia/<uuid:dpia_id>/edit/", dpia.dpia_edit, name="dpia-edit"),
    path(f"{P}/privacy/dpia/<uuid:dpia_id>/submit/", dpia.dpia_submit, name="dpia-submit"),
    path(f"{P}/privacy/dpia/<uuid:dpia_id>/reopen/", dpia.dpia_reopen, name="dpia-reopen"),
    path(f"{P}/privacy/dpia/<uuid:dpia_id>/opinion/", dpia.dpia_opinion, name="dpia-opinion"),
    path(f"{P}/privacy/dpia/<uuid:dpia_id>/sign/", dpia.dpia_sign, name="dpia-sign"),
    # the transparency documents, and the fact sheet's public page
    path(f"{P}/transparency/", transparency.transparency, name="transparency"),
    path(f"{P}/transparency/annex-iv.pdf", transparency.annex_iv_pdf, name="annex-iv-pdf"),
    path(f"{P}/transparency/fact-sheet.pdf", transparency.fact_sheet_pdf, name="fact-sheet-pdf"),
    path(f"{P}/transparency/notice.pdf", transparency.notice_pdf, name="notice-pdf"),
    path(f"{P}/transparency/publish/", transparency.publish, name="fact-sheet-publish"),
    path(f"{P}/transparency/unpublish/", transparency.unpublish, name="fact-sheet-unpublish"),
    path(f"{P}/evidence/", evidence.evidence_list, name="evidence-list"),
    path(f"{P}/evidence/add/", evidence.evidence_add, name="evidence-add"),
    path(f"{P}/evidence/<uuid:evidence_id>/", evidence.evidence_detail, name="evidence-detail"),
    path(f"{P}/evidence/<uuid:evidence_id>/judge/", evidence.evidence_judge, name="evidence-judge"),
    path(
        f"{P}/evidence/<uuid:evidence_id>/download/",
        evidence.evidence_download,
        name="evidence-download",
    ),
    path(
        f"{P}/checks/<uuid:check_id>/evidence/attach/",
        evidence.check_evidence_attach,
        name="check-evidence-attach",
    ),
    path(
        f"{P}/checks/<uuid:check_id>/evidence/<uuid:evidence_id>/detach/",
        evidence.check_evidence_detach,
        name="check-evidence-detach",
    ),
    path("literacy/", literacy.training_list, name="training-list"),
    path("literacy/<uuid:record_id>/", literacy.training_edit, name="training-edit"),
    path("literacy/<uuid:record_id>/delete/", literacy.training_delete, name="training-delete"),
    # the framework catalogue, and the frameworks the organisation follows
    path("frameworks/", catalogue.catalogue, name="catalogue"),
    path("frameworks/<uuid:framework_id>/", catalogue.framework_detail, name="framework-detail"),
    path(
        "frameworks/<uuid:framework_id>/follow/",
        catalogue.framework_follow_toggle,
        name="framework-follow",
    ),
    path(
        "requirements/<uuid:requirement_id>/",
        catalogue.requirement_detail,
        name="requirement-detail",
    ),
]

# The public pages, mounted by config/urls.py under transparency/ as "compliance-public":
# a project's published fact sheet under its publication's opaque id, for anyone.
public_urlpatterns = [
    re_path(r"^(?P<public_id>[A-Za-z0-9_-]{16,64})/$", public.fact_sheet_page, name="fact-sheet"),
]
