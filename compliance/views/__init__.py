"""HTML pages of compliance: the audit trail, the framework catalogue, classification,
checks, evidence and the workspace."""
