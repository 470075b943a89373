"""Every state change of compliance; one module per record kind, re-exported here."""

from compliance.services.audit_exports import (
    PdfTooLargeError,
    audit_export_build,
    audit_export_is_large,
    audit_export_request,
    audit_trail_export,
    audit_trail_export_pdf,
)
from compliance.services.checks import (
    applicable_requirements,
    check_review,
    check_submit,
    check_update,
    checks_sync,
)
from compliance.services.classification import classification_confirm, classification_propose
from compliance.services.evidence import (
    evidence_add,
    evidence_attach,
    evidence_detach,
    evidence_download_record,
    evidence_expire,
    evidence_expire_due,
    evidence_judge,
)
from compliance.services.training import (
    training_record_create,
    training_record_delete,
    training_record_update,
)

__all__ = [
    "PdfTooLargeError",
    "applicable_requirements",
    "audit_export_build",
    "audit_export_is_large",
    "audit_export_request",
    "audit_trail_export",
    "audit_trail_export_pdf",
    "check_review",
    "check_submit",
    "check_update",
    "checks_sync",
    "classification_confirm",
    "classification_propose",
    "evidence_add",
    "evidence_attach",
    "evidence_detach",
    "evidence_download_record",
    "evidence_expire",
    "evidence_expire_due",
    "evidence_judge",
    "training_record_create",
    "training_record_delete",
    "training_record_update",
]
