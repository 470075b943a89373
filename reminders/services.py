"""The reminder engine: from database state, what falls due now, each reminder exactly once.

Every run looks at the window [now - CHARTER_REMINDER_CATCH_UP, now]: a reminder whose instant
lies in it and whose row does not exist yet is created and delivered. So a run that was
missed (beat down, worker down) is caught up by the next one, and a run repeated (a
duplicated beat tick, two beat processes, a task re-delivered after its worker died) finds
the rows there and does nothing: the unique key on Reminder decides, inside the database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from itertools import batched
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrganizationMembership, ProjectMembership, User
from notifications.kinds import REMINDER_DUE, Channel, kind_of
from notifications.selectors import notification_channels_for_user_ids
from notifications.services import Tell, notify_many
from projects.models import Project
from reminders.models import Reminder
from reminders.outbox import WHEN_TEXT, reminder_subject, reminder_when, reminders_enqueue
from reminders.rules import COMPLIANCE, MANAGERS, RULES, Due
from webhooks.events import WebhookEvent
from webhooks.services import webhook_events_publish

BATCH = 1000


def _escalation_delay() -> timedelta:
    return timedelta(days=settings.CHARTER_REMINDER_ESCALATE_AFTER_DAYS)


def _instants(
    due: Due, *, leads: Sequence[timedelta], escalates: bool, start: datetime, now: datetime
) -> Iterable[tuple[datetime, int]]:
    """The (instant, level) of each reminder of `due` that falls in [start, now]."""
    for lead in leads:
        instant = due.deadline - lead
        if lead > timedelta(0) and now >= due.deadline:
            continue  # a reminder ahead of a deadline that has passed says nothing useful
        if start <= instant <= now:
            yield instant, Reminder.Level.OWNER
    if escalates:
        for level in (Reminder.Level.MANAGERS, Reminder.Level.COMPLIANCE):
            instant = due.deadline + _escalation_delay() * level
            if start <= instant <= now:
                yield instant, level


def _offsets(leads: Sequence[timedelta], *, escalates: bool) -> list[timedelta]:
    """How long after its deadline each reminder of a rule falls (negative: before)."""
    offsets = [-lead for lead in leads]
    if escalates:
        offsets += [_escalation_delay() * level for level in (1, 2)]
    return offsets


def _managers(project_ids: set[UUID]) -> dict[UUID, set[UUID]]:
    """The owner and the managers of each project: two queries, whatever the count."""
    people: dict[UUID, set[UUID]] = defaultdict(set)
    if not project_ids:
        return people
    for project_id, owner_id in Project.objects.filter(pk__in=project_ids).values_list(
        "pk", "owner_id"
    ):
        people[project_id].add(owner_id)
    for project_id, user_id in ProjectMembership.objects.filter(
        project_id__in=project_ids, role=ProjectMembership.Role.MANAGER
    ).values_list("project_id", "user_id"):
        people[project_id].add(user_id)
    return people


def _officers(organization_ids: set[UUID]) -> dict[UUID, set[UUID]]:
    """The compliance officers of each organisation: one query."""
    people: dict[UUID, set[UUID]] = defaultdict(set)
    if not organization_ids:
        return people
    for organization_id, user_id in OrganizationMembership.objects.filter(
        organization_id__in=organization_ids, role=OrganizationMembership.Role.COMPLIANCE_OFFICER
    ).values_list("organization_id", "user_id"):
        people[organization_id].add(user_id)
    return people


def reminders_due(*, now: datetime) -> list[Reminder]:
    """The reminders that fall due in the window ending `now` (unsaved; some may exist)."""
    start = now - settings.CHARTER_REMINDER_CATCH_UP
    leads_by_kind: dict[str, list[timedelta]] = settings.CHARTER_REMINDER_LEADS
    found: list[tuple[str, Due, datetime, int]] = []
    for kind, rule in RULES.items():
        leads = list(leads_by_kind.get(kind, ()))
        if not leads:
            continue  # switched off in the settings
        offsets = _offsets(leads, escalates=rule.escalates)
        for due in rule.fetch(lo=start - max(offsets), hi=now - min(offsets), now=now):
            for instant, level in _instants(
                due, leads=leads, escalates=rule.escalates, start=start, now=now
            ):
                found.append((kind, due, instant, level))

    def wants(due: Due, level: int, group: str) -> bool:
        return group in due.groups or level == {MANAGERS: 1, COMPLIANCE: 2}[group]

    managers = _managers(
        {d.project_id for _, d, _, lv in found if d.project_id and wants(d, lv, MANAGERS)}
    )
    officers = _officers({d.organization_id for _, d, _, lv in found if wants(d, lv, COMPLIANCE)})
    reminders: list[Reminder] = []
    for kind, due, instant, level in found:
        recipients: set[UUID] = set()
        if level == Reminder.Level.OWNER:
            recipients.update(due.owners)
        if due.project_id and wants(due, level, MANAGERS):
            recipients |= managers.get(due.project_id, set())
        if wants(due, level, COMPLIANCE):
            recipients |= officers.get(due.organization_id, set())
        recipients.difference_update(due.excluded)
        reminders.extend(
            Reminder(
                kind=kind,
                target_type=due.target_type,
                target_id=due.target_id,
                title=due.title[:300],
                project_id=due.project_id,
                organization_id=due.organization_id,
                recipient_id=recipient,
                due_at=instant,
                deadline=due.deadline,
                level=level,
            )
            for recipient in recipients
        )
    active = set(
        User.objects.filter(
            pk__in={r.recipient_id for r in reminders}, is_active=True
        ).values_list("pk", flat=True)
    ) if reminders else set()  # fmt: skip
    return [r for r in reminders if r.recipient_id in active]


def _insert_new(reminders: list[Reminder]) -> list[Reminder]:
    """Insert the rows whose key is new and return those this run inserted.

    INSERT … ON CONFLICT DO NOTHING, then read back by our own primary keys: a row that
    another run inserted first (even one still uncommitted, whose insert ours waits for)
    carries that run's key, not ours, so it is never counted, nor delivered, twice. Rows go in
    in key order, so two runs inserting the same rows never deadlock.
    """
    reminders.sort(
        key=lambda r: (r.target_type, r.target_id, r.kind, r.due_at, str(r.recipient_id), r.level)
    )
    Reminder.objects.bulk_create(reminders, ignore_conflicts=True, batch_size=BATCH)
    ours: set[UUID] = set()
    for chunk in batched([r.pk for r in reminders], BATCH):
        ours.update(Reminder.objects.filter(pk__in=chunk).values_list("pk", flat=True))
    return [r for r in reminders if r.pk in ours]


def _link(reminder: Reminder) -> str:
    if reminder.project_id:
        return reverse("projects:project-detail", args=[reminder.project_id])
    return reverse("inbox:inbox")


def _deliver(reminders: Sequence[Reminder]) -> None:
    """The one place a new reminder is handed over for delivery, inside the transaction that
    inserted it, on the channel its recipient chose for reminders (kind `reminder.due`): in
    the app always (unless off), and by the reminder's own email for those who chose email
    (the default); those who chose the digest find it there. A few queries for the lot."""
    if not reminders:
        return
    spec = kind_of(REMINDER_DUE)
    people = notification_channels_for_user_ids(
        user_ids={r.recipient_id for r in reminders}, kind=REMINDER_DUE, default=spec.default
    )
    channels = {user_id: channel for user_id, (channel, _) in people.items()}
    notify_many(
        kind=REMINDER_DUE,
        items=[
            Tell(
                recipient_id=r.recipient_id,
                organization_id=r.organization_id,
                project_id=r.project_id,
                title=reminder_subject(r),
                body=WHEN_TEXT[reminder_when(r)],
                link=_link(r),
                key_parts=["reminder", r.pk],
            )
            for r in reminders
        ],
        send_email=False,
        channels=channels,
    )
    reminders_enqueue(
        [r for r in reminders if channels.get(r.recipient_id) == Channel.EMAIL],
        emails={user_id: email for user_id, (_, email) in people.items()},
    )
    _announce_overdue_checks(reminders)


def _announce_overdue_checks(reminders: Sequence[Reminder]) -> None:
    """A compliance check's reminder at its deadline is the moment it became overdue: the
    webhook event `check.overdue`, once per check and due date (whoever was reminded)."""
    overdue: dict[str, Reminder] = {
        r.target_id: r
        for r in reminders
        if r.kind == "compliance_check"
        and r.level == Reminder.Level.OWNER
        and r.due_at == r.deadline
    }
    happenings = []
    for check_id, r in sorted(overdue.items()):
        due_date = (r.deadline - timedelta(days=1)).date().isoformat()
        data = {
            "check_id": check_id,
            "project_id": str(r.project_id) if r.project_id else None,
            "due_date": due_date,
        }
        happenings.append((r.organization_id, data, f"{check_id}:{due_date}"))
    webhook_events_publish(event=WebhookEvent.CHECK_OVERDUE, happenings=happenings)


def reminders_send_due(*, now: datetime | None = None) -> dict[str, int]:
    """Create and deliver every reminder due by `now` that does not exist yet; returns how
    many were created per kind (zero when another run created them first)."""
    now = now or timezone.now()
    candidates = reminders_due(now=now)
    with transaction.atomic():
        created = _insert_new(candidates)
        _deliver(created)
    counts = dict.fromkeys(RULES, 0)
    for reminder in created:
        counts[reminder.kind] += 1
    return counts
