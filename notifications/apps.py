from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self) -> None:
        from notifications import receivers  # noqa: F401  (subscribe to the lower apps' signals)
        from notifications.outbox import register_handlers

        register_handlers()
