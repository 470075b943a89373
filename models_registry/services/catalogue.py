"""The organisation's model catalogue: models by hand (with a version check on edit), imports
of a whole file (JSON or CSV, all or nothing), the shipped starter catalogue, and the exchange
rates its prices are converted with."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from accounts.audit_actions import AccountsAction
from accounts.models import Organization, User
from accounts.permissions import Perm, require
from audit.writer import audit_record
from core.errors import ConflictError, reject_unknown_fields
from core.money import validate_currency
from core.services import model_update, snapshot
from models_registry import catalogue_io
from models_registry.audit_actions import ModelsRegistryAction as Action
from models_registry.licences import normalise_licence
from models_registry.models import MODALITIES, Candidate, CatalogueModel, ExchangeRate, Vendor
from models_registry.services.vendors import new_vendor

MODEL_FIELDS = (
    "vendor",
    "provider",
    "name",
    "version",
    "source",
    "licence",
    "commercial_terms",
    "parameter_count",
    "context_window",
    "modalities",
    "hosting",
    "data_residency",
    "input_price_per_million",
    "output_price_per_million",
    "currency",
    "price_as_of",
    "limitations",
    "model_card_url",
)
AUDITED_FIELDS = (
    "provider",
    "name",
    "version",
    "source",
    "hosting",
    "vendor",
    "licence",
    "licence_is_spdx",
    "input_price_per_million",
    "output_price_per_million",
    "currency",
    "price_as_of",
)
STARTER_FILE = Path(__file__).resolve().parent.parent / "data" / "starter_catalogue.json"

STALE = "Someone changed this model since you opened it: reload and apply your edit again."
VENDOR_ELSEWHERE = "Pick a vendor of this organisation."
PRICE_NEEDS_CURRENCY = "A price needs its currency (ISO 4217, such as USD)."
PRICE_NEEDS_DATE = "Say when the price was published (its “as of” date)."
UNKNOWN_MODALITY = "Unknown modality {code!r}: use {codes}."
REPEATED_MODALITY = "Modality {code!r} is listed twice."
MODEL_TAKEN = "The catalogue already has this provider, name and version."
REPEATED_ROW = "The same provider, name and version as {where}."
IN_USE = (
    "This model is a candidate in {count} project(s): it cannot be deleted while a "
    "selection uses it. Remove the candidate from those projects first."
)
RATE_NOT_POSITIVE = "The rate must be greater than zero."
OWN_CURRENCY = "This is the organisation's own currency: it needs no rate."


def _exact(value: Any, *, places: int, below: int) -> Any:
    """A Decimal with `places` decimals when it has no more (2.5 → 2.5000, as the database
    gives it back), so that comparing with the stored value sees no change; anything else
    is left for the field's validation to refuse."""
    if isinstance(value, Decimal) and value.is_finite() and abs(value) < below:
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent >= -places:
            return value.quantize(Decimal(1).scaleb(-places))
    return value


# --- one model ---------------------------------------------------------------------------------


def _check_model(model: CatalogueModel) -> None:
    """The rules across fields: the licence normalised and flagged, modalities known,
    a price only with its currency and date, the vendor of the same organisation, and the
    (provider, name, version) free in the catalogue."""
    errors = model_problems(model)
    try:
        model.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, " ".join(messages))
    if not errors and (
        CatalogueModel.objects.filter(
            organization_id=model.organization_id,
            provider=model.provider,
            name=model.name,
            version=model.version,
        )
        .exclude(pk=model.pk)
        .exists()
    ):
        errors["name"] = MODEL_TAKEN
    if errors:
        raise ValidationError(errors)


def model_problems(model: CatalogueModel) -> dict[str, str]:
    """{field: message} of the cross-field rules (no query); normalises what it checks."""
    model.provider = " ".join(model.provider.split())
    model.name = " ".join(model.name.split())
    model.version = model.version.strip()
    model.licence, model.licence_is_spdx = normalise_licence(model.licence)
    errors: dict[str, str] = {}
    if not isinstance(model.modalities, list) or not all(
        isinstance(m, str) for m in model.modalities
    ):
        errors["modalities"] = catalogue_io.NOT_LIST
    else:
        seen: set[str] = set()
        for code in model.modalities:
            if code not in MODALITIES:
                errors["modalities"] = UNKNOWN_MODALITY.format(
                    code=code, codes=", ".join(MODALITIES)
                )
            elif code in seen:
                errors["modalities"] = REPEATED_MODALITY.format(code=code)
            seen.add(code)
    for name in ("input_price_per_million", "output_price_per_million"):
        setattr(model, name, _exact(getattr(model, name), places=4, below=10**8))
    priced = model.input_price_per_million is not None or model.output_price_per_million is not None
    if priced and not model.currency:
        errors["currency"] = PRICE_NEEDS_CURRENCY
    if priced and model.price_as_of is None:
        errors["price_as_of"] = PRICE_NEEDS_DATE
    if model.vendor is not None and model.vendor.organization_id != model.organization_id:
        errors["vendor"] = VENDOR_ELSEWHERE
    return errors


@transaction.atomic
def catalogue_model_create(
    *, actor: User, organization: Organization, **fields: Any
) -> CatalogueModel:
    """Add a model to the organisation's catalogue (administrators)."""
    require(actor, Perm.CATALOGUE_MANAGE, organization)
    reject_unknown_fields(fields, MODEL_FIELDS)
    model = CatalogueModel(organization=organization, **fields)
    _check_model(model)
    model.full_clean()
    model.save()
    audit_record(
        actor=actor,
        action=Action.CATALOGUE_MODEL_CREATED,
        target=model,
        data=snapshot(model, AUDITED_FIELDS),
    )
    return model


@transaction.atomic
def catalogue_model_update(
    *, actor: User, model: CatalogueModel, expected_version: int, **changes: Any
) -> CatalogueModel:
    """Change a catalogue model (administrators). `expected_version` is the
    `version_counter` the editor saw: a save in between refuses the edit (409)."""
    require(actor, Perm.CATALOGUE_MANAGE, model)
    locked = CatalogueModel.objects.select_for_update().get(pk=model.pk)
    if locked.version_counter != expected_version:
        raise ConflictError(
            STALE, code="stale_version", details={"current_version": locked.version_counter}
        )
    locked, changed = model_update(
        instance=locked,
        fields=MODEL_FIELDS,
        data=changes,
        check=_check_model,
        counter="version_counter",
        save_with=["licence_is_spdx"] if "licence" in changes else [],
    )
    if changed:
        if "licence" in changed:
            changed["licence_is_spdx"] = {"new": locked.licence_is_spdx}
        audit_record(
            actor=actor, action=Action.CATALOGUE_MODEL_UPDATED, target=locked, data=changed
        )
    return locked


@transaction.atomic
def catalogue_model_delete(*, actor: User, model: CatalogueModel) -> None:
    """Remove a model from the catalogue (administrators); refused (409) while a project's
    selection has it as a candidate."""
    require(actor, Perm.CATALOGUE_MANAGE, model)
    locked = CatalogueModel.objects.select_for_update().get(pk=model.pk)
    uses = Candidate.objects.filter(catalogue_model=locked).values("project_id").distinct().count()
    if uses:
        raise ConflictError(IN_USE.format(count=uses), code="in_use", details={"projects": uses})
    data = snapshot(locked, ["provider", "name", "version", "source", "vendor"])
    target_id = str(locked.pk)
    try:
        with transaction.atomic():
            locked.delete()
    except ProtectedError as error:  # a candidate added meanwhile
        raise ConflictError(IN_USE.format(count=1), code="in_use") from error
    audit_record(
        actor=actor,
        action=Action.CATALOGUE_MODEL_DELETED,
        target_type=CatalogueModel._meta.label_lower,
        target_id=target_id,
        organization=locked.organization,
        data=data,
    )


# --- a whole file -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    vendors_created: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def _problem(where: str, name: str, messages: list[str]) -> catalogue_io.Problem:
    return catalogue_io.Problem(where, "" if name == "__all__" else name, " ".join(messages))


@transaction.atomic
def catalogue_import(
    *,
    actor: User,
    organization: Organization,
    content: bytes,
    file_format: str,
    origin: str = "file",
) -> ImportResult:
    """Import a catalogue file (administrators): rows matched on (provider, name, version)
    are updated, the others created, and a vendor named but not yet on file is added.

    The whole file is checked first; any problem refuses all of it with every problem listed
    (where and which field), and nothing is written. One `catalogue.imported` event sums it
    up; each model created or changed also gets its own event, so every model's history
    reads the same whether it was edited by hand or by file.
    """
    require(actor, Perm.CATALOGUE_MANAGE, organization)
    parsed = catalogue_io.parse(content, file_format)
    problems = list(parsed.problems)
    # One import at a time per organisation: the matching below must see every row.
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    existing = {
        (m.provider, m.name, m.version): m
        for m in CatalogueModel.objects.select_for_update(of=("self",))
        .filter(organization=organization)
        .select_related("vendor")
    }
    vendors = {v.name.casefold(): v for v in Vendor.objects.filter(organization=organization)}
    new_vendor_names: dict[str, str] = {}  # casefolded → as first written
    seen: dict[tuple[str, str, str], str] = {}
    plan: list[tuple[CatalogueModel, dict[str, Any] | None, str]] = []
    for row in parsed.rows:
        values = dict(row.values)
        vendor_name = " ".join(str(values.pop("vendor", "") or "").split())
        key = (
            " ".join(str(values.get("provider", "")).split()),
            " ".join(str(values.get("name", "")).split()),
            str(values.get("version", "")).strip(),
        )
        if key in seen:
            problems.append(
                catalogue_io.Problem(row.where, "name", REPEATED_ROW.format(where=seen[key]))
            )
            continue
        seen[key] = row.where
        model = existing.get(key)
        full_before = snapshot(model, MODEL_FIELDS) if model is not None else None
        if model is None:
            model = CatalogueModel(organization=organization)
        for name, value in values.items():
            setattr(model, name, value)
        if "vendor" in row.values:
            model.vendor = vendors.get(vendor_name.casefold()) if vendor_name else None
            if vendor_name and model.vendor is None:
                new_vendor_names.setdefault(vendor_name.casefold(), vendor_name)
        errors = model_problems(model)
        try:
            model.full_clean(
                exclude=["organization", "vendor"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(name, " ".join(messages))
        problems.extend(_problem(row.where, name, [msg]) for name, msg in sorted(errors.items()))
        plan.append((model, full_before, vendor_name if model.vendor is None else ""))
    if problems:
        raise ValidationError({"file": catalogue_io.problem_messages(problems)})

    for folded, name in new_vendor_names.items():
        vendors[folded] = new_vendor(actor=actor, organization=organization, name=name)
    created = updated = unchanged = 0
    for model, full_before, vendor_name in plan:
        if vendor_name:
            model.vendor = vendors[vendor_name.casefold()]
        if full_before is None:
            model.save()
            created += 1
            audit_record(
                actor=actor,
                action=Action.CATALOGUE_MODEL_CREATED,
                target=model,
                data=snapshot(model, AUDITED_FIELDS) | {"via": "import"},
            )
            continue
        after = snapshot(model, MODEL_FIELDS)
        changed = {
            name: {"old": full_before[name], "new": after[name]}
            for name in MODEL_FIELDS
            if full_before[name] != after[name]
        }
        if not changed:
            unchanged += 1
            continue
        model.version_counter += 1
        model.save()
        updated += 1
        audit_record(
            actor=actor,
            action=Action.CATALOGUE_MODEL_UPDATED,
            target=model,
            data=changed | {"via": "import"},
        )
    result = ImportResult(created, updated, unchanged, len(new_vendor_names))
    audit_record(
        actor=actor,
        action=Action.CATALOGUE_IMPORTED,
        target=organization,
        data={
            "origin": origin,
            "format": file_format,
            "sha256": hashlib.sha256(content).hexdigest(),
            "rows": result.total,
            "created": created,
            "updated": updated,
            "unchanged": unchanged,
            "vendors_created": result.vendors_created,
        },
    )
    return result


def starter_catalogue() -> bytes:
    """The starter catalogue shipped with Charter (models_registry/data/)."""
    return STARTER_FILE.read_bytes()


@transaction.atomic
def catalogue_import_starter(*, actor: User, organization: Organization) -> ImportResult:
    """Import the shipped starter catalogue (administrators), like any other file: models
    already there are updated to the shipped figures, the others added."""
    return catalogue_import(
        actor=actor,
        organization=organization,
        content=starter_catalogue(),
        file_format="json",
        origin="starter",
    )


# --- exchange rates and the organisation's currency ---------------------------------------------


@transaction.atomic
def exchange_rate_set(
    *,
    actor: User,
    organization: Organization,
    currency: str,
    rate: Decimal,
    as_of: date,
) -> ExchangeRate:
    """Record what one unit of `currency` is worth in the organisation's currency on a day
    (administrators); setting the same currency and day again replaces the rate."""
    require(actor, Perm.CATALOGUE_MANAGE, organization)
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    currency = currency.strip().upper()
    errors = {}
    if currency == org.currency:
        errors["currency"] = OWN_CURRENCY
    if rate <= 0:
        errors["rate"] = RATE_NOT_POSITIVE
    if errors:
        raise ValidationError(errors)
    rate = _exact(rate, places=8, below=10**10)
    found = (
        ExchangeRate.objects.select_for_update()
        .filter(organization=org, currency=currency, as_of=as_of)
        .first()
    )
    if found is not None and found.rate == rate:
        return found
    old = str(found.rate) if found is not None else None
    row = found or ExchangeRate(organization=org, currency=currency, as_of=as_of)
    row.rate = rate
    row.full_clean()
    row.save()
    audit_record(
        actor=actor,
        action=Action.EXCHANGE_RATE_SET,
        target=row,
        data={
            "currency": currency,
            "into": org.currency,
            "as_of": as_of.isoformat(),
            "rate": {"old": old, "new": str(row.rate)},
        },
    )
    return row


@transaction.atomic
def organization_currency_set(
    *, actor: User, organization: Organization, currency: str
) -> Organization:
    """Change the currency the organisation's costs are shown in (administrators). The
    exchange rates on file convert into the old currency, so they go; the audit event lists
    them, and decision records keep the costs they froze."""
    require(actor, Perm.ORG_MANAGE, organization)
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    currency = currency.strip().upper()
    try:
        validate_currency(currency)
    except ValidationError as error:
        raise ValidationError({"currency": error.messages}) from error
    if currency == org.currency:
        return org
    rates = ExchangeRate.objects.filter(organization=org)
    removed = [
        {"currency": r.currency, "rate": str(r.rate), "as_of": r.as_of.isoformat()}
        for r in rates.order_by("currency", "as_of")
    ]
    rates.delete()
    org, changes = model_update(instance=org, fields=["currency"], data={"currency": currency})
    audit_record(
        actor=actor,
        action=AccountsAction.ORGANIZATION_SETTINGS_CHANGED,
        target=org,
        data=changes | {"exchange_rates_removed": removed},
    )
    return org
