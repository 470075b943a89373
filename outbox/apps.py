from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = "Outbox"

    def ready(self) -> None:
        from outbox import taskruns

        taskruns.connect()  # every task run of a worker becomes a TaskRun row
