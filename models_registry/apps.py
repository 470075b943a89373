from django.apps import AppConfig


class ModelsRegistryConfig(AppConfig):
    name = "models_registry"

    def ready(self) -> None:
        from audit.actions import register_actions
        from models_registry import gates, panels, receivers  # noqa: F401  (criteria, panels, receivers)
        from models_registry.audit_actions import ModelsRegistryAction

        register_actions(ModelsRegistryAction)
