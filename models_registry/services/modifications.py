"""Possible substantial modifications (EU AI Act Art. 3(23), Art. 43(4)): flagged when a change
to the model reaches a project already in Integrate or Operate, announced to the apps that act
on it (compliance re-opens the checks the change touches), and assessed by a compliance officer.

A flag is raised inside the transaction of the write that caused it, so a refused write flags
nothing; flags are keyed by what raised them, so a retried or repeated write flags once.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.permissions import Actor, Perm, require
from audit.writer import audit_record
from models_registry.audit_actions import ModelsRegistryAction as Action
from models_registry.models import ModelVersion, ModificationFlag, OptimisationRecord
from models_registry.signals import modification_flagged
from projects.models import Project

Kind = ModificationFlag.Kind
Status = ModificationFlag.Status
# Changes before Integrate are the system being built, not a modification of it.
FLAGGED_PHASES = ("integrate", "operate")
WEIGHT_CHANGING_ADAPTATIONS = (ModelVersion.Adaptation.FINE_TUNE, ModelVersion.Adaptation.ALIGNMENT)
OPTIMISATION_KINDS = {
    OptimisationRecord.Technique.QUANTIZATION: Kind.QUANTIZATION,
    OptimisationRecord.Technique.PRUNING: Kind.PRUNING,
    OptimisationRecord.Technique.DISTILLATION: Kind.DISTILLATION,
}
VERDICTS = (Status.SUBSTANTIAL, Status.NOT_SUBSTANTIAL)
PICK_VERDICT = "Say whether it is a substantial modification or not."
EXPLAIN = "Say why: what changed, and how it bears on the intended purpose and compliance."
ALREADY_ASSESSED = "This change is already assessed ({status})."


def _flag(
    *,
    actor: Actor,
    project: Project,
    kind: str,
    source: Any,
    model_version: ModelVersion | None,
    summary: str,
) -> ModificationFlag | None:
    # Read afresh: the caller's project may predate a gate passed in the meantime.
    phase = Project.objects.values_list("phase", flat=True).get(pk=project.pk)
    if phase not in FLAGGED_PHASES:
        return None
    flag, created = ModificationFlag.objects.get_or_create(
        source_type=source._meta.model_name,
        source_id=source.pk,
        kind=kind,
        defaults={
            "project": project,
            "phase": phase,
            "model_version": model_version,
            "summary": summary[:300],
        },
    )
    if not created:
        return flag
    audit_record(
        actor=actor,
        action=Action.MODIFICATION_FLAGGED,
        target=flag,
        project=project,
        data={
            "kind": kind,
            "phase": phase,
            "source": {"type": flag.source_type, "id": str(source.pk)},
            "model_version": None if model_version is None else str(model_version.pk),
        },
    )
    modification_flagged.send(sender=ModificationFlag, flag=flag, actor=actor)
    return flag


def flag_model_version(*, actor: Actor, project: Project, version: ModelVersion) -> None:
    """A new version that changes the weights (fine-tuning, alignment) or the base model."""
    parent = version.parent
    if parent is not None and version.base_model_id != parent.base_model_id:
        _flag(
            actor=actor,
            project=project,
            kind=Kind.BASE_MODEL_CHANGE,
            source=version,
            model_version=version,
            summary=f"{version.name}: base model changed from {parent.base_model} "
            f"to {version.base_model}",
        )
    if version.adaptation in WEIGHT_CHANGING_ADAPTATIONS:
        flag_fine_tune(actor=actor, project=project, version=version)


def flag_fine_tune(*, actor: Actor, project: Project, version: ModelVersion) -> None:
    """A version a fine-tune produced: keyed by the version, so recording the run and the
    version (in either order) flags the one change once."""
    _flag(
        actor=actor,
        project=project,
        kind=Kind.FINE_TUNE,
        source=version,
        model_version=version,
        summary=f"{version.name}: {version.get_adaptation_display().lower()} of "
        f"{version.parent or 'the base model'}",
    )


def flag_optimisation(*, actor: Actor, project: Project, record: OptimisationRecord) -> None:
    """A quantisation, pruning or distillation changes the weights; a compilation for other
    hardware does not, and is not flagged."""
    kind = OPTIMISATION_KINDS.get(record.technique)  # type: ignore[call-overload]
    if kind is None:
        return
    _flag(
        actor=actor,
        project=project,
        kind=kind,
        source=record,
        model_version=record.after,
        summary=f"{record.get_technique_display()}: {record.before} → {record.after}",
    )


@transaction.atomic
def modification_assess(
    *, actor: User, flag: ModificationFlag, verdict: str, assessment: str
) -> ModificationFlag:
    """A compliance officer's judgement: substantial (a new conformity assessment is due,
    Art. 43(4)) or not, and why. The re-opened checks are reviewed on their own."""
    require(actor, Perm.PROJECT_APPROVE_COMPLIANCE, flag)
    locked = ModificationFlag.objects.select_for_update().get(pk=flag.pk)
    if not locked.is_open:
        raise ValidationError(
            {"verdict": ALREADY_ASSESSED.format(status=locked.get_status_display())}
        )
    if verdict not in VERDICTS:
        raise ValidationError({"verdict": PICK_VERDICT})
    if not assessment.strip():
        raise ValidationError({"assessment": EXPLAIN})
    locked.status = verdict
    locked.assessment = assessment.strip()
    locked.assessed_by = actor
    locked.assessed_at = timezone.now()
    locked.full_clean()
    locked.save(update_fields=["status", "assessment", "assessed_by", "assessed_at", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.MODIFICATION_ASSESSED,
        target=locked,
        project=locked.project,
        data={"verdict": verdict, "assessment": locked.assessment},
    )
    return locked
