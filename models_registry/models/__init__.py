"""The models of the Select phase (and, as they arrive, of Adapt, Integrate and Operate)."""

from models_registry.models.adapt import (
    BiasCheck,
    Dataset,
    Evaluation,
    EvaluationMetric,
    FineTuneRun,
    HumanFeedback,
    ModelVersion,
    PromptTemplate,
    PromptVersion,
    UserTestSession,
)
from models_registry.models.catalogue import (
    MODALITIES,
    VENDOR_CERTIFICATIONS,
    CatalogueModel,
    ExchangeRate,
    Vendor,
    VendorAssessment,
)
from models_registry.models.experiments import ABTest, ABVariant
from models_registry.models.selection import (
    MAX_SCORE,
    MIN_SCORE,
    Candidate,
    Criterion,
    DecisionApproval,
    DecisionRecord,
    Score,
    ScoreSheet,
    Workload,
)

__all__ = [
    "MAX_SCORE",
    "MIN_SCORE",
    "MODALITIES",
    "VENDOR_CERTIFICATIONS",
    "ABTest",
    "ABVariant",
    "BiasCheck",
    "Candidate",
    "CatalogueModel",
    "Criterion",
    "Dataset",
    "DecisionApproval",
    "DecisionRecord",
    "Evaluation",
    "EvaluationMetric",
    "ExchangeRate",
    "FineTuneRun",
    "HumanFeedback",
    "ModelVersion",
    "PromptTemplate",
    "PromptVersion",
    "Score",
    "ScoreSheet",
    "UserTestSession",
    "Vendor",
    "VendorAssessment",
    "Workload",
]
