"""What models_registry does when the apps below it announce something."""

from typing import Any

from django.dispatch import receiver

from models_registry.services.feedback import feedback_from_product
from models_registry.services.selection import selection_defaults_create
from projects.signals import product_feedback_received, project_created


@receiver(project_created, dispatch_uid="models_registry.selection_defaults")
def start_selection(sender: Any, project: Any, actor: Any, **kwargs: Any) -> None:
    """Every project starts with the five standard criteria and an empty workload."""
    selection_defaults_create(project=project)


@receiver(product_feedback_received, dispatch_uid="models_registry.human_feedback")
def triage_product_feedback(
    sender: Any,
    project: Any,
    feedback_id: Any,
    rating: int,
    comment: str,
    model_ref: str,
    **kwargs: Any,
) -> None:
    """What end users say about the product becomes human feedback on the model to triage."""
    feedback_from_product(
        project=project,
        feedback_id=feedback_id,
        rating=rating,
        comment=comment,
        model_ref=model_ref,
    )
