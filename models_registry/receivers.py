"""What models_registry does when the apps below it announce something."""

from typing import Any

from django.dispatch import receiver

from models_registry.services.selection import selection_defaults_create
from projects.signals import project_created


@receiver(project_created, dispatch_uid="models_registry.selection_defaults")
def start_selection(sender: Any, project: Any, actor: Any, **kwargs: Any) -> None:
    """Every project starts with the five standard criteria and an empty workload."""
    selection_defaults_create(project=project)
