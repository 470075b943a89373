"""Model catalogue, candidates, versions, evaluations and deployments: arrive with their issue."""
