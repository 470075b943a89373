"""Beat reads its schedule from the database: the code's entries seed it, and a schedule an
administrator changed stays as they set it when beat starts again."""

import pytest
from django.conf import settings
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from config.beat import SeedingDatabaseScheduler
from config.celery import app

REMINDERS = "reminders-send-due-every-5-minutes"


@pytest.mark.django_db(transaction=True)
def test_the_code_schedule_seeds_the_database_and_an_edit_survives_a_restart():
    assert settings.CELERY_BEAT_SCHEDULER == "config.beat:SeedingDatabaseScheduler"

    SeedingDatabaseScheduler(app=app)

    names = set(PeriodicTask.objects.values_list("name", flat=True))
    assert set(app.conf.beat_schedule) <= names
    entry = PeriodicTask.objects.get(name=REMINDERS)
    assert (entry.task, entry.interval.every, entry.interval.period) == (
        "reminders.tasks.reminders_send_due",
        300,
        "seconds",
    )

    entry.interval = IntervalSchedule.objects.create(every=900, period="seconds")
    entry.enabled = False
    entry.save()
    SeedingDatabaseScheduler(app=app)  # beat starts again (a deploy)

    entry.refresh_from_db()
    assert (entry.interval.every, entry.enabled) == (900, False)
    assert PeriodicTask.objects.filter(name=REMINDERS).count() == 1
