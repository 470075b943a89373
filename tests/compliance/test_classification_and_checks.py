"""Classification sets the tier and the checks; checks are reviewed by someone else; blocking
checks hold the gate; the crosswalk lets one piece of evidence serve several requirements."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from compliance import services
from compliance.classification import classify
from compliance.models import CheckEvidence, Classification, ComplianceCheck, Evidence
from compliance.selectors.checks import evidence_counting_for
from projects.lifecycle import gates
from projects.models import Project
from tests.compliance.checks_support import small_catalogue
from tests.helpers import event_count

pytestmark = pytest.mark.django_db

CV_SCREENING = {"role": "deployer", "annex_iii_area": "4"}
CHATBOT = {"role": "deployer", "interacts_with_people": True}
SPAM_FILTER = {"role": "deployer"}
SOCIAL_SCORING = {"role": "provider", "prohibited_practice": "social_scoring"}


@pytest.mark.parametrize(
    ("answers", "tier", "obligations"),
    [
        (CV_SCREENING, "high", []),
        (CHATBOT, "limited", ["transparency"]),
        (SPAM_FILTER, "minimal", []),
        (SOCIAL_SCORING, "prohibited", []),
        (
            {"role": "provider", "annex_iii_area": "4", "art_6_3_exception": "preparatory_task"},
            "minimal",
            [],
        ),
        (
            {
                "role": "provider",
                "annex_iii_area": "4",
                "art_6_3_exception": "preparatory_task",
                "profiling": True,
            },
            "high",
            [],
        ),
        ({"role": "provider", "annex_i_product": True, "gpai_model": True}, "high", ["gpai"]),
    ],
)
def test_the_questionnaire_gives_the_tier_worked_out_by_hand(answers, tier, obligations):
    outcome = classify(answers)
    assert (outcome.tier, outcome.obligations) == (tier, obligations)
    assert outcome.reasons


@pytest.mark.parametrize(
    ("answers", "question"),
    [
        ({**SOCIAL_SCORING, "expected_tier": "minimal"}, "expected_tier"),
        ({"role": "deployer", "art_6_3_exception": "preparatory_task"}, "art_6_3_exception"),
        ({"role": "deployer", "annex_iii_area": "9"}, "annex_iii_area"),
        ({"role": "owner"}, "role"),
        ({"annex_iii_area": "4"}, "role"),
        ({"role": "deployer", "interacts_with_people": "yes"}, "interacts_with_people"),
        ({"role": "deployer", "colour": "red"}, "colour"),
    ],
)
def test_contradictory_or_bad_answers_are_refused_and_nothing_is_recorded(
    project, compliance_officer, answers, question
):
    before = event_count()
    with pytest.raises(ValidationError) as error:
        services.classification_propose(
            actor=compliance_officer, project=project, answers=answers, rationale="Because."
        )
    assert question in " ".join(error.value.message_dict["answers"])
    assert not Classification.objects.exists()
    assert event_count() == before


def _classify(actor, project, answers, rationale="Read against Art. 6 and Annex III."):
    return services.classification_propose(
        actor=actor, project=project, answers=answers, rationale=rationale
    )


def refs(project) -> set[str]:
    return set(
        ComplianceCheck.objects.filter(project=project)
        .exclude(status="not_applicable")
        .values_list("requirement__ref", flat=True)
    )


def test_a_cv_screening_tool_is_high_risk_with_the_deployers_checks(
    project, compliance_officer, org
):
    small_catalogue(org)
    classification = _classify(compliance_officer, project, CV_SCREENING)
    project.refresh_from_db()
    assert classification.status == "confirmed"
    assert project.risk_tier == "high"
    assert refs(project) == {"Art. 4", "Art. 26", "A.6.2.4"}


def test_a_chatbot_gets_the_transparency_check(project, compliance_officer, org):
    small_catalogue(org)
    _classify(compliance_officer, project, CHATBOT)
    assert refs(project) == {"Art. 4", "Art. 50", "A.6.2.4"}


def test_a_managers_classification_waits_for_a_compliance_officer(
    project, manager, compliance_officer, org
):
    small_catalogue(org)
    proposed = _classify(manager, project, SPAM_FILTER)
    project.refresh_from_db()
    assert proposed.status == "proposed"
    assert project.risk_tier == "unassessed"
    assert not ComplianceCheck.objects.filter(requirement__framework__key="eu-ai-act").exists()
    with pytest.raises(PermissionDenied):
        services.classification_confirm(actor=manager, classification=proposed)
    services.classification_confirm(actor=compliance_officer, classification=proposed)
    project.refresh_from_db()
    assert project.risk_tier == "minimal"
    assert refs(project) == {"Art. 4", "A.6.2.4"}


def test_reclassifying_keeps_the_history_and_retires_checks_that_no_longer_apply(
    project, compliance_officer, org
):
    small_catalogue(org)
    _classify(compliance_officer, project, CV_SCREENING)
    _classify(compliance_officer, project, SPAM_FILTER, rationale="Screening was dropped.")
    assert list(
        Classification.objects.filter(project=project).values_list("number", "status", "tier")
    ) == [(2, "confirmed", "minimal"), (1, "superseded", "high")]
    art26 = ComplianceCheck.objects.get(project=project, requirement__ref="Art. 26")
    assert art26.status == "not_applicable"
    assert art26.justification == "No longer applies after classification v2."


def test_a_prohibited_project_cannot_leave_scope(project, compliance_officer, org):
    small_catalogue(org)
    _classify(compliance_officer, project, SOCIAL_SCORING)
    result = next(r for r in gates.evaluate(project) if r.key == "no_blocking_compliance_checks")
    assert not result.met
    assert "EU AI Act Art. 5" in result.detail


def _evidence(project, owner, title="Robustness test report") -> Evidence:
    return Evidence.objects.create(
        project=project,
        kind="url",
        url="https://wiki.example.com/robustness",
        title=title,
        owner=owner,
    )


def _attach(check, evidence, who):
    CheckEvidence.objects.create(compliance_check=check, evidence=evidence, attached_by=who)


@pytest.fixture
def high_risk_provider(project, compliance_officer, org):
    small_catalogue(org)
    _classify(compliance_officer, project, {"role": "provider", "annex_iii_area": "4"})
    Project.objects.filter(pk=project.pk).update(phase="select")
    project.refresh_from_db()
    return project


def test_claiming_met_needs_evidence_and_a_reviewer_who_did_not_provide_it(
    high_risk_provider, manager, compliance_officer, project_member
):
    project = high_risk_provider
    check = ComplianceCheck.objects.get(project=project, requirement__ref="Art. 15")
    with pytest.raises(ValidationError) as error:
        services.check_submit(actor=manager, check=check, claim="met")
    assert "Attach evidence" in str(error.value)
    evidence = _evidence(project, compliance_officer)
    _attach(check, evidence, manager)
    services.check_submit(actor=manager, check=check, claim="met")
    with pytest.raises(PermissionDenied) as refused:
        services.check_review(actor=compliance_officer, check=check, verdict="approve")
    assert "You provided evidence" in str(refused.value)
    reviewer = project_member(project, "reviewer")
    with pytest.raises(ValidationError) as unjudged:
        services.check_review(actor=reviewer, check=check, verdict="approve")
    assert "judge the evidence first" in str(unjudged.value)
    Evidence.objects.filter(pk=evidence.pk).update(status="accepted")
    reviewed = services.check_review(actor=reviewer, check=check, verdict="approve")
    assert reviewed.status == "met"
    assert reviewed.reviews.get().reviewer == reviewer


def test_not_applicable_needs_a_justification_and_a_rejection_a_comment(
    high_risk_provider, manager, compliance_officer
):
    check = ComplianceCheck.objects.get(project=high_risk_provider, requirement__ref="Art. 9")
    with pytest.raises(ValidationError) as error:
        services.check_submit(actor=manager, check=check, claim="not_applicable")
    assert "justification" in error.value.message_dict
    services.check_submit(
        actor=manager, check=check, claim="not_applicable", justification="We buy, not build."
    )
    with pytest.raises(ValidationError):
        services.check_review(actor=compliance_officer, check=check, verdict="reject")
    rejected = services.check_review(
        actor=compliance_officer,
        check=check,
        verdict="reject",
        comment="We are the provider: Art. 9 applies.",
    )
    assert rejected.status == "not_met"


def test_one_piece_of_evidence_serves_every_requirement_the_crosswalk_maps(
    high_risk_provider, manager
):
    project = high_risk_provider
    iso = ComplianceCheck.objects.get(project=project, requirement__ref="A.6.2.4")
    art15 = ComplianceCheck.objects.get(project=project, requirement__ref="Art. 15")
    art9 = ComplianceCheck.objects.get(project=project, requirement__ref="Art. 9")
    evidence = _evidence(project, manager)
    _attach(iso, evidence, manager)
    assert evidence_counting_for(iso) == [evidence]
    assert evidence_counting_for(art15) == [evidence]  # mapped: ISO A.6.2.4 ↔ Art. 15
    assert evidence_counting_for(art9) == []


def test_blocking_checks_hold_the_gate_until_they_are_met(
    high_risk_provider, manager, compliance_officer, project_member
):
    project = high_risk_provider
    result = next(r for r in gates.evaluate(project) if r.key == "no_blocking_compliance_checks")
    assert not result.met
    assert result.detail.startswith("2 blocking compliance check(s) open: EU AI Act Art. 9")
    reviewer = project_member(project, "reviewer")
    for ref in ("Art. 9", "Art. 15"):
        check = ComplianceCheck.objects.get(project=project, requirement__ref=ref)
        evidence = _evidence(project, manager, title=f"Evidence for {ref}")
        Evidence.objects.filter(pk=evidence.pk).update(status="accepted")
        _attach(check, evidence, manager)
        services.check_submit(actor=manager, check=check, claim="met")
        services.check_review(actor=reviewer, check=check, verdict="approve")
    result = next(r for r in gates.evaluate(project) if r.key == "no_blocking_compliance_checks")
    assert result.met


def test_the_owner_of_a_check_never_reviews_it(high_risk_provider, manager, compliance_officer):
    check = ComplianceCheck.objects.get(project=high_risk_provider, requirement__ref="Art. 9")
    services.check_update(actor=manager, check=check, owner=compliance_officer)
    services.check_submit(
        actor=manager, check=check, claim="not_applicable", justification="We buy, not build."
    )
    with pytest.raises(PermissionDenied) as refused:
        services.check_review(actor=compliance_officer, check=check, verdict="approve")
    assert "You own this check" in str(refused.value)
    assert ComplianceCheck.objects.get(pk=check.pk).status == "in_review"
