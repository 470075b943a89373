from django.apps import AppConfig


class StakeholdersConfig(AppConfig):
    name = "stakeholders"

    def ready(self) -> None:
        from audit.actions import register_actions
        from stakeholders import gates, panels  # noqa: F401  (register criteria, dashboard panels)
        from stakeholders.audit_actions import StakeholdersAction
        from stakeholders.outbox import register_handlers

        register_actions(StakeholdersAction)
        register_handlers()
