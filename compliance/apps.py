from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "compliance"

    def ready(self) -> None:
        from audit.actions import register_actions
        from compliance import gates, panels, receivers  # noqa: F401  (criteria, panels, receivers)
        from compliance.audit_actions import ComplianceAction

        register_actions(ComplianceAction)
