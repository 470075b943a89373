"""Read queries of projects, always scoped by the permission policy; one module per record
kind, re-exported here."""

from projects.selectors.feasibility import feasibility_get_for_user, feasibility_list
from projects.selectors.gates import (
    GateStatus,
    gate_request_get_for_user,
    gate_status,
    phase_history,
)
from projects.selectors.intake import proposal_get_for_user, proposal_list_for_user
from projects.selectors.projects import (
    project_audit_events,
    project_get_for_user,
    project_list_for_user,
    project_member_candidates,
    project_member_get,
    project_member_list,
    project_overview,
    project_owner_choices,
    project_people,
    project_people_list,
    project_person_get,
)
from projects.selectors.risks import RISK_SORTS, risk_get_for_user, risk_heat_map, risk_list
from projects.selectors.scope import (
    DIFFED_FIELDS,
    approved_scope_version,
    approved_success_criteria,
    scope_version_diff,
    scope_version_get_for_user,
    scope_version_list,
    upcoming_milestones,
)
from projects.selectors.tasks import task_get_for_user, task_list_for_user

__all__ = [
    "DIFFED_FIELDS",
    "RISK_SORTS",
    "GateStatus",
    "approved_scope_version",
    "approved_success_criteria",
    "feasibility_get_for_user",
    "feasibility_list",
    "gate_request_get_for_user",
    "gate_status",
    "phase_history",
    "project_audit_events",
    "project_get_for_user",
    "project_list_for_user",
    "project_member_candidates",
    "project_member_get",
    "project_member_list",
    "project_overview",
    "project_owner_choices",
    "project_people",
    "project_people_list",
    "project_person_get",
    "proposal_get_for_user",
    "proposal_list_for_user",
    "risk_get_for_user",
    "risk_heat_map",
    "risk_list",
    "scope_version_diff",
    "scope_version_get_for_user",
    "scope_version_list",
    "task_get_for_user",
    "task_list_for_user",
    "upcoming_milestones",
]
