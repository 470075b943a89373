"""The claims project's privacy record in the demo: a dataset of call notes with its full
inventory record (health data under an Art. 9(2) condition, a transfer under SCCs), and a
DPIA that its screening requires, written and submitted — in review, awaiting the DPO's
opinion and the two sign-offs. Through the services, like every demo record."""

from __future__ import annotations

from accounts.models import User
from compliance.models import DpiaVersion
from compliance.services.dpia import dpia_start, dpia_submit, dpia_update
from models_registry import services as registry_services
from projects import services as project_services
from projects.models import Project


def claims_privacy(project: Project, *, pm: User) -> DpiaVersion:
    calls = registry_services.dataset_create(
        actor=pm,
        project=project,
        name="Claim call notes 2025",
        source="Contact-centre CRM export",
        reference="s3://claims-ml/call-notes/2026-09-15/",
        licence="Internal",
        personal_data=True,
        lawful_basis="contract",
        retention="Deleted 24 months after the claim closes.",
        purpose="Evaluate routing on what policyholders say when they first call.",
        personal_data_categories=["identification", "contact", "contractual", "communications"],
        special_categories=["health"],
        special_category_condition="legal_claims",
        data_subjects=["customers"],
        transfers_outside_eea=True,
        transfer_countries="United States",
        transfer_safeguard="sccs",
        processors="Contact-centre CRM vendor\nLabelling contractor",
        description="4,200 call summaries typed by agents, names masked.",
    )
    risk = project_services.risk_create(
        actor=pm,
        project=project,
        title="Health details in call notes reach the model's answers",
        category="privacy",
        likelihood=2,
        impact=4,
        owner=pm,
    )
    dpia = dpia_start(actor=pm, project=project)
    dpia = dpia_update(
        actor=pm,
        dpia=dpia,
        criteria=["evaluation_scoring", "sensitive_data", "large_scale", "innovative_technology"],
        screening_notes="Claims are scored for routing on health and contract data at scale.",
        nature="A language model reads first notices of loss and call notes and proposes a team.",
        scope="All motor and household claims in DE, FR and NL: about 40,000 claims a year.",
        context="Policyholders expect people to handle their claim; handlers confirm routing.",
        purposes="Route each claim to the right team at first contact.",
        datasets=[calls.pk, *project.datasets.exclude(pk=calls.pk).values_list("pk", flat=True)],
        necessity="Routing needs the report's text; names and policy numbers are masked first.",
        risks=[risk.pk],
        risk_assessment="Health details could surface in answers; likelihood low, impact high.",
        mitigations="Masking before training, access by role, a handler confirms every route.",
    )
    return dpia_submit(actor=pm, dpia=dpia)
