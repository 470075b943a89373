from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"

    def ready(self) -> None:
        from audit.actions import register_actions
        from projects import gates, panels  # noqa: F401  (register criteria, dashboard panels)
        from projects.audit_actions import ProjectsAction

        register_actions(ProjectsAction)
