"""Beat's scheduler: django-celery-beat's, with the code's schedule as the first entries only.

django-celery-beat's own DatabaseScheduler writes `beat_schedule` over the database on every
start, so a schedule changed in the admin would snap back at the next deploy. This one adds
the code's entries that the database does not have yet and leaves the others as an
administrator set them (interval, enabled, arguments).
"""

from typing import Any

from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler


class SeedingDatabaseScheduler(DatabaseScheduler):
    def update_from_dict(self, mapping: dict[str, Any]) -> None:
        """Install the entries of `mapping` that the database lacks."""
        known = set(
            PeriodicTask.objects.filter(name__in=list(mapping)).values_list("name", flat=True)
        )
        super().update_from_dict({k: v for k, v in mapping.items() if k not in known})
