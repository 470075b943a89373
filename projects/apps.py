from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"

    def ready(self) -> None:
        from audit.actions import register_actions
        from projects import gates  # noqa: F401  (registers this app's gate criteria)
        from projects.audit_actions import ProjectsAction

        register_actions(ProjectsAction)
