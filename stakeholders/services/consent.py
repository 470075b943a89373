"""Consent to the processing of feedback answers: publish the organisation's terms, record a
stakeholder's consent with their answers, and withdraw it (their link, or a request to the
team).

Records are never deleted: a withdrawal stamps them. The trail names the stakeholder by id and
the terms by version and hash, never the person's details.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Organization, User
from accounts.permissions import Actor, Perm, Rule, require
from audit.writer import audit_record
from stakeholders import links
from stakeholders.audit_actions import StakeholdersAction
from stakeholders.models import FeedbackInvite, Stakeholder
from stakeholders.models_consent import ConsentPolicy, ConsentRecord, text_sha256
from stakeholders.signals import consent_withdrawn

CONSENT_MISSING = "Tick the box to consent, or your answers cannot be stored."
CONSENT_CHANGED = (
    "The terms changed while the page was open: read them again and tick the box to consent."
)
WITHDRAWAL_LINK_UNUSABLE = "This withdrawal link is not valid."


def consent_policy_current(*, organization_id: Any) -> ConsentPolicy | None:
    """The organisation's current terms (its highest version), or None if it has none."""
    return (
        ConsentPolicy.objects.filter(organization_id=organization_id).order_by("-version").first()
    )


def consent_needed(*, invite: FeedbackInvite) -> ConsentPolicy | None:
    """The terms the invite's form must ask consent to, or None: none required, or consent
    already given through this invite to the current version and not withdrawn. A withdrawn
    consent is never reused: the next form asks again."""
    policy = consent_policy_current(organization_id=invite.stakeholder.organization_id)
    if policy is None or not policy.required_on_feedback:
        return None
    held = ConsentRecord.objects.filter(
        invite=invite, policy=policy, withdrawn_at__isnull=True
    ).exists()
    return None if held else policy


def consent_error(*, policy: ConsentPolicy | None, given: bool, version: int | None) -> str | None:
    """Why a submission's consent does not count, or None when it does (or is not needed)."""
    if policy is None:
        return None
    if version is not None and version != policy.version:
        return CONSENT_CHANGED  # the stakeholder read other terms than the current ones
    if not given or version is None:
        return CONSENT_MISSING
    return None


def consent_record_give(*, invite: FeedbackInvite, policy: ConsentPolicy) -> ConsentRecord:
    """Record the consent of an invite's stakeholder; inside the service storing their answers
    (feedback_submit), so answers and consent commit together or not at all."""
    record = ConsentRecord(
        stakeholder_id=invite.stakeholder_id,
        policy=policy,
        purpose=policy.purpose,
        text_sha256=policy.text_sha256,
        invite=invite,
        given_at=timezone.now(),
    )
    record.full_clean()
    record.save()
    audit_record(
        actor=AnonymousUser(),  # the stakeholder, through their personal link
        action=StakeholdersAction.CONSENT_RECORD_GIVEN,
        target=record,
        project=invite.round.project,
        data={
            "stakeholder_id": str(invite.stakeholder_id),
            "round_id": str(invite.round_id),
            "policy_version": policy.version,
            "text_sha256": policy.text_sha256,
        },
    )
    return record


def _normalised(text: str) -> str:
    # One line ending everywhere: the stored text is the text shown, and the hash is of it.
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


@transaction.atomic
def consent_policy_publish(
    *,
    actor: User,
    organization: Organization,
    purpose: str,
    text: str,
    required_on_feedback: bool,
) -> ConsentPolicy:
    """Publish new terms of consent as the organisation's next version (the earlier versions,
    their text and hash stay). Publishing the current terms unchanged changes nothing."""
    require(actor, Perm.CONSENT_MANAGE, organization)
    # The organisation's row serialises publishers: two at once cannot take the same number.
    Organization.objects.select_for_update().get(pk=organization.pk)
    current = consent_policy_current(organization_id=organization.pk)
    purpose, text = " ".join(purpose.split()), _normalised(text)
    if current is not None and (current.purpose, current.text, current.required_on_feedback) == (
        purpose,
        text,
        required_on_feedback,
    ):
        return current
    policy = ConsentPolicy(
        organization=organization,
        version=(current.version + 1) if current else 1,
        purpose=purpose,
        text=text,
        text_sha256=text_sha256(text),
        required_on_feedback=required_on_feedback,
        published_at=timezone.now(),
        published_by=actor,
    )
    policy.full_clean()
    policy.save()
    audit_record(
        actor=actor,
        action=StakeholdersAction.CONSENT_POLICY_PUBLISHED,
        target=policy,
        data={
            "version": policy.version,
            "purpose": policy.purpose,
            "text_sha256": policy.text_sha256,
            "required_on_feedback": policy.required_on_feedback,
        },
    )
    return policy


def stakeholder_for_withdrawal_token(token: str) -> Stakeholder | None:
    """The stakeholder a withdrawal link belongs to, or None (tampered, expired, unknown)."""
    claim = links.read_withdrawal_token(token)
    if claim.stakeholder_id is None:
        return None
    try:
        return Stakeholder.objects.filter(pk=claim.stakeholder_id).first()
    except (ValueError, ValidationError):
        return None


def _withdraw(
    *,
    actor: Actor,
    stakeholder: Stakeholder,
    via: str,
    note: str = "",
) -> list[ConsentRecord]:
    """Stamp every active consent of the stakeholder, put it on the trail and tell the
    projects' managers; nothing active, nothing happens (withdrawing twice is harmless)."""
    active = list(
        ConsentRecord.objects.select_for_update(of=("self",))
        .filter(stakeholder=stakeholder, withdrawn_at__isnull=True)
        .select_related("policy", "invite__round__project")
        .order_by("given_at", "pk")
    )
    if not active:
        return []
    now = timezone.now()
    for record in active:
        record.withdrawn_at, record.withdrawn_via, record.withdrawal_note = now, via, note
        record.full_clean()
        record.save(
            update_fields=["withdrawn_at", "withdrawn_via", "withdrawal_note", "updated_at"]
        )
        # One event per record, on its round's project: each consent's history reads whole
        # on the trail, next to the answers it came with.
        audit_record(
            actor=actor,
            action=StakeholdersAction.CONSENT_RECORD_WITHDRAWN,
            target=record,
            organization=stakeholder.organization,
            project=record.invite.round.project if record.invite else None,
            data={
                "stakeholder_id": str(stakeholder.pk),
                "round_id": str(record.invite.round_id) if record.invite else None,
                "policy_version": record.policy.version,
                "via": via,
            },
        )
    consent_withdrawn.send(sender=ConsentRecord, stakeholder=stakeholder, records=active, via=via)
    return active


@transaction.atomic
def consent_withdraw(*, token: str) -> list[ConsentRecord]:
    """Withdraw, through their withdrawal link, every consent the stakeholder holds; returns
    the records withdrawn now (none if it was done already)."""
    stakeholder = stakeholder_for_withdrawal_token(token)
    if stakeholder is None:
        raise PermissionDenied(WITHDRAWAL_LINK_UNUSABLE)
    return _withdraw(actor=AnonymousUser(), stakeholder=stakeholder, via=ConsentRecord.Via.LINK)


@transaction.atomic
def consent_withdraw_on_request(
    *, actor: User, stakeholder: Stakeholder, note: str = ""
) -> list[ConsentRecord]:
    """Record a withdrawal the stakeholder asked the team for (by email, phone, in person);
    who may change the stakeholder's details may record it. The note stays off the trail."""
    require(actor, Rule.STAKEHOLDER_EDIT, stakeholder)
    return _withdraw(
        actor=actor, stakeholder=stakeholder, via=ConsentRecord.Via.REQUEST, note=note.strip()
    )
