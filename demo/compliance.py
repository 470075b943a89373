"""The demo's compliance picture: the three Demo Insurance projects classified under the EU
AI Act (the claims assistant high-risk as a precaution, the support chatbot with transparency
obligations, the underwriting summariser minimal), and the claims assistant's checks in
several states with real evidence files — all through the services."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from compliance import services
from compliance.models import ComplianceCheck
from projects.models import Project

NO = {
    "prohibited_practice": "none",
    "annex_i_product": False,
    "annex_iii_area": "",
    "art_6_3_exception": "none",
    "profiling": False,
    "interacts_with_people": False,
    "generates_synthetic_content": False,
    "emotion_or_biometric_categorisation": False,
    "deep_fake": False,
    "gpai_model": False,
}

LITERACY_CSV = b"""person,course,provider,completed_on
Priya Shah,Generative AI for claims handlers,Demo Insurance Academy,2026-10-14
Rosa Martinez,Generative AI for claims handlers,Demo Insurance Academy,2026-10-14
Dana Moreau,Generative AI for claims handlers,Demo Insurance Academy,2026-10-21
"""
DPIA_TXT = b"""Data protection impact assessment (summary): claims triage assistant

Processing: first notice of loss reports (free text) are routed to a handling team.
Personal data: policyholder identity and contact data, descriptions of damage and injury.
Lawful basis: performance of the insurance contract (GDPR Art. 6(1)(b)).
Risks: wrong routing delays a claim; health data in injury descriptions.
Measures: pseudonymisation before the model sees a report, human review of every routing,
EU-only processing, 12-month retention of prompts and outputs.
Residual risk: low. Approved by the data protection officer.
"""
OVERSIGHT_TXT = b"""Human oversight procedure: claims triage assistant

Every suggested routing is shown to a claims handler with its reasons; the handler accepts or
overrides it. Team leads review a weekly sample of 50 overrides. The assistant never closes,
approves or prices a claim.
"""


def _check(project: Project, framework: str, ref: str) -> ComplianceCheck:
    return ComplianceCheck.objects.get(
        project=project, requirement__framework__key=framework, requirement__ref=ref
    )


def _file(name: str, content: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def demo_classifications(
    *, claims: Project, support: Project, underwriting: Project, compliance: User
) -> None:
    services.classification_propose(
        actor=compliance,
        project=claims,
        answers=NO | {"role": "deployer", "annex_iii_area": "5", "expected_tier": "high"},
        rationale=(
            "Claims routing decides how fast people reach their insurance benefits: treated as "
            "Annex III point 5 as a precaution, with a handler reviewing every routing."
        ),
    )
    services.classification_propose(
        actor=compliance,
        project=support,
        answers=NO
        | {
            "role": "deployer",
            "interacts_with_people": True,
            "generates_synthetic_content": True,
            "expected_tier": "limited",
        },
        rationale="A chatbot answering policyholders: they must know they talk to an AI system.",
    )
    services.classification_propose(
        actor=compliance,
        project=underwriting,
        answers=NO | {"role": "deployer", "expected_tier": "minimal"},
        rationale="Internal summaries of commercial property files for underwriters.",
    )


def claims_evidence(project: Project, *, pm: User, compliance: User) -> None:
    """Checks in several states: met on accepted evidence, awaiting review with evidence not
    yet judged, in progress with an owner and a due date, and not applicable with a reason."""
    today = timezone.localdate()
    literacy = _check(project, "eu-ai-act", "Art. 4")
    training = services.evidence_add(
        actor=pm,
        project=project,
        kind="file",
        title="AI-literacy training attendance, October 2026",
        file=_file("ai-literacy-attendance.csv", LITERACY_CSV, "text/csv"),
        expires_on=today + timedelta(days=365),
        checks=[literacy],
    )
    services.evidence_judge(
        actor=compliance, evidence=training, verdict="accept", comment="Covers the team."
    )
    services.check_submit(actor=pm, check=literacy, claim="met")
    services.check_review(actor=compliance, check=literacy, verdict="approve")

    dpia = _check(project, "gdpr", "Art. 35")
    services.evidence_add(
        actor=pm,
        project=project,
        kind="file",
        title="DPIA summary signed by the DPO",
        file=_file("dpia-summary.txt", DPIA_TXT, "text/plain"),
        checks=[dpia],
    )
    services.check_submit(actor=pm, check=dpia, claim="met")  # awaiting the officer

    validation = _check(project, "iso-42001", "A.6.2.4")
    report = services.evidence_add(
        actor=pm,
        project=project,
        kind="url",
        title="Validation report of v2 on the 2026 hold-out",
        url="https://wiki.demo-insurance.example/claims-triage/validation-v2",
        checks=[validation],
    )
    services.evidence_judge(
        actor=compliance, evidence=report, verdict="accept", comment="Hold-out is representative."
    )
    services.check_submit(actor=pm, check=validation, claim="met")
    services.check_review(actor=compliance, check=validation, verdict="approve")

    oversight = _check(project, "eu-ai-act", "Art. 26")
    services.evidence_add(
        actor=pm,
        project=project,
        kind="file",
        title="Human oversight procedure, draft",
        file=_file("human-oversight.txt", OVERSIGHT_TXT, "text/plain"),
        checks=[oversight],
    )
    services.check_update(
        actor=pm,
        check=oversight,
        owner=pm,
        reviewer=compliance,
        due_date=today + timedelta(days=21),
        status="in_progress",
    )
