"""The compliance app's tables: the framework catalogue, classifications, checks, evidence and
the AI-literacy register, bias audits, DPIAs and the fact sheets published."""

from compliance.models.audit_exports import AuditExport
from compliance.models.bias_audits import BiasAudit
from compliance.models.catalogue import (
    Crosswalk,
    Framework,
    FrameworkDate,
    OrganizationFramework,
    Requirement,
)
from compliance.models.checks import CheckReview, ComplianceCheck
from compliance.models.classification import Classification
from compliance.models.dpia import DpiaApproval, DpiaVersion
from compliance.models.evidence import CheckEvidence, Evidence, TrainingRecord
from compliance.models.publications import FactSheetPublication
from compliance.models.subject_requests import DataSubjectRequest, RetentionRule

__all__ = [
    "AuditExport",
    "BiasAudit",
    "CheckEvidence",
    "CheckReview",
    "Classification",
    "ComplianceCheck",
    "Crosswalk",
    "DataSubjectRequest",
    "DpiaApproval",
    "DpiaVersion",
    "Evidence",
    "FactSheetPublication",
    "Framework",
    "FrameworkDate",
    "OrganizationFramework",
    "Requirement",
    "RetentionRule",
    "TrainingRecord",
]
