"""Where Charter holds personal data about one person, found by enumeration, not by a list.

A *subject* is a stakeholder or a user. Their data is:

- every row that is **about them**: a row whose foreign key to the subject's model is named
  for the person it is about (`ABOUT_FIELDS`: `stakeholder`, `user`, `recipient`, …), then
  the rows hanging from those rows (a response under their invite, the answers under that
  response), up to `MAX_DEPTH` hops. Authorship keys (`created_by`, `owner`, `recorded_by`)
  say who wrote a record, not whom it is about, and are not followed;
- every row whose declared address field (audit/personal.py: a personal `EmailField`, or a
  field in `ADDRESS_FIELDS`) holds the subject's address — an invitation, an outbox email;
- every outbox message whose payload names one of those rows by id (stakeholders' emails
  carry no address: the payload names the invitation).

A model that declares `personal_fields` is thereby picked up, whatever app it lives in; a
test fails for one that no subject reaches, unless `UNATTRIBUTED` says why no subject owns
it. The export (compliance/services/subject_exports.py) and the erasure
(compliance/services/erasure.py) both read this module.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q, QuerySet

from audit.personal import excluded_fields, personal_fields

# Foreign-key names that say whom a row is about (the target being the subject's model).
# A use-case proposal's `submitted_by` is its proposer's own submission through the intake.
ABOUT_FIELDS = frozenset(
    {"stakeholder", "user", "recipient", "person", "subject", "accepted_by", "submitted_by"}
)
# Text fields that hold an address although they are not EmailFields.
ADDRESS_FIELDS = frozenset({("outbox.outboxmessage", "recipient")})
# Models with personal fields that belong to no subject Charter can name, and why.
UNATTRIBUTED: dict[str, str] = {
    "core.idempotentrequest": (
        "a day's cache of API answers for Idempotency-Key replays, owned by the client's key, "
        "not by a subject: erasure deletes the cached answers that name the subject"
    ),
    "stakeholders.productfeedback": (
        "an end user of the deployed product, posted through an intake key without any "
        "identity; the retention rule for product feedback erases it"
    ),
}
# Where outbox payloads name the objects a message is about.
OUTBOX_LABEL = "outbox.outboxmessage"
MAX_DEPTH = 4
SUBJECT_LABELS = ("stakeholders.stakeholder", "accounts.user")


@dataclass(frozen=True)
class Lookup:
    """How rows of `model` are found for a subject: by the ORM `path` from the model to the
    subject (`pk` for the subject's own row), or by its `address` field."""

    model: type[models.Model]
    path: str = ""
    address: str = ""

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def describe(self) -> str:
        return f"{self.label} by {self.path or self.address}"


def charter_models() -> list[type[models.Model]]:
    """The models of Charter's own apps (a library's tables — sessions, two-factor devices,
    the admin's log — are not read or rewritten here)."""
    return [
        model for model in apps.get_models() if "site-packages" not in model._meta.app_config.path
    ]


def personal_models() -> list[type[models.Model]]:
    """Every model of Charter's apps that declares personal fields."""
    return [model for model in charter_models() if personal_fields(model)]


def subject_model(label: str) -> type[models.Model]:
    return apps.get_model(label)


def _foreign_keys(model: type[models.Model]) -> Iterator[models.ForeignKey[Any, Any]]:
    for field in model._meta.concrete_fields:
        if isinstance(field, models.ForeignKey):
            yield field


def _owned_paths(target: type[models.Model]) -> list[tuple[type[models.Model], str]]:
    """(model, path to the subject) for every model about the subject, breadth first."""
    found: list[tuple[type[models.Model], str]] = [(target, "pk")]
    frontier: list[tuple[type[models.Model], str, frozenset[type[models.Model]]]] = [
        (target, "", frozenset({target}))
    ]
    for depth in range(MAX_DEPTH):
        following = []
        for owner, owner_path, seen in frontier:
            for model in charter_models():
                if model in seen:
                    continue
                for field in _foreign_keys(model):
                    if field.related_model is not owner:
                        continue
                    if depth == 0 and field.name not in ABOUT_FIELDS:
                        continue  # an authorship key: who wrote the row, not whom it is about
                    path = f"{field.name}__{owner_path}" if owner_path else field.name
                    found.append((model, path))
                    following.append((model, path, seen | {model}))
        frontier = following
    return found


def subject_lookups(label: str) -> list[Lookup]:
    """Every way to find the rows of a subject of model `label`."""
    lookups = [Lookup(model=model, path=path) for model, path in _owned_paths(subject_model(label))]
    for model in personal_models():
        for name in personal_fields(model):
            field = model._meta.get_field(name)
            is_email = isinstance(field, models.EmailField) and model is not subject_model(label)
            if is_email or (model._meta.label_lower, name) in ADDRESS_FIELDS:
                lookups.append(Lookup(model=model, address=name))
    return lookups


def uncovered_personal_models() -> list[str]:
    """Labels of models with personal fields that no subject reaches and no reason excuses."""
    reached = {lookup.label for label in SUBJECT_LABELS for lookup in subject_lookups(label)}
    return sorted(
        model._meta.label_lower
        for model in personal_models()
        if model._meta.label_lower not in reached | set(UNATTRIBUTED)
    )


def organization_scope(model: type[models.Model], organization: models.Model) -> Q | None:
    """The rows of `model` that belong to `organization`; None for rows of a person's
    account that no organisation owns (their tokens, preferences, digests)."""
    project_path: str | None = getattr(model, "policy_project_path", None)
    if project_path:
        return Q(**{f"{project_path}__organization": organization})
    names = {field.name for field in model._meta.concrete_fields}
    org_path: str | None = getattr(model, "policy_organization_path", None)
    if org_path and "__" in org_path:
        # A path through a relation ("stakeholder__organization"), as the policy walks it.
        return Q(**{org_path: organization})
    if org_path or "organization" in names:
        field = model._meta.get_field(org_path or "organization")
        if isinstance(field, models.ForeignKey):
            return Q(**{org_path or "organization": organization})
    if "organization_id" in names or "organization" in names:
        # A model below accounts keeps the organisation as a bare id; none: a person's own.
        return Q(organization_id=organization.pk) | Q(organization_id__isnull=True)
    return None


def _scoped(model: type[models.Model], organization: models.Model) -> QuerySet[Any]:
    rows = model._default_manager.all()
    scope = organization_scope(model, organization)
    return rows if scope is None else rows.filter(scope)


def subject_address(subject: models.Model) -> str:
    return str(getattr(subject, "email", "") or "")


@dataclass
class Holding:
    """The rows one lookup finds for a subject."""

    lookup: Lookup
    rows: list[models.Model]


def subject_holdings(*, subject: models.Model, organization: models.Model) -> list[Holding]:
    """Every row Charter holds about `subject` in `organization`, lookup by lookup (a row found
    twice is kept once, under the first lookup that found it)."""
    label = subject._meta.label_lower
    address = subject_address(subject)
    seen: set[tuple[str, Any]] = set()
    holdings: list[Holding] = []
    ids: set[str] = set()
    for lookup in subject_lookups(label):
        if lookup.path:
            rows = _scoped(lookup.model, organization).filter(**{lookup.path: subject.pk})
        elif address:
            rows = _scoped(lookup.model, organization).filter(
                **{f"{lookup.address}__iexact": address}
            )
        else:
            continue
        kept = []
        for row in rows.order_by("pk"):
            key = (lookup.label, row.pk)
            if key not in seen:
                seen.add(key)
                kept.append(row)
                ids.add(str(row.pk))
        holdings.append(Holding(lookup=lookup, rows=kept))
    holdings.append(_outbox_references(organization, ids, seen))
    return holdings


def _outbox_references(
    organization: models.Model, ids: set[str], seen: set[tuple[str, Any]]
) -> Holding:
    """Outbox messages whose payload names one of the subject's rows."""
    model = apps.get_model(OUTBOX_LABEL)
    lookup = Lookup(model=model, path="", address="payload")
    kept = []
    for message in _scoped(model, organization).order_by("pk").iterator():
        payload = message.payload if isinstance(message.payload, dict) else {}
        if any(str(value) in ids for value in payload.values()) and (
            (OUTBOX_LABEL, message.pk) not in seen
        ):
            seen.add((OUTBOX_LABEL, message.pk))
            kept.append(message)
    return Holding(lookup=lookup, rows=kept)


def exported_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    """The fields of a row the export shows: all but secrets (excluded fields, and values
    written once and never shown, such as link nonces and key hashes)."""
    hidden = set(excluded_fields(model))
    return [
        field
        for field in model._meta.concrete_fields
        if field.name not in hidden
        and not (isinstance(field, models.CharField) and not field.editable)
    ]
