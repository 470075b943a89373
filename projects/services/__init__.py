"""Every state change of projects, one module per record kind, re-exported here."""

from projects.services.feasibility import (
    feasibility_create,
    feasibility_sign_off,
    feasibility_update,
)
from projects.services.gates import (
    gate_approve,
    gate_move_back,
    gate_reject,
    gate_request,
    gate_withdraw,
)
from projects.services.intake import (
    proposal_accept,
    proposal_reject,
    proposal_request_info,
    proposal_resubmit,
    proposal_submit,
)
from projects.services.projects import (
    project_create,
    project_member_add,
    project_member_change_role,
    project_member_remove,
    project_risk_tier_set,
    project_update,
)
from projects.services.risks import (
    risk_create,
    risk_create_from_library,
    risk_update,
)
from projects.services.scope import (
    scope_version_approve,
    scope_version_comment,
    scope_version_create,
    scope_version_request_changes,
    scope_version_submit,
)
from projects.services.tasks import task_create, task_update

__all__ = [
    "feasibility_create",
    "feasibility_sign_off",
    "feasibility_update",
    "gate_approve",
    "gate_move_back",
    "gate_reject",
    "gate_request",
    "gate_withdraw",
    "project_create",
    "project_member_add",
    "project_member_change_role",
    "project_member_remove",
    "project_risk_tier_set",
    "project_update",
    "proposal_accept",
    "proposal_reject",
    "proposal_request_info",
    "proposal_resubmit",
    "proposal_submit",
    "risk_create",
    "risk_create_from_library",
    "risk_update",
    "scope_version_approve",
    "scope_version_comment",
    "scope_version_create",
    "scope_version_request_changes",
    "scope_version_submit",
    "task_create",
    "task_update",
]
