from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "inbox"

    def ready(self) -> None:
        from inbox import receivers

        receivers.connect()  # a change to what the inbox counts refreshes the nav's count
