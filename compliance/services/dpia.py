"""DPIAs (GDPR Art. 35): started or revised by the project's contributors, edited while a
draft, submitted for review, given the DPO's opinion by a compliance officer, and signed off
by the project's manager and a compliance officer — two people. The signed version feeds the
project's Art. 35 check through the evidence and check services: the manager's signature
provides the evidence, the compliance officer's judges it.

A state that no longer allows the action (an edit of a submitted or signed version, a
second open version, a sign-off given twice) is a ConflictError (409); a missing or wrong
field is a ValidationError (400).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.permissions import Perm, Rule, decide, require
from audit.writer import audit_record
from compliance.audit_actions import ComplianceAction as Action
from compliance.dpia_screening import dpia_required, screening_reason
from compliance.models import ComplianceCheck, DpiaApproval, DpiaVersion
from compliance.selectors.dpia import project_datasets_by_id, project_risks_by_id
from compliance.services.checks import check_review, check_submit
from compliance.services.evidence import evidence_add, evidence_judge
from core.errors import ConflictError
from core.services import model_update
from projects.models import Project

Status = DpiaVersion.Status
Capacity = DpiaApproval.Capacity
TEXT_FIELDS = (
    "art35_cases",
    "criteria",
    "screening_notes",
    "nature",
    "scope",
    "context",
    "purposes",
    "necessity",
    "risk_assessment",
    "mitigations",
)
LINKS = ("datasets", "risks")
# The GDPR requirement a signed DPIA satisfies, as the catalogue names it (data/gdpr.csv).
ART35 = ("gdpr", "Art. 35")
RECORD_TYPE = "compliance.dpiaversion"

OPEN_EXISTS = "Version {number} of this DPIA is still open: finish or reopen it instead."
NOT_DRAFT = "Version {number} is {status}: only a draft is edited. Reopen it or revise it."
STALE = "Someone changed this DPIA since you opened it: reload and apply your edit again."
NOT_IN_REVIEW = "Version {number} is {status}: only a version in review is {what}."
ALREADY_SIGNED = "The {capacity}'s sign-off of this version is already given."
OPINION_FIXED = "The DPO's opinion is fixed once a sign-off is given: reopen the version."
NEEDS_OPINION = "A required DPIA is signed off only after the DPO's opinion (Art. 35(2))."
NOT_FOUND = "No such {label} in this project: {ids}."
NEEDS_TEXT = "Write this part before submitting a required DPIA."
NEEDS_REASONING = (
    "The screening says no DPIA is required: record the reasoning, which is kept as evidence."
)
NEEDS_RISKS = "Link the risks of the register this DPIA addresses, or describe them."
NEEDS_OPINION_TEXT = "Write the DPO's opinion."
BAD_ADVICE = "Say whether the DPO's advice is followed."
EXPLAIN_NOT_FOLLOWED = "Say why the DPO's advice is not followed (Art. 35(2), WP248)."
BAD_CAPACITY = "Sign as the project's manager or as a compliance officer."
REQUIRED_PARTS = ("nature", "scope", "context", "purposes", "necessity", "mitigations")


def _locked(dpia: DpiaVersion) -> DpiaVersion:
    return DpiaVersion.objects.select_for_update().select_related("project").get(pk=dpia.pk)


def _status(dpia: DpiaVersion) -> str:
    return dpia.get_status_display().lower()


def _screen(dpia: DpiaVersion) -> None:
    """The screening's result follows from its answers; nobody types it."""
    if isinstance(dpia.art35_cases, list) and isinstance(dpia.criteria, list):
        dpia.is_required = dpia_required(art35_cases=dpia.art35_cases, criteria=dpia.criteria)


def _resolve_links(project: Project, links: dict[str, Any]) -> dict[str, list[Any]]:
    """Datasets and risks by id, of this project only: any other id is not found."""
    found: dict[str, list[Any]] = {}
    for field, lookup, label in (
        ("datasets", project_datasets_by_id, "dataset"),
        ("risks", project_risks_by_id, "risk"),
    ):
        if field not in links:
            continue
        ids = [str(i) for i in links[field]]
        rows = lookup(project=project, ids=ids) if ids else {}
        missing = [i for i in ids if i not in rows]
        if missing:
            raise ValidationError({field: NOT_FOUND.format(label=label, ids=", ".join(missing))})
        found[field] = list(rows.values())
    return found


def _link_ids(dpia: DpiaVersion, field: str) -> list[str]:
    return sorted(str(pk) for pk in getattr(dpia, field).values_list("pk", flat=True))


@transaction.atomic
def dpia_start(*, actor: User, project: Project) -> DpiaVersion:
    """Start the project's DPIA (version 1), or revise the signed newest version into the
    next one, copied forward; the earlier versions stay as they are."""
    require(actor, Perm.PROJECT_CONTRIBUTE, project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    latest = DpiaVersion.objects.filter(project=project).order_by("-number").first()
    if latest is not None and latest.is_open:
        raise ConflictError(
            OPEN_EXISTS.format(number=latest.number),
            code="dpia_open",
            details={"id": str(latest.pk), "number": latest.number},
        )
    version = DpiaVersion(
        project=project,
        number=1 if latest is None else latest.number + 1,
        created_by=actor,
        revised_from=latest,
    )
    if latest is not None:
        for field in TEXT_FIELDS:
            setattr(version, field, getattr(latest, field))
        version.is_required = latest.is_required
    version.full_clean()
    version.save()
    if latest is not None:
        version.datasets.set(latest.datasets.all())
        version.risks.set(latest.risks.all())
    audit_record(
        actor=actor,
        action=Action.DPIA_CREATED,
        target=version,
        project=project,
        data={
            "number": version.number,
            "revised_from": None if latest is None else str(latest.pk),
        },
    )
    return version


@transaction.atomic
def dpia_update(
    *, actor: User, dpia: DpiaVersion, revision: int | None = None, **changes: Any
) -> DpiaVersion:
    """Edit a draft: the screening (its result recomputed), the description, the assessment,
    the datasets of the inventory and the risks of the register it addresses."""
    require(actor, Perm.PROJECT_CONTRIBUTE, dpia)
    locked = _locked(dpia)
    if locked.status != Status.DRAFT:
        raise ConflictError(
            NOT_DRAFT.format(number=locked.number, status=_status(locked)), code="dpia_frozen"
        )
    if revision is not None and revision != locked.revision:
        raise ConflictError(
            STALE, code="stale_revision", details={"current_revision": locked.revision}
        )
    links = {field: changes.pop(field) for field in LINKS if field in changes}
    resolved = _resolve_links(locked.project, links)
    link_changes = {}
    for field, rows in resolved.items():
        old, new = _link_ids(locked, field), sorted(str(row.pk) for row in rows)
        if old != new:
            link_changes[field] = {"old": old, "new": new}
    was_required = locked.is_required
    locked, changed = model_update(
        instance=locked,
        fields=TEXT_FIELDS,
        data=changes,
        check=_screen,
        counter="revision",
        save_with=("is_required",),
        always_save=bool(link_changes),
    )
    for field in link_changes:
        getattr(locked, field).set(resolved[field])
    if link_changes and not changed:  # the counter moves with every change, links included
        locked.revision += 1
        locked.save(update_fields=["revision", "updated_at"])
    changed |= link_changes
    if locked.is_required != was_required:
        changed["is_required"] = {"old": was_required, "new": locked.is_required}
    if changed:
        audit_record(
            actor=actor,
            action=Action.DPIA_UPDATED,
            target=locked,
            project=locked.project,
            data=changed,
        )
    return locked


def _missing_parts(dpia: DpiaVersion) -> dict[str, str]:
    if not dpia.is_required:
        return {} if dpia.screening_notes.strip() else {"screening_notes": NEEDS_REASONING}
    missing = {field: NEEDS_TEXT for field in REQUIRED_PARTS if not getattr(dpia, field).strip()}
    if not dpia.risk_assessment.strip() and not dpia.risks.exists():
        missing["risks"] = NEEDS_RISKS
    return missing


@transaction.atomic
def dpia_submit(*, actor: User, dpia: DpiaVersion, revision: int | None = None) -> DpiaVersion:
    """Send a complete draft for review (the DPO's opinion and the two sign-offs)."""
    require(actor, Perm.PROJECT_CONTRIBUTE, dpia)
    locked = _locked(dpia)
    if locked.status != Status.DRAFT:
        raise ConflictError(
            NOT_DRAFT.format(number=locked.number, status=_status(locked)), code="dpia_frozen"
        )
    if revision is not None and revision != locked.revision:
        raise ConflictError(
            STALE, code="stale_revision", details={"current_revision": locked.revision}
        )
    missing = _missing_parts(locked)
    if missing:
        raise ValidationError(missing)
    locked.status, locked.submitted_by, locked.submitted_at = (
        Status.IN_REVIEW,
        actor,
        timezone.now(),
    )
    locked.revision += 1
    locked.full_clean()
    locked.save(update_fields=["status", "submitted_by", "submitted_at", "revision", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.DPIA_SUBMITTED,
        target=locked,
        project=locked.project,
        data={"is_required": locked.is_required},
    )
    return locked


def _in_review(dpia: DpiaVersion, what: str) -> None:
    if dpia.status != Status.IN_REVIEW:
        raise ConflictError(
            NOT_IN_REVIEW.format(number=dpia.number, status=_status(dpia), what=what),
            code="dpia_not_in_review",
        )


@transaction.atomic
def dpia_reopen(*, actor: User, dpia: DpiaVersion, reason: str = "") -> DpiaVersion:
    """Take a version in review back to draft: its opinion and sign-offs go with it (the
    trail keeps them)."""
    require(actor, Perm.PROJECT_CONTRIBUTE, dpia)
    locked = _locked(dpia)
    _in_review(locked, "reopened")
    dropped = [str(pk) for pk in locked.approvals.values_list("pk", flat=True)]
    locked.approvals.all().delete()
    locked.status, locked.submitted_by, locked.submitted_at = Status.DRAFT, None, None
    locked.dpo_opinion, locked.dpo_advice, locked.dpo_advice_reason = "", "", ""
    locked.dpo_by, locked.dpo_at = None, None
    locked.revision += 1
    locked.full_clean()
    locked.save()
    audit_record(
        actor=actor,
        action=Action.DPIA_REOPENED,
        target=locked,
        project=locked.project,
        data={"reason": reason.strip(), "dropped_sign_offs": dropped},
    )
    return locked


@transaction.atomic
def dpia_dpo_opinion_give(
    *, actor: User, dpia: DpiaVersion, opinion: str, advice: str, advice_reason: str = ""
) -> DpiaVersion:
    """The DPO's opinion (Art. 35(2)), recorded by a compliance officer: its text, and
    whether the DPIA as written follows the advice (if not, why)."""
    locked = _locked(dpia)
    require(actor, Rule.DPIA_DPO_OPINION, locked)
    _in_review(locked, "given an opinion")
    if locked.approvals.exists():
        raise ConflictError(OPINION_FIXED, code="dpia_opinion_fixed")
    opinion, advice_reason = opinion.strip(), advice_reason.strip()
    errors = {}
    if not opinion:
        errors["opinion"] = NEEDS_OPINION_TEXT
    if advice not in DpiaVersion.Advice.values:
        errors["advice"] = BAD_ADVICE
    elif advice == DpiaVersion.Advice.NOT_FOLLOWED and not advice_reason:
        errors["advice_reason"] = EXPLAIN_NOT_FOLLOWED
    if errors:
        raise ValidationError(errors)
    locked.dpo_opinion, locked.dpo_advice, locked.dpo_advice_reason = (
        opinion,
        advice,
        advice_reason,
    )
    locked.dpo_by, locked.dpo_at = actor, timezone.now()
    locked.revision += 1
    locked.full_clean()
    locked.save()
    audit_record(
        actor=actor,
        action=Action.DPIA_DPO_OPINION_GIVEN,
        target=locked,
        project=locked.project,
        data={"advice": advice},
    )
    return locked


@transaction.atomic
def dpia_sign_off(
    *, actor: User, dpia: DpiaVersion, capacity: str, comment: str = ""
) -> DpiaVersion:
    """One sign-off, in the manager's or the compliance officer's capacity; one person never
    gives both. The second signs the version off, freezes it and feeds the Art. 35 check."""
    if capacity not in Capacity.values:
        raise ValidationError({"capacity": BAD_CAPACITY})
    locked = _locked(dpia)
    locked = (
        DpiaVersion.objects.select_related("project")
        .prefetch_related("approvals")
        .get(pk=locked.pk)
    )
    rule = Rule.DPIA_SIGN_MANAGER if capacity == Capacity.MANAGER else Rule.DPIA_SIGN_COMPLIANCE
    require(actor, rule, locked)
    _in_review(locked, "signed")
    approvals = list(locked.approvals.all())
    if any(a.capacity == capacity for a in approvals):
        label = Capacity(capacity).label.lower()
        raise ConflictError(ALREADY_SIGNED.format(capacity=label), code="dpia_already_signed")
    if locked.is_required and not locked.dpo_opinion:
        raise ConflictError(NEEDS_OPINION, code="dpia_needs_opinion")
    approval = DpiaApproval(dpia=locked, approver=actor, capacity=capacity, comment=comment.strip())
    approval.full_clean(exclude=["dpia", "approver"])
    approval.save()
    audit_record(
        actor=actor,
        action=Action.DPIA_SIGNED,
        target=locked,
        project=locked.project,
        data={"capacity": capacity},
    )
    approvals.append(approval)
    if {a.capacity for a in approvals} == set(Capacity.values):
        signers = {a.capacity: a.approver for a in approvals}
        _sign_off(locked, manager=signers[Capacity.MANAGER], officer=signers[Capacity.COMPLIANCE])
    return locked


def _sign_off(dpia: DpiaVersion, *, manager: User, officer: User) -> None:
    dpia.status, dpia.signed_off_at = Status.SIGNED_OFF, timezone.now()
    dpia.revision += 1
    dpia.save(update_fields=["status", "signed_off_at", "revision", "updated_at"])
    evidence_id, fed = _feed_checks(dpia, manager=manager, officer=officer)
    audit_record(
        actor=officer,
        action=Action.DPIA_SIGNED_OFF,
        target=dpia,
        project=dpia.project,
        data={
            "number": dpia.number,
            "is_required": dpia.is_required,
            "evidence": evidence_id,
            "checks": fed,
        },
    )


def art35_checks(project: Project) -> list[ComplianceCheck]:
    """The project's checks of the GDPR requirement a DPIA satisfies (none when the
    organisation does not follow the GDPR)."""
    framework, ref = ART35
    return list(
        ComplianceCheck.objects.filter(
            project=project, requirement__framework__key=framework, requirement__ref=ref
        ).order_by("pk")
    )


def _feed_checks(dpia: DpiaVersion, *, manager: User, officer: User) -> tuple[str, dict[str, str]]:
    """The signed version becomes evidence of the Art. 35 check, provided by the manager who
    signed and accepted by the compliance officer who signed; a check being worked on is
    submitted (met — or not applicable, with the screening's reasoning, when no DPIA is
    required) and approved by that officer when the policy lets them review it. A check
    someone else already submitted or settled keeps its state, with the evidence added."""
    reason = screening_reason(art35_cases=dpia.art35_cases, criteria=dpia.criteria)
    checks = art35_checks(dpia.project)
    if dpia.is_required:
        title, claim, justification = f"DPIA v{dpia.number}, signed off", "met", ""
    else:
        title, claim = f"DPIA screening v{dpia.number}: no DPIA required", "not_applicable"
        justification = f"{reason} {dpia.screening_notes.strip()}".strip()
    evidence = evidence_add(
        actor=manager,
        project=dpia.project,
        kind="record",
        title=title,
        description=reason,
        record_type=RECORD_TYPE,
        record_id=dpia.pk,
        checks=checks,
    )
    evidence_judge(
        actor=officer,
        evidence=evidence,
        verdict="accept",
        comment=f"Signed off as DPIA v{dpia.number}.",
    )
    return str(evidence.pk), {
        str(check.pk): _settle(
            check, manager=manager, officer=officer, claim=claim, why=justification
        )
        for check in checks
    }


SUBMITTABLE = (
    ComplianceCheck.Status.NOT_STARTED,
    ComplianceCheck.Status.IN_PROGRESS,
    ComplianceCheck.Status.NOT_MET,
    ComplianceCheck.Status.NEEDS_REVIEW,
)


def _settle(check: ComplianceCheck, *, manager: User, officer: User, claim: str, why: str) -> str:
    """Submit and approve one check where its state and the policy allow; its new status."""
    if check.status in SUBMITTABLE:
        check = check_submit(actor=manager, check=check, claim=claim, justification=why)
    if check.status == ComplianceCheck.Status.IN_REVIEW and check.claim == claim:
        fresh = ComplianceCheck.objects.prefetch_related("evidence").get(pk=check.pk)
        if decide(officer, Rule.CHECK_REVIEW, fresh):
            check = check_review(
                actor=officer, check=check, verdict="approve", comment="The signed DPIA."
            )
    return str(check.status)
