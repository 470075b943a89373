"""Rows for the privacy tests: the GDPR's Art. 35 requirement followed by the organisation
(so the project has its check), a dataset with personal data, a risk of the register, and a
DPIA built through the services up to the state a test needs."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from accounts.permissions import SYSTEM
from compliance.models import ComplianceCheck, DpiaVersion, OrganizationFramework
from compliance.services import checks_sync
from compliance.services.dpia import dpia_start, dpia_submit, dpia_update
from models_registry import services as registry_services
from models_registry.models import Dataset
from projects import services as project_services
from projects.models import Project, Risk
from tests.compliance.checks_support import framework, requirement

REQUIRED = {
    "art35_cases": [],
    "criteria": ["evaluation_scoring", "sensitive_data"],
    "nature": "Claims notes are read by a language model that suggests a team.",
    "scope": "All motor and household claims, about 40 000 a year.",
    "context": "Policyholders expect their claim to be read by people.",
    "purposes": "Route each claim to the right team faster.",
    "necessity": "Routing needs the claim's text; names are masked before training.",
    "risk_assessment": "Health details in notes could leak through the model's answers.",
    "mitigations": "Masking, access control, a human confirms every routing.",
}


def art35_check(project: Project) -> ComplianceCheck:
    """The organisation follows the GDPR (only its Art. 35 here): the project's check."""
    gdpr = framework("gdpr", "GDPR")
    requirement(gdpr, "Art. 35", title="Data protection impact assessment", phase="adapt")
    OrganizationFramework.objects.get_or_create(organization=project.organization, framework=gdpr)
    checks_sync(actor=SYSTEM, project=project, reason="test")
    return ComplianceCheck.objects.get(project=project, requirement__ref="Art. 35")


def personal_dataset(project: Project, actor: User, name: str = "Claims notes") -> Dataset:
    return registry_services.dataset_create(
        actor=actor,
        project=project,
        name=name,
        source="Claims system",
        licence="Internal",
        personal_data=True,
        lawful_basis="contract",
        retention="12 months after the claim closes",
        purpose="Train the router.",
        personal_data_categories=["identification", "contractual"],
        special_categories=["health"],
        special_category_condition="legal_claims",
        data_subjects=["customers"],
    )


def privacy_risk(project: Project, actor: User, title: str = "Leak of health data") -> Risk:
    return project_services.risk_create(
        actor=actor, project=project, title=title, category="privacy", likelihood=2, impact=4
    )


def dpia_draft(project: Project, actor: User, **fields: Any) -> DpiaVersion:
    dpia = dpia_start(actor=actor, project=project)
    return dpia_update(actor=actor, dpia=dpia, **(REQUIRED | fields))


def dpia_in_review(project: Project, actor: User, **fields: Any) -> DpiaVersion:
    return dpia_submit(actor=actor, dpia=dpia_draft(project, actor, **fields))
