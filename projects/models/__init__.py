"""Projects and their Scope phase: one module per record kind, re-exported here."""

from projects.models.feasibility import FeasibilityStudy
from projects.models.gates import GateApproval, GateRequest, PhaseChange
from projects.models.intake import UseCaseProposal
from projects.models.project import Project
from projects.models.risks import Risk
from projects.models.scope import (
    Milestone,
    ScopeDocument,
    ScopeReviewComment,
    ScopeVersion,
    SuccessCriterion,
)
from projects.models.tasks import Task

__all__ = [
    "FeasibilityStudy",
    "GateApproval",
    "GateRequest",
    "Milestone",
    "PhaseChange",
    "Project",
    "Risk",
    "ScopeDocument",
    "ScopeReviewComment",
    "ScopeVersion",
    "SuccessCriterion",
    "Task",
    "UseCaseProposal",
]
