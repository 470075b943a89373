"""Evidence: added by a project's contributors (an uploaded file, a link to a Charter record of
the project, or a URL), attached to the checks it proves, judged by someone other than whoever
provided it, and expired by the daily job once its expiry date has passed — which sends every
met check that relied on it back to review."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from accounts.permissions import SYSTEM, Actor, Perm, Rule, require
from audit.writer import audit_record
from compliance.audit_actions import ComplianceAction as Action
from compliance.evidence_records import record_resolve
from compliance.models import CheckEvidence, ComplianceCheck, Evidence
from compliance.selectors.checks import mapped_requirement_ids
from compliance.services.checks import check_send_back
from compliance.uploads import inspect_upload
from projects.models import Project

Kind = Evidence.Kind
CheckStatus = ComplianceCheck.Status

NEEDS_FILE = "Choose a file to upload."
NEEDS_RECORD = "Choose the record this evidence points at."
NEEDS_URL = "Give the address (http or https) of the evidence."
BAD_URL = "Only http and https addresses are accepted."
BAD_KIND = "Evidence is a file, a record or a URL."
NEEDS_TITLE = "Give the evidence a title."
CHECK_OF_OTHER_PROJECT = "Attach evidence only to checks of its own project."
ALREADY_ATTACHED = "This evidence is already attached to that check."
NOT_ATTACHED = "This evidence is not attached to that check."
EXPIRY_PAST = "The expiry date must be in the future."
VERDICTS = {"accept": Evidence.Status.ACCEPTED, "reject": Evidence.Status.REJECTED}
BAD_VERDICT = "Accept or reject."
EXPLAIN = "Say why you reject it."
EXPIRED = "This evidence has expired: add a current piece instead of judging this one."
NEEDS_REVIEW_REASON = "Evidence {title!r} expired on {date}."


def _check_url(url: str) -> str:
    url = url.strip()
    if not url:
        raise ValidationError({"url": NEEDS_URL})
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValidationError({"url": BAD_URL})
    return url


def _checks_of(project: Project, checks: Iterable[ComplianceCheck]) -> list[ComplianceCheck]:
    found = list(checks)
    if any(check.project_id != project.pk for check in found):
        raise ValidationError({"checks": CHECK_OF_OTHER_PROJECT})
    return found


@transaction.atomic
def evidence_add(
    *,
    actor: User,
    project: Project,
    kind: str,
    title: str,
    description: str = "",
    file: UploadedFile[bytes] | None = None,
    record_type: str = "",
    record_id: Any = None,
    url: str = "",
    expires_on: date | None = None,
    checks: Sequence[ComplianceCheck] = (),
) -> Evidence:
    """Add a piece of evidence to the project and attach it to `checks` (of the same project)
    at once. A file is checked (type by content, size, name) and hashed before it is kept."""
    require(actor, Perm.PROJECT_CONTRIBUTE, project)
    title = title.strip()
    if not title:
        raise ValidationError({"title": NEEDS_TITLE})
    if expires_on is not None and expires_on <= timezone.localdate():
        raise ValidationError({"expires_on": EXPIRY_PAST})
    targets = _checks_of(project, checks)
    evidence = Evidence(
        project=project,
        kind=kind,
        title=title,
        description=description.strip(),
        owner=actor,
        expires_on=expires_on,
    )
    if kind == Kind.FILE:
        if file is None:
            raise ValidationError({"file": NEEDS_FILE})
        try:
            inspected = inspect_upload(file)
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from None
        evidence.file_name, evidence.content_type = inspected.file_name, inspected.content_type
        evidence.size, evidence.sha256 = inspected.size, inspected.sha256
    elif kind == Kind.RECORD:
        if not record_type or not record_id:
            raise ValidationError({"record_id": NEEDS_RECORD})
        record = record_resolve(
            user=actor, project=project, record_type=record_type, record_id=record_id
        )
        evidence.record_type, evidence.record_id = record_type, record.pk
    elif kind == Kind.URL:
        evidence.url = _check_url(url)
    else:
        raise ValidationError({"kind": BAD_KIND})
    evidence.full_clean(exclude=["file"])
    if kind == Kind.FILE:
        assert file is not None  # noqa: S101  # checked above
        # A random stored name: nothing of what the uploader typed reaches the file system.
        # If the transaction rolls back the file stays behind, unreferenced (never served).
        evidence.file.save(uuid.uuid4().hex, file, save=False)
    evidence.save()
    audit_record(
        actor=actor,
        action=Action.EVIDENCE_ADDED,
        target=evidence,
        project=project,
        data={
            "kind": kind,
            "sha256": evidence.sha256,
            "record_type": evidence.record_type,
            "record_id": str(evidence.record_id or ""),
            "expires_on": expires_on,
        },
    )
    for check in targets:
        _attach(actor=actor, evidence=evidence, check=check)
    return evidence


def _attach(*, actor: User, evidence: Evidence, check: ComplianceCheck) -> None:
    CheckEvidence.objects.create(compliance_check=check, evidence=evidence, attached_by=actor)
    audit_record(
        actor=actor,
        action=Action.EVIDENCE_ATTACHED,
        target=evidence,
        project=evidence.project,
        data={"check": str(check.pk)},
    )


def _locked(evidence: Evidence) -> Evidence:
    return Evidence.objects.select_for_update().select_related("project").get(pk=evidence.pk)


@transaction.atomic
def evidence_attach(*, actor: User, evidence: Evidence, check: ComplianceCheck) -> Evidence:
    """Attach the evidence to one more check of its project."""
    require(actor, Perm.PROJECT_CONTRIBUTE, evidence)
    locked = _locked(evidence)
    _checks_of(locked.project, [check])
    if CheckEvidence.objects.filter(compliance_check=check, evidence=locked).exists():
        raise ValidationError({"check": ALREADY_ATTACHED})
    _attach(actor=actor, evidence=locked, check=check)
    return locked


@transaction.atomic
def evidence_detach(*, actor: User, evidence: Evidence, check: ComplianceCheck) -> Evidence:
    """Take the evidence off a check (it stays on the project and on its other checks)."""
    require(actor, Perm.PROJECT_CONTRIBUTE, evidence)
    locked = _locked(evidence)
    deleted, _ = CheckEvidence.objects.filter(compliance_check=check, evidence=locked).delete()
    if not deleted:
        raise ValidationError({"check": NOT_ATTACHED})
    audit_record(
        actor=actor,
        action=Action.EVIDENCE_DETACHED,
        target=locked,
        project=locked.project,
        data={"check": str(check.pk)},
    )
    return locked


@transaction.atomic
def evidence_judge(*, actor: User, evidence: Evidence, verdict: str, comment: str = "") -> Evidence:
    """Accept or reject the evidence (a rejection says why); its owner never judges it."""
    locked = _locked(evidence)
    require(actor, Rule.EVIDENCE_JUDGE, locked)
    if locked.is_expired:
        raise ValidationError(EXPIRED)
    if verdict not in VERDICTS:
        raise ValidationError({"verdict": BAD_VERDICT})
    comment = comment.strip()
    if verdict == "reject" and not comment:
        raise ValidationError({"comment": EXPLAIN})
    old = locked.status
    locked.status, locked.judgement_comment = VERDICTS[verdict], comment
    locked.judged_by, locked.judged_at = actor, timezone.now()
    locked.full_clean(exclude=["file"])
    locked.save(
        update_fields=["status", "judgement_comment", "judged_by", "judged_at", "updated_at"]
    )
    audit_record(
        actor=actor,
        action=Action.EVIDENCE_ACCEPTED if verdict == "accept" else Action.EVIDENCE_REJECTED,
        target=locked,
        project=locked.project,
        data={"status": {"old": old, "new": locked.status}, "comment": comment},
    )
    return locked


def checks_relying_on(evidence: Evidence) -> list[ComplianceCheck]:
    """The checks `evidence` counts for: those it is attached to, and through the crosswalk the
    checks of the same project whose requirements map to theirs."""
    attached = list(
        ComplianceCheck.objects.filter(
            pk__in=CheckEvidence.objects.filter(evidence=evidence).values("compliance_check_id")
        )
    )
    mapped: set[Any] = set()
    for check in attached:
        mapped |= mapped_requirement_ids(check.requirement_id)
    return list(
        ComplianceCheck.objects.filter(
            Q(pk__in=[c.pk for c in attached])
            | Q(project_id=evidence.project_id, requirement_id__in=mapped)
        ).select_for_update()
    )


@transaction.atomic
def evidence_expire(*, actor: Actor, evidence: Evidence) -> Evidence:
    """Mark the evidence expired, and send every met check that relied on it back to review
    ("needs review"): what proved it no longer does. Only the system does this, once due."""
    locked = _locked(evidence)
    require(actor, Rule.EVIDENCE_EXPIRE, locked)
    if locked.is_expired:
        return locked  # the job ran twice: nothing more to do
    locked.expired_at = timezone.now()
    locked.save(update_fields=["expired_at", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.EVIDENCE_EXPIRED,
        target=locked,
        project=locked.project,
        data={"expires_on": locked.expires_on},
    )
    reason = NEEDS_REVIEW_REASON.format(title=locked.title, date=locked.expires_on)
    for check in checks_relying_on(locked):
        if check.status == CheckStatus.MET:
            check_send_back(
                actor=actor,
                check=check,
                project=locked.project,
                reason=reason,
                evidence=str(locked.pk),
            )
    return locked


def evidence_expire_due() -> int:
    """Expire every piece of evidence whose expiry date has passed (the daily beat job); each
    in its own transaction, so one failure leaves the others done."""
    due = Evidence.objects.filter(
        expires_on__lt=timezone.localdate(), expired_at__isnull=True
    ).only("pk", "expires_on")
    count = 0
    for evidence in due:
        evidence_expire(actor=SYSTEM, evidence=evidence)
        count += 1
    return count


@transaction.atomic
def evidence_download_record(*, actor: User, evidence: Evidence) -> None:
    """Note in the trail that someone read the file (who saw what evidence, and when)."""
    require(actor, Perm.PROJECT_VIEW, evidence)
    audit_record(
        actor=actor,
        action=Action.EVIDENCE_DOWNLOADED,
        target=evidence,
        project=evidence.project,
        data={"sha256": evidence.sha256},
    )
