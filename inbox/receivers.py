"""A save or delete of anything the inbox counts starts a new generation of the navigation's
kept counts (inbox/selectors.py): at once, and again when the transaction commits, so that a
count taken meanwhile from the old rows is not kept either. Bulk updates send no signal; the
kept counts' 30 seconds bound those."""

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from accounts.models import OrganizationMembership, ProjectMembership
from compliance.models import ComplianceCheck, Evidence
from core.models import SignOff
from inbox.selectors import inbox_counts_invalidate
from models_registry.models import Deployment, Incident, ModificationFlag
from projects.models import GateApproval, GateRequest, ScopeVersion, Task
from stakeholders.models import FeedbackRound

COUNTED = (
    GateRequest, GateApproval, SignOff, ScopeVersion, ComplianceCheck, Evidence, Incident,
    ModificationFlag, Deployment, FeedbackRound, Task, OrganizationMembership, ProjectMembership,
)  # fmt: skip


def _changed(sender: Any, **kwargs: Any) -> None:
    inbox_counts_invalidate()
    transaction.on_commit(inbox_counts_invalidate)


def connect() -> None:
    for model in COUNTED:
        uid = f"inbox.counts.{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, weak=False, dispatch_uid=f"{uid}.save")
        post_delete.connect(_changed, sender=model, weak=False, dispatch_uid=f"{uid}.delete")
