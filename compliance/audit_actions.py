"""The audit actions compliance records (registered with audit in ComplianceConfig.ready)."""

from django.db import models


class ComplianceAction(models.TextChoices):
    # the audit trail read out
    AUDIT_TRAIL_EXPORTED = "audit_trail.exported"
    # the catalogue and the frameworks an organisation follows
    CATALOGUE_LOADED = "framework_catalogue.loaded"
    FRAMEWORK_ADOPTED = "organization_framework.adopted"
    FRAMEWORK_DROPPED = "organization_framework.dropped"
    # classification
    CLASSIFICATION_PROPOSED = "classification.proposed"
    CLASSIFICATION_CONFIRMED = "classification.confirmed"
    CLASSIFICATION_SUPERSEDED = "classification.superseded"
    # checks
    CHECKS_GENERATED = "compliance_check.generated"
    CHECK_UPDATED = "compliance_check.updated"
    CHECK_SUBMITTED = "compliance_check.submitted"
    CHECK_APPROVED = "compliance_check.approved"
    CHECK_REJECTED = "compliance_check.rejected"
    CHECK_NEEDS_REVIEW = "compliance_check.needs_review"
    # evidence
    EVIDENCE_ADDED = "evidence.added"
    EVIDENCE_ATTACHED = "evidence.attached"
    EVIDENCE_DETACHED = "evidence.detached"
    EVIDENCE_ACCEPTED = "evidence.accepted"
    EVIDENCE_REJECTED = "evidence.rejected"
    EVIDENCE_EXPIRED = "evidence.expired"
    EVIDENCE_DOWNLOADED = "evidence.downloaded"
    # AI literacy
    TRAINING_RECORDED = "training_record.recorded"
    TRAINING_UPDATED = "training_record.updated"
    TRAINING_DELETED = "training_record.deleted"
    # bias audits
    BIAS_AUDIT_SCHEDULED = "bias_audit.scheduled"
    BIAS_AUDIT_CONDUCTED = "bias_audit.conducted"
    BIAS_AUDIT_SIGNED_OFF = "bias_audit.signed_off"
    # data protection impact assessments
    DPIA_CREATED = "dpia_version.created"
    DPIA_UPDATED = "dpia_version.updated"
    DPIA_SUBMITTED = "dpia_version.submitted"
    DPIA_REOPENED = "dpia_version.reopened"
    DPIA_DPO_OPINION_GIVEN = "dpia_version.dpo_opinion_given"
    DPIA_SIGNED = "dpia_version.signed"
    DPIA_SIGNED_OFF = "dpia_version.signed_off"
    # the public fact sheet
    FACT_SHEET_PUBLISHED = "fact_sheet.published"
    FACT_SHEET_UNPUBLISHED = "fact_sheet.unpublished"
    # data-subject requests and retention (the events name people by id, never by value)
    SUBJECT_REQUEST_RECEIVED = "subject_request.received"
    SUBJECT_REQUEST_STARTED = "subject_request.started"
    SUBJECT_REQUEST_EXTENDED = "subject_request.extended"
    SUBJECT_REQUEST_COMPLETED = "subject_request.completed"
    SUBJECT_REQUEST_REFUSED = "subject_request.refused"
    SUBJECT_DATA_EXPORTED = "subject_data.exported"
    SUBJECT_DATA_ERASED = "subject_data.erased"
    RETENTION_RULE_SET = "retention_rule.set"
    RETENTION_RULE_REMOVED = "retention_rule.removed"
    RETENTION_ERASED = "retention.erased"
