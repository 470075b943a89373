from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"

    def ready(self) -> None:
        from projects import gates  # noqa: F401  (registers this app's gate criteria)
