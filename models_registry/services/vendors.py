"""The organisation's vendors: their contracts and terms, edited with a version check, and
the assessments that set when each is next reviewed."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Organization, User
from accounts.permissions import Perm, require
from audit.writer import audit_record
from core.errors import ConflictError, reject_unknown_fields
from core.services import model_update, snapshot
from models_registry.audit_actions import ModelsRegistryAction as Action
from models_registry.models import VENDOR_CERTIFICATIONS, Vendor, VendorAssessment

VENDOR_FIELDS = (
    "name",
    "website",
    "contract_status",
    "dpa_status",
    "certifications",
    "data_retention",
    "training_on_customer_data",
    "sub_processors",
    "notes",
    "next_review_on",
)
# What the audit trail keeps of a new vendor (the free texts are in the row itself).
AUDITED_FIELDS = (
    "name",
    "contract_status",
    "dpa_status",
    "certifications",
    "training_on_customer_data",
    "next_review_on",
)
STALE = "Someone changed this vendor since you opened it: reload and apply your edit again."
NAME_TAKEN = "The organisation already has a vendor of this name."
UNKNOWN_CERTIFICATION = "Unknown certification {code!r}: use one of {codes}."
REPEATED_CERTIFICATION = "Certification {code!r} is listed twice."
NOT_A_LIST = "Give a list of certification codes."
FINDINGS_REQUIRED = "Say what the assessment found."
REVIEW_AFTER_ASSESSMENT = "The next review must come after the assessment."
ASSESSED_IN_FUTURE = "An assessment records a review that took place: not a future date."


def check_certifications(codes: Any) -> None:
    """Every code is one of VENDOR_CERTIFICATIONS, once."""
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        raise ValidationError({"certifications": NOT_A_LIST})
    seen: set[str] = set()
    for code in codes:
        if code not in VENDOR_CERTIFICATIONS:
            known = ", ".join(VENDOR_CERTIFICATIONS)
            raise ValidationError(
                {"certifications": UNKNOWN_CERTIFICATION.format(code=code, codes=known)}
            )
        if code in seen:
            raise ValidationError({"certifications": REPEATED_CERTIFICATION.format(code=code)})
        seen.add(code)


def _check_vendor(vendor: Vendor) -> None:
    vendor.name = " ".join(vendor.name.split())
    check_certifications(vendor.certifications)
    taken = Vendor.objects.filter(organization_id=vendor.organization_id, name__iexact=vendor.name)
    if taken.exclude(pk=vendor.pk).exists():
        raise ValidationError({"name": NAME_TAKEN})


def new_vendor(*, actor: User, organization: Organization, **fields: Any) -> Vendor:
    """Save a vendor and its audit event; the caller checked the permission and holds the
    transaction (vendor_create, and the catalogue import for a vendor it names)."""
    reject_unknown_fields(fields, VENDOR_FIELDS)
    vendor = Vendor(organization=organization, **fields)
    _check_vendor(vendor)
    vendor.full_clean()
    vendor.save()
    audit_record(
        actor=actor,
        action=Action.VENDOR_CREATED,
        target=vendor,
        data=snapshot(vendor, AUDITED_FIELDS),
    )
    return vendor


@transaction.atomic
def vendor_create(*, actor: User, organization: Organization, **fields: Any) -> Vendor:
    """Add a vendor to the organisation (administrators)."""
    require(actor, Perm.CATALOGUE_MANAGE, organization)
    return new_vendor(actor=actor, organization=organization, **fields)


@transaction.atomic
def vendor_update(*, actor: User, vendor: Vendor, expected_version: int, **changes: Any) -> Vendor:
    """Change a vendor's terms (administrators). `expected_version` is the version the
    editor saw: a save in between refuses the edit (409) rather than overwriting it."""
    require(actor, Perm.CATALOGUE_MANAGE, vendor)
    locked = Vendor.objects.select_for_update().get(pk=vendor.pk)
    if locked.version != expected_version:
        raise ConflictError(
            STALE, code="stale_version", details={"current_version": locked.version}
        )
    locked, changed = model_update(
        instance=locked,
        fields=VENDOR_FIELDS,
        data=changes,
        check=_check_vendor,
        counter="version",
    )
    if changed:
        audit_record(actor=actor, action=Action.VENDOR_UPDATED, target=locked, data=changed)
    return locked


@transaction.atomic
def vendor_assess(
    *,
    actor: User,
    vendor: Vendor,
    assessed_on: date,
    rating: str,
    findings: str,
    next_review_on: date,
) -> VendorAssessment:
    """Record a review of the vendor (administrators and compliance officers). The vendor's
    next review becomes this one's, unless a later assessment is already on file (a
    backdated record does not pull the schedule back)."""
    require(actor, Perm.VENDOR_ASSESS, vendor)
    locked = Vendor.objects.select_for_update().get(pk=vendor.pk)
    findings = findings.strip()
    errors = {}
    if not findings:
        errors["findings"] = FINDINGS_REQUIRED
    if assessed_on > timezone.localdate():
        errors["assessed_on"] = ASSESSED_IN_FUTURE
    if next_review_on <= assessed_on:
        errors["next_review_on"] = REVIEW_AFTER_ASSESSMENT
    if errors:
        raise ValidationError(errors)
    assessment = VendorAssessment(
        vendor=locked,
        assessed_on=assessed_on,
        assessor=actor,
        rating=rating,
        findings=findings,
        next_review_on=next_review_on,
    )
    assessment.full_clean()
    assessment.save()
    later = VendorAssessment.objects.filter(vendor=locked, assessed_on__gt=assessed_on).exists()
    schedule: dict[str, Any] = {}
    if not later and locked.next_review_on != next_review_on:
        schedule = {"old": str(locked.next_review_on or "") or None, "new": str(next_review_on)}
        locked.next_review_on = next_review_on
        locked.version += 1
        locked.save(update_fields=["next_review_on", "version", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.VENDOR_ASSESSED,
        target=assessment,
        organization=locked.organization,
        data=snapshot(assessment, ["vendor", "assessed_on", "rating", "next_review_on"])
        | ({"vendor_next_review_on": schedule} if schedule else {}),
    )
    return assessment
