from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self) -> None:
        from audit.actions import register_actions
        from reports.audit_actions import ReportsAction
        from reports.outbox import register_handlers

        register_actions(ReportsAction)
        register_handlers()
