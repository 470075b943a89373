"""Compliance checks: generated from the applicable requirements, worked by their owner,
submitted with a claim (met, or not applicable with why), and approved or rejected by a
reviewer who neither owns the check nor provided its evidence."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from accounts.models import User
from accounts.permissions import SYSTEM, Actor, Perm, Rule, check_person_sees, require
from audit.writer import audit_record
from compliance.applicability import applies
from compliance.audit_actions import ComplianceAction as Action
from compliance.models import Classification, ComplianceCheck, OrganizationFramework, Requirement
from compliance.modification_reviews import reviews_for
from compliance.selectors.checks import evidence_counting_for
from core.errors import ConflictError
from core.services import model_update
from models_registry.models import ModificationFlag
from projects.models import Project

Status = ComplianceCheck.Status
EU_AI_ACT = "eu-ai-act"
NO_LONGER_APPLIES = "No longer applies after classification v{number}."
CHECK_FIELDS = ("owner", "reviewer", "due_date", "status")
WORKABLE = (Status.NOT_STARTED, Status.IN_PROGRESS)
STALE = "Someone changed this check since you opened it: reload and apply your edit again."
OWNER_NOT_ON_PROJECT = "The owner must be someone who can see this project."
REVIEWER_NOT_ON_PROJECT = "The reviewer must be someone who can see this project."
CLAIMS = {"met": Status.MET, "not_applicable": Status.NOT_APPLICABLE}
JUSTIFY = "Say why this requirement does not apply to the project."
NEEDS_EVIDENCE = "Attach evidence before claiming the requirement is met."
NOT_IN_REVIEW = "This check is not awaiting review."
CANNOT_SUBMIT = "Only a check being worked on can be submitted (this one is {status})."
EXPLAIN = "Say why you reject it."
MODIFIED = "Possible substantial modification ({kind}: {summary}). {why}"
NO_ACCEPTED_EVIDENCE = (
    "None of its evidence has been accepted yet: judge the evidence first, or reject the check."
)


def _confirmed(project: Project) -> Classification | None:
    return (
        Classification.objects.filter(project=project, status=Classification.Status.CONFIRMED)
        .order_by("-number")
        .first()
    )


def applicable_requirements(project: Project) -> list[Requirement]:
    """The requirements of the frameworks the organisation follows that apply to the project
    as it is classified now (the EU AI Act's need a confirmed classification)."""
    frameworks = OrganizationFramework.objects.filter(
        organization_id=project.organization_id
    ).values("framework_id")
    classification = _confirmed(project)
    found = []
    for requirement in Requirement.objects.filter(
        framework_id__in=frameworks, retired_in="", applies_to_projects=True
    ).select_related("framework"):
        if not requirement.phase:
            continue
        if requirement.framework.key == EU_AI_ACT and classification is None:
            continue
        if applies(
            requirement.applies_when,
            tier=classification.tier if classification else None,
            role=classification.role if classification else None,
            obligations=list(classification.obligations) if classification else [],
        ):
            found.append(requirement)
    return found


@transaction.atomic
def checks_sync(*, actor: Actor, project: Project, reason: str) -> dict[str, int]:
    """Make the project's checks match what applies now: a check for each new requirement;
    an open check whose requirement no longer applies becomes not applicable, saying why.
    Met checks are kept as they are (what was proven stays proven)."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    wanted = {r.pk: r for r in applicable_requirements(project)}
    existing = {c.requirement_id: c for c in ComplianceCheck.objects.filter(project=project)}
    created = [
        ComplianceCheck(
            project=project,
            requirement=requirement,
            phase=requirement.phase,
            blocking=requirement.blocking,
        )
        for pk, requirement in wanted.items()
        if pk not in existing
    ]
    ComplianceCheck.objects.bulk_create(created)
    retired = [
        check
        for pk, check in existing.items()
        if pk not in wanted and check.status in (*WORKABLE, Status.NOT_MET, Status.IN_REVIEW)
    ]
    for check in retired:
        check.status, check.justification = Status.NOT_APPLICABLE, reason
        check.version += 1
    ComplianceCheck.objects.bulk_update(retired, ["status", "justification", "version"])
    counts = {"created": len(created), "no_longer_applicable": len(retired)}
    if created or retired:
        audit_record(
            actor=actor,
            action=Action.CHECKS_GENERATED,
            target=project,
            project=project,
            data=counts | {"reason": reason},
        )
    return counts


def _locked(check: ComplianceCheck, expected_version: int | None) -> ComplianceCheck:
    locked = (
        ComplianceCheck.objects.select_for_update()
        .select_related("project", "requirement")
        .get(pk=check.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(
            STALE, code="stale_version", details={"current_version": locked.version}
        )
    return locked


@transaction.atomic
def check_update(
    *, actor: User, check: ComplianceCheck, expected_version: int | None = None, **changes: Any
) -> ComplianceCheck:
    """Assign an owner and a reviewer, set a due date, or mark it in progress."""
    require(actor, Perm.PROJECT_CONTRIBUTE, check)
    locked = _locked(check, expected_version)
    if "status" in changes and (
        changes["status"] not in WORKABLE or locked.status not in (*WORKABLE, Status.NOT_MET)
    ):
        raise ValidationError(
            {"status": "Set not started or in progress here; submit the check to claim more."}
        )
    for field, message in (("owner", OWNER_NOT_ON_PROJECT), ("reviewer", REVIEWER_NOT_ON_PROJECT)):
        if field in changes:
            check_person_sees(changes[field], locked.project, field=field, message=message)
    locked, changed = model_update(
        instance=locked, fields=CHECK_FIELDS, data=changes, counter="version"
    )
    if changed:
        audit_record(
            actor=actor,
            action=Action.CHECK_UPDATED,
            target=locked,
            project=locked.project,
            data=changed,
        )
    return locked


@transaction.atomic
def check_submit(
    *, actor: User, check: ComplianceCheck, claim: str, justification: str = ""
) -> ComplianceCheck:
    """Ask for review: the requirement is met (with evidence), or does not apply (with why)."""
    require(actor, Perm.PROJECT_CONTRIBUTE, check)
    locked = _locked(check, None)
    if locked.status not in (*WORKABLE, Status.NOT_MET, Status.NEEDS_REVIEW):
        raise ValidationError(CANNOT_SUBMIT.format(status=locked.get_status_display().lower()))
    if claim not in CLAIMS:
        raise ValidationError({"claim": "Claim met or not_applicable."})
    justification = justification.strip()
    if claim == "not_applicable" and not justification:
        raise ValidationError({"justification": JUSTIFY})
    if claim == "met" and not evidence_counting_for(locked):
        raise ValidationError({"claim": NEEDS_EVIDENCE})
    locked.status, locked.claim, locked.justification = Status.IN_REVIEW, claim, justification
    locked.version += 1
    locked.save(update_fields=["status", "claim", "justification", "version", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.CHECK_SUBMITTED,
        target=locked,
        project=locked.project,
        data={"claim": claim},
    )
    return locked


@transaction.atomic
def check_review(
    *, actor: User, check: ComplianceCheck, verdict: str, comment: str = ""
) -> ComplianceCheck:
    """Approve the claim (the check becomes met or not applicable) or reject it (not met)."""
    locked = _locked(check, None)
    locked = ComplianceCheck.objects.prefetch_related("evidence").get(pk=locked.pk)
    require(actor, Rule.CHECK_REVIEW, locked)
    if locked.status != Status.IN_REVIEW:
        raise ValidationError(NOT_IN_REVIEW)
    comment = comment.strip()
    if verdict not in ("approve", "reject"):
        raise ValidationError({"verdict": "Approve or reject."})
    if verdict == "reject" and not comment:
        raise ValidationError({"comment": EXPLAIN})
    if verdict == "approve" and locked.claim == "met":
        # Expired evidence keeps its judgement for the record, but proves nothing any more.
        accepted = [
            e
            for e in evidence_counting_for(locked)
            if e.status == "accepted" and e.expired_at is None
        ]
        if not accepted:
            raise ValidationError(NO_ACCEPTED_EVIDENCE)
    locked.reviews.create(reviewer=actor, claim=locked.claim, verdict=verdict, comment=comment)
    locked.status = CLAIMS[locked.claim] if verdict == "approve" else Status.NOT_MET
    locked.version += 1
    locked.save(update_fields=["status", "version", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.CHECK_APPROVED if verdict == "approve" else Action.CHECK_REJECTED,
        target=locked,
        project=locked.project,
        data={"claim": locked.claim, "status": locked.status},
    )
    return locked


def check_send_back(
    *, actor: Actor, check: ComplianceCheck, project: Project, reason: str, **data: str
) -> None:
    """A met check whose proof no longer holds goes back to review ("needs review"): its
    evidence expired, or the model it judged has changed. `check` is locked by the caller."""
    check.status = Status.NEEDS_REVIEW
    check.version += 1
    check.save(update_fields=["status", "version", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.CHECK_NEEDS_REVIEW,
        target=check,
        project=project,
        data={"status": {"old": Status.MET, "new": Status.NEEDS_REVIEW}, "reason": reason, **data},
    )


@transaction.atomic
def checks_reopen_for_modification(*, flag: ModificationFlag) -> int:
    """Send back to review the met checks a possible substantial modification touches (by
    kind of change, from data); how many went back."""
    reviews = {(r.framework, r.ref): r.why for r in reviews_for(flag.kind)}
    if not reviews:
        return 0
    touched = Q()
    for framework, ref in reviews:
        touched |= Q(requirement__framework__key=framework, requirement__ref=ref)
    checks = (
        ComplianceCheck.objects.filter(touched, project_id=flag.project_id, status=Status.MET)
        .select_related("project", "requirement__framework")
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    count = 0
    for check in checks:
        why = reviews[(check.requirement.framework.key, check.requirement.ref)]
        reason = MODIFIED.format(kind=flag.get_kind_display(), summary=flag.summary, why=why)
        check_send_back(
            actor=SYSTEM,
            check=check,
            project=check.project,
            reason=reason,
            modification=str(flag.pk),
        )
        count += 1
    return count


def open_blocking(checks: Iterable[ComplianceCheck]) -> list[ComplianceCheck]:
    return [c for c in checks if c.blocking and c.is_open]
