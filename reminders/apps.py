from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "reminders"

    def ready(self) -> None:
        from audit.actions import register_actions
        from reminders.audit_actions import RemindersAction
        from reminders.outbox import register_handlers

        register_actions(RemindersAction)
        register_handlers()
