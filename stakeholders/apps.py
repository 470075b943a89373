from django.apps import AppConfig


class StakeholdersConfig(AppConfig):
    name = "stakeholders"

    def ready(self) -> None:
        from stakeholders import gates  # noqa: F401  (registers this app's gate criteria)
        from stakeholders.outbox import register_handlers

        register_handlers()
