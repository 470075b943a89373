"""Rows for the classification and checks tests: a small hand-made catalogue (the shipped one
is loaded by its own tests), built directly; behaviour goes through the services."""

from __future__ import annotations

from typing import Any

from accounts.models import Organization
from compliance.models import Crosswalk, Framework, OrganizationFramework, Requirement


def framework(key: str, name: str) -> Framework:
    return Framework.objects.get_or_create(
        key=key,
        defaults={
            "name": name,
            "edition": "test",
            "publisher": "test",
            "source_url": "https://example.org/",
            "data_version": "test",
        },
    )[0]


def requirement(fw: Framework, ref: str, **fields: Any) -> Requirement:
    values: dict[str, Any] = {
        "title": f"{ref} title",
        "kind": "article",
        "phase": "scope",
        "added_in": "test",
    } | fields
    return Requirement.objects.create(framework=fw, ref=ref, **values)


def small_catalogue(org: Organization) -> dict[str, Requirement]:
    """A few EU AI Act articles with their conditions, one ISO control mapped to Art. 15, and
    the organisation following both frameworks."""
    act = framework("eu-ai-act", "EU AI Act")
    iso = framework("iso-42001", "ISO/IEC 42001")
    found = {
        "art4": requirement(act, "Art. 4", applies_when={}, phase="scope", order=4),
        "art5": requirement(
            act, "Art. 5", applies_when={"tiers": ["prohibited"]}, blocking=True, order=5
        ),
        "art9": requirement(
            act,
            "Art. 9",
            applies_when={"tiers": ["high"], "roles": ["provider"]},
            phase="select",
            blocking=True,
            order=9,
        ),
        "art15": requirement(
            act,
            "Art. 15",
            applies_when={"tiers": ["high"], "roles": ["provider"]},
            phase="select",
            blocking=True,
            order=15,
        ),
        "art26": requirement(
            act,
            "Art. 26",
            applies_when={"tiers": ["high"], "roles": ["deployer"]},
            phase="integrate",
            blocking=True,
            order=26,
        ),
        "art50": requirement(
            act,
            "Art. 50",
            applies_when={"obligations": ["transparency"]},
            phase="integrate",
            blocking=True,
            order=50,
        ),
        "iso_robust": requirement(iso, "A.6.2.4", kind="control", phase="select", order=1),
    }
    Crosswalk.objects.create(
        source=found["iso_robust"],
        target=found["art15"],
        rationale="Both ask for verified accuracy and robustness.",
        added_in="test",
    )
    for fw in (act, iso):
        OrganizationFramework.objects.create(organization=org, framework=fw)
    return found
