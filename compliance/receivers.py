"""What compliance does when the apps below it announce something."""

from typing import Any

from django.dispatch import receiver

from compliance.services.checks import checks_reopen_for_modification
from models_registry.signals import modification_flagged


@receiver(modification_flagged, dispatch_uid="compliance.reopen_for_modification")
def reopen_for_modification(sender: Any, flag: Any, **kwargs: Any) -> None:
    """A changed model is no longer the one the met checks judged: they go back to review."""
    checks_reopen_for_modification(flag=flag)
