"""The models of the Select phase (and, as they arrive, of Adapt, Integrate and Operate)."""

from models_registry.models.adapt import (
    BiasCheck,
    Dataset,
    Evaluation,
    EvaluationMetric,
    FineTuneRun,
    ModelVersion,
    PromptTemplate,
    PromptVersion,
)
from models_registry.models.catalogue import (
    MODALITIES,
    VENDOR_CERTIFICATIONS,
    CatalogueModel,
    ExchangeRate,
    Vendor,
    VendorAssessment,
)
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
    "ModelVersion",
    "PromptTemplate",
    "PromptVersion",
    "Score",
    "ScoreSheet",
    "Vendor",
    "VendorAssessment",
    "Workload",
]
