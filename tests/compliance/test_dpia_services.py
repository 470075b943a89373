"""DPIA workflow (GDPR Art. 35): the computed screening, the draft → in review → signed off
states, the DPO's opinion, the two-person sign-off, versioning, and the Art. 35 check fed
through the evidence and check services."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.permissions import SAME_DPIA_SIGNER
from audit.models import AuditEvent
from audit.personal import unclassified_fields
from compliance.dpia_screening import dpia_required
from compliance.models import DpiaApproval, DpiaVersion, Evidence
from compliance.services import dpia as services
from core.errors import ConflictError
from tests.compliance.privacy_support import (
    REQUIRED,
    art35_check,
    dpia_draft,
    dpia_in_review,
    personal_dataset,
    privacy_risk,
)
from tests.factories import (
    OrganizationFactory,
    ProjectFactory,
    ProjectMembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _actions(dpia):
    return list(
        AuditEvent.objects.filter(target_id=str(dpia.pk))
        .order_by("occurred_at", "id")
        .values_list("action", flat=True)
    )


# --- screening ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cases", "criteria", "required"),
    [
        ([], [], False),
        ([], ["large_scale"], False),
        ([], ["large_scale", "sensitive_data"], True),
        ([], ["large_scale", "large_scale"], False),  # one criterion, counted once
        (["public_monitoring"], [], True),
    ],
)
def test_the_screening_counts_cases_and_criteria(cases, criteria, required):
    assert dpia_required(art35_cases=cases, criteria=criteria) is required


def test_the_result_is_computed_from_the_answers_and_audited(project, manager):
    dpia = services.dpia_start(actor=manager, project=project)
    assert dpia.is_required is False
    dpia = services.dpia_update(
        actor=manager, dpia=dpia, criteria=["large_scale", "matching_datasets"]
    )
    assert dpia.is_required is True
    event = AuditEvent.objects.filter(action="dpia_version.updated").latest("occurred_at")
    assert event.data["is_required"] == {"old": False, "new": True}
    with pytest.raises(ValidationError) as error:
        services.dpia_update(actor=manager, dpia=dpia, is_required=False)
    assert "is_required" in error.value.message_dict


def test_unknown_criteria_are_refused_and_nothing_changes(project, manager):
    dpia = services.dpia_start(actor=manager, project=project)
    with pytest.raises(ValidationError) as error:
        services.dpia_update(actor=manager, dpia=dpia, criteria=["gut_feeling"])
    assert "Unknown value(s): gut_feeling" in error.value.message_dict["criteria"][0]
    dpia.refresh_from_db()
    assert dpia.criteria == []
    assert dpia.revision == 1


# --- editing ------------------------------------------------------------------------------


def test_datasets_and_risks_of_the_project_are_linked(project, manager):
    dataset, risk = personal_dataset(project, manager), privacy_risk(project, manager)
    dpia = dpia_draft(project, manager, datasets=[dataset.pk], risks=[risk.pk])
    assert list(dpia.datasets.all()) == [dataset]
    assert list(dpia.risks.all()) == [risk]
    event = AuditEvent.objects.filter(action="dpia_version.updated").latest("occurred_at")
    assert event.data["risks"] == {"old": [], "new": [str(risk.pk)]}


def test_a_risk_of_another_project_is_not_found(project, manager, org):
    other = ProjectFactory(organization=org, owner=manager)
    ProjectMembershipFactory(project=other, user=manager, role="manager")
    foreign = privacy_risk(other, manager)
    dpia = dpia_draft(project, manager)
    with pytest.raises(ValidationError) as error:
        services.dpia_update(actor=manager, dpia=dpia, risks=[foreign.pk])
    assert error.value.message_dict["risks"] == [f"No such risk in this project: {foreign.pk}."]
    assert not dpia.risks.exists()


def test_a_stale_revision_is_a_conflict(project, manager):
    dpia = dpia_draft(project, manager)
    with pytest.raises(ConflictError) as error:
        services.dpia_update(actor=manager, dpia=dpia, revision=1, nature="Changed.")
    assert error.value.code == "stale_revision"
    dpia.refresh_from_db()
    assert dpia.nature == REQUIRED["nature"]


def test_viewers_and_compliance_officers_do_not_edit(project, project_member, compliance_officer):
    dpia = dpia_draft(project, project.owner)
    for person in (project_member(project, "viewer"), compliance_officer):
        with pytest.raises(PermissionDenied):
            services.dpia_update(actor=person, dpia=dpia, nature="Mine.")
    dpia.refresh_from_db()
    assert dpia.nature == REQUIRED["nature"]


# --- submission, opinion, sign-off ---------------------------------------------------------


def test_a_required_dpia_is_submitted_only_when_complete(project, manager):
    dpia = services.dpia_update(
        actor=manager,
        dpia=services.dpia_start(actor=manager, project=project),
        criteria=["large_scale", "sensitive_data"],
    )
    with pytest.raises(ValidationError) as error:
        services.dpia_submit(actor=manager, dpia=dpia)
    assert set(error.value.message_dict) == {*services.REQUIRED_PARTS, "risks"}
    dpia.refresh_from_db()
    assert dpia.status == "draft"


def test_a_not_required_screening_needs_its_reasoning(project, manager):
    dpia = services.dpia_start(actor=manager, project=project)
    with pytest.raises(ValidationError) as error:
        services.dpia_submit(actor=manager, dpia=dpia)
    assert error.value.message_dict == {"screening_notes": [services.NEEDS_REASONING]}


def test_a_submitted_version_is_not_edited(project, manager):
    dpia = dpia_in_review(project, manager)
    with pytest.raises(ConflictError) as error:
        services.dpia_update(actor=manager, dpia=dpia, nature="Later.")
    assert error.value.code == "dpia_frozen"


def test_only_a_compliance_officer_gives_the_dpo_opinion(project, manager, compliance_officer):
    dpia = dpia_in_review(project, manager)
    with pytest.raises(PermissionDenied):
        services.dpia_dpo_opinion_give(actor=manager, dpia=dpia, opinion="Fine.", advice="followed")
    with pytest.raises(ValidationError) as error:
        services.dpia_dpo_opinion_give(
            actor=compliance_officer, dpia=dpia, opinion="Mask more.", advice="not_followed"
        )
    assert error.value.message_dict == {"advice_reason": [services.EXPLAIN_NOT_FOLLOWED]}
    done = services.dpia_dpo_opinion_give(
        actor=compliance_officer, dpia=dpia, opinion="Proceed with masking.", advice="followed"
    )
    assert done.dpo_by == compliance_officer
    assert "dpia_version.dpo_opinion_given" in _actions(dpia)


def test_a_required_dpia_needs_the_opinion_before_a_sign_off(project, manager):
    dpia = dpia_in_review(project, manager)
    with pytest.raises(ConflictError) as error:
        services.dpia_sign_off(actor=manager, dpia=dpia, capacity="manager")
    assert error.value.code == "dpia_needs_opinion"
    assert not DpiaApproval.objects.exists()


def test_one_person_never_gives_both_sign_offs(project, compliance_officer):
    # A compliance officer who also manages the project holds both capacities' roles.
    officer_manager = compliance_officer
    ProjectMembershipFactory(project=project, user=officer_manager, role="manager")
    dpia = dpia_in_review(project, officer_manager)
    services.dpia_dpo_opinion_give(
        actor=compliance_officer, dpia=dpia, opinion="Proceed.", advice="followed"
    )
    services.dpia_sign_off(actor=officer_manager, dpia=dpia, capacity="manager")
    with pytest.raises(PermissionDenied) as error:
        services.dpia_sign_off(actor=officer_manager, dpia=dpia, capacity="compliance")
    assert str(error.value) == SAME_DPIA_SIGNER
    dpia.refresh_from_db()
    assert dpia.status == "in_review"
    assert DpiaApproval.objects.filter(dpia=dpia).count() == 1


def test_a_capacity_signs_once(project, manager, project_member, compliance_officer):
    dpia = dpia_in_review(project, manager)
    services.dpia_dpo_opinion_give(
        actor=compliance_officer, dpia=dpia, opinion="Proceed.", advice="followed"
    )
    services.dpia_sign_off(actor=manager, dpia=dpia, capacity="manager")
    second_manager = project_member(project, "manager")
    with pytest.raises(ConflictError) as error:
        services.dpia_sign_off(actor=second_manager, dpia=dpia, capacity="manager")
    assert error.value.code == "dpia_already_signed"


def _signed(project, manager, officer, **fields):
    dpia = dpia_in_review(project, manager, **fields)
    if dpia.is_required:
        services.dpia_dpo_opinion_give(
            actor=officer, dpia=dpia, opinion="Proceed with masking.", advice="followed"
        )
    services.dpia_sign_off(actor=manager, dpia=dpia, capacity="manager")
    return services.dpia_sign_off(actor=officer, dpia=dpia, capacity="compliance")


def test_the_second_sign_off_freezes_the_version_and_meets_the_art35_check(
    project, manager, compliance_officer
):
    check = art35_check(project)
    dpia = _signed(project, manager, compliance_officer)
    dpia.refresh_from_db()
    assert dpia.status == "signed_off"
    assert dpia.signed_off_at is not None
    check.refresh_from_db()
    assert check.status == "met"
    evidence = Evidence.objects.get(project=project)
    assert (evidence.kind, evidence.record_type, evidence.record_id) == (
        "record",
        "compliance.dpiaversion",
        dpia.pk,
    )
    assert evidence.status == "accepted"
    assert (evidence.owner, evidence.judged_by) == (manager, compliance_officer)
    assert list(evidence.checks.all()) == [check]
    signed_off = AuditEvent.objects.get(action="dpia_version.signed_off")
    assert signed_off.data["checks"] == {str(check.pk): "met"}
    assert signed_off.data["evidence"] == str(evidence.pk)
    for action in ("evidence.added", "evidence.attached", "evidence.accepted"):
        assert AuditEvent.objects.filter(action=action, target_id=str(evidence.pk)).exists()
    assert AuditEvent.objects.filter(
        action="compliance_check.approved", target_id=str(check.pk)
    ).exists()
    with pytest.raises(ConflictError):
        services.dpia_update(actor=manager, dpia=dpia, nature="After the fact.")


def test_a_reasoned_no_dpia_decision_makes_the_check_not_applicable(
    project, manager, compliance_officer
):
    check = art35_check(project)
    dpia = services.dpia_start(actor=manager, project=project)
    services.dpia_update(
        actor=manager,
        dpia=dpia,
        criteria=["innovative_technology"],
        screening_notes="Internal drafting aid; no personal data in prompts or outputs.",
    )
    services.dpia_submit(actor=manager, dpia=dpia)
    services.dpia_sign_off(actor=manager, dpia=dpia, capacity="manager")
    services.dpia_sign_off(actor=compliance_officer, dpia=dpia, capacity="compliance")
    check.refresh_from_db()
    assert check.status == "not_applicable"
    assert "1 of the nine WP248 criteria" in check.justification
    assert "no personal data in prompts" in check.justification
    assert Evidence.objects.get(project=project).title == "DPIA screening v1: no DPIA required"


def test_a_check_the_officer_owns_waits_for_another_reviewer(project, manager, compliance_officer):
    check = art35_check(project)
    check.owner = compliance_officer
    check.save(update_fields=["owner"])
    _signed(project, manager, compliance_officer)
    check.refresh_from_db()
    assert (check.status, check.claim) == ("in_review", "met")


def test_without_the_gdpr_followed_the_sign_off_still_keeps_its_evidence(
    project, manager, compliance_officer
):
    dpia = _signed(project, manager, compliance_officer)
    assert AuditEvent.objects.get(action="dpia_version.signed_off").data["checks"] == {}
    assert Evidence.objects.get(project=project).record_id == dpia.pk


# --- versions -----------------------------------------------------------------------------


def test_revising_a_signed_version_copies_it_forward(project, manager, compliance_officer):
    dataset, risk = personal_dataset(project, manager), privacy_risk(project, manager)
    first = _signed(project, manager, compliance_officer, datasets=[dataset.pk], risks=[risk.pk])
    second = services.dpia_start(actor=manager, project=project)
    assert (second.number, second.status, second.revised_from) == (2, "draft", first)
    assert second.nature == first.nature
    assert second.is_required is True
    assert list(second.risks.all()) == [risk]
    assert list(second.datasets.all()) == [dataset]
    assert second.dpo_opinion == ""
    assert not second.approvals.exists()
    services.dpia_update(actor=manager, dpia=second, mitigations="Stronger masking.")
    first.refresh_from_db()
    assert first.mitigations == REQUIRED["mitigations"]
    assert first.status == "signed_off"
    created = AuditEvent.objects.filter(action="dpia_version.created").latest("occurred_at")
    assert created.data == {"number": 2, "revised_from": str(first.pk)}


def test_a_second_open_version_is_a_conflict(project, manager):
    dpia_draft(project, manager)
    with pytest.raises(ConflictError) as error:
        services.dpia_start(actor=manager, project=project)
    assert error.value.code == "dpia_open"
    assert DpiaVersion.objects.filter(project=project).count() == 1


def test_reopening_drops_the_opinion_and_sign_offs(project, manager, compliance_officer):
    dpia = dpia_in_review(project, manager)
    services.dpia_dpo_opinion_give(
        actor=compliance_officer, dpia=dpia, opinion="Proceed.", advice="followed"
    )
    services.dpia_sign_off(actor=manager, dpia=dpia, capacity="manager")
    dpia = services.dpia_reopen(actor=manager, dpia=dpia, reason="New dataset.")
    assert (dpia.status, dpia.dpo_opinion, dpia.dpo_by) == ("draft", "", None)
    assert not dpia.approvals.exists()
    event = AuditEvent.objects.get(action="dpia_version.reopened")
    assert event.data["reason"] == "New dataset."
    assert len(event.data["dropped_sign_offs"]) == 1


def test_another_organisation_cannot_act(project, manager):
    dpia = dpia_draft(project, manager)
    stranger = UserFactory()
    OrganizationFactory().memberships.create(user=stranger, role="admin")
    with pytest.raises(PermissionDenied):
        services.dpia_update(actor=stranger, dpia=dpia, nature="Theirs.")


def test_every_text_field_of_the_dpia_models_is_classified_for_the_trail():
    assert unclassified_fields(DpiaVersion) == []
    assert unclassified_fields(DpiaApproval) == []


def test_the_opinion_is_fixed_once_a_sign_off_is_given(project, manager, compliance_officer):
    dpia = dpia_in_review(project, manager)
    services.dpia_dpo_opinion_give(
        actor=compliance_officer, dpia=dpia, opinion="Proceed.", advice="followed"
    )
    services.dpia_sign_off(actor=manager, dpia=dpia, capacity="manager")
    with pytest.raises(ConflictError) as error:
        services.dpia_dpo_opinion_give(
            actor=compliance_officer, dpia=dpia, opinion="Changed my mind.", advice="followed"
        )
    assert error.value.code == "dpia_opinion_fixed"
    dpia.refresh_from_db()
    assert dpia.dpo_opinion == "Proceed."


def test_a_signed_version_is_neither_submitted_nor_reopened(
    project, manager, compliance_officer, project_member
):
    dpia = _signed(project, manager, compliance_officer)
    with pytest.raises(ConflictError):
        services.dpia_submit(actor=manager, dpia=dpia)
    with pytest.raises(ConflictError):
        services.dpia_reopen(actor=manager, dpia=dpia)
    with pytest.raises(ConflictError):  # a manager who has not signed: the state refuses
        services.dpia_sign_off(
            actor=project_member(project, "manager"), dpia=dpia, capacity="manager"
        )
    dpia.refresh_from_db()
    assert dpia.status == "signed_off"
