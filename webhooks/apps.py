from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"

    def ready(self) -> None:
        from audit.actions import register_actions
        from webhooks import receivers  # noqa: F401  (subscribes to the lower apps' signals)
        from webhooks.audit_actions import WebhooksAction
        from webhooks.outbox import register_handlers

        register_actions(WebhooksAction)
        register_handlers()
