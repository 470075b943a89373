"""The workshops API: scheduling, the .ics download read back with icalendar, reschedule and
cancel (same UID, next SEQUENCE), invitations, outcomes, bad input and query budgets."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from projects.models import Task
from stakeholders import services
from stakeholders.models import Workshop, WorkshopInvitation
from tests.helpers import assert_problem, client_for, event_count, new_events
from tests.stakeholders.helpers import assert_no_personal_data_in_trail

pytestmark = pytest.mark.django_db


def _schedule(world, **overrides):
    body = {
        "title": "Risks workshop",
        "purpose": "Walk through the risk register.",
        "agenda": "1. Risks\n2. Mitigations",
        "starts_at": "2030-05-02T14:00:00+02:00",
        "time_zone": "Europe/Berlin",
        "duration_minutes": 120,
        "location": "Room 4",
        "meeting_url": "https://meet.example/risks",
        "facilitator": str(world.manager.pk),
        "stakeholders": [str(world.dana.pk), str(world.lee.pk)],
    } | overrides
    return client_for(world.manager).post(
        f"/api/v1/projects/{world.project.pk}/workshops/", body, format="json"
    )


def _calendar(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/calendar; charset=utf-8")
    calendar = Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    return calendar, event


def test_schedule_answers_the_workshop_with_its_invitations(world):
    before = event_count()

    response = _schedule(world)

    assert response.status_code == 201, response.content
    body = response.json()
    workshop = Workshop.objects.get(pk=body["id"])
    assert workshop.starts_at == datetime(2030, 5, 2, 12, 0, tzinfo=UTC)
    assert {k: body[k] for k in ("starts_at", "ends_at", "time_zone", "status")} == {
        "starts_at": "2030-05-02T12:00:00Z",
        "ends_at": "2030-05-02T14:00:00Z",
        "time_zone": "Europe/Berlin",
        "status": "scheduled",
    }
    assert (body["facilitator"]["id"], body["ics_sequence"], body["minutes"]) == (
        str(world.manager.pk),
        0,
        "",
    )
    assert sorted(
        (i["stakeholder"]["name"], i["stakeholder"]["email"], i["attended"])
        for i in body["invitations"]
    ) == [
        ("Dana Claims", "dana.claims@example.com", None),
        ("Lee Legal", "lee.legal@example.com", None),
    ]
    [event] = new_events(before)
    assert (event.action, event.target_id, event.project_id) == (
        "workshop.scheduled",
        str(workshop.pk),
        world.project.pk,
    )
    assert event.data["invited_stakeholder_ids"] == sorted([str(world.dana.pk), str(world.lee.pk)])
    assert_no_personal_data_in_trail("dana", "lee.legal", "Lee Legal")


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"time_zone": "Mars/Olympus"}, ["time_zone"]),
        ({"starts_at": "2030-05-02T14:00:00"}, ["starts_at"]),  # no offset
        ({"starts_at": "next tuesday"}, ["starts_at"]),
        ({"duration_minutes": 4}, ["duration_minutes"]),
        ({"duration_minutes": 24 * 60 + 1}, ["duration_minutes"]),
        ({"meeting_url": "javascript:alert(1)"}, ["meeting_url"]),
        ({"title": ""}, ["title"]),
        ({"stakeholders": ["SAM"]}, ["stakeholders"]),  # in the registry, not on the project
        ({"stakeholders": ["nope"]}, ["stakeholders"]),
        ({"facilitator": "OUTSIDER"}, ["facilitator"]),
        ({"status": "held"}, ["status"]),
        ({"ics_sequence": 5}, ["ics_sequence"]),
    ],
)
def test_schedule_refuses_bad_input_and_writes_nothing(world, outsider, overrides, fields):
    ids = {"SAM": str(world.sam.pk), "OUTSIDER": str(outsider.pk)}
    overrides = {
        k: [ids.get(x, x) for x in v] if isinstance(v, list) else ids.get(v, v)
        for k, v in overrides.items()
    }
    before = (Workshop.objects.count(), WorkshopInvitation.objects.count(), event_count())

    response = _schedule(world, **overrides)

    assert sorted(assert_problem(response, 400)["errors"]) == fields
    assert (Workshop.objects.count(), WorkshopInvitation.objects.count(), event_count()) == before


def test_ics_keeps_its_uid_and_bumps_its_sequence(world):
    client = client_for(world.manager)
    workshop_id = _schedule(world).json()["id"]
    ics_url = f"/api/v1/workshops/{workshop_id}/ics/"

    first = client.get(ics_url)
    calendar, event = _calendar(first)
    assert first["Content-Disposition"] == f'attachment; filename="workshop-{workshop_id}.ics"'
    assert str(calendar["method"]) == "REQUEST"
    assert (str(event["uid"]), int(event["sequence"])) == (f"workshop-{workshop_id}@charter", 0)
    assert event.decoded("dtstart") == datetime(2030, 5, 2, 12, 0, tzinfo=UTC)
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=120)
    assert (str(event["summary"]), str(event["location"])) == ("Risks workshop", "Room 4")
    assert sorted(str(a) for a in event["attendee"]) == [
        "MAILTO:dana.claims@example.com",
        "MAILTO:lee.legal@example.com",
    ]

    moved = client.post(
        f"/api/v1/workshops/{workshop_id}/reschedule/",
        {"starts_at": "2030-05-09T09:00:00+02:00", "time_zone": "Europe/Paris"},
    )
    assert moved.status_code == 200, moved.content
    assert (moved.json()["starts_at"], moved.json()["ics_sequence"]) == ("2030-05-09T07:00:00Z", 1)
    _, event = _calendar(client.get(ics_url, HTTP_ACCEPT="text/calendar"))
    assert (str(event["uid"]), int(event["sequence"])) == (f"workshop-{workshop_id}@charter", 1)
    assert event.decoded("dtstart") == datetime(2030, 5, 9, 7, 0, tzinfo=UTC)

    cancelled = client.post(f"/api/v1/workshops/{workshop_id}/cancel/", {"reason": "Budget"})
    assert (cancelled.json()["status"], cancelled.json()["ics_sequence"]) == ("cancelled", 2)
    calendar, event = _calendar(client.get(ics_url))
    assert (str(calendar["method"]), str(event["status"])) == ("CANCEL", "CANCELLED")
    assert (str(event["uid"]), int(event["sequence"])) == (f"workshop-{workshop_id}@charter", 2)


def test_reschedule_events_and_state_rules(world):
    client = client_for(world.manager)
    url = f"/api/v1/workshops/{world.upcoming.pk}"
    before = event_count()

    unchanged = client.post(f"{url}/reschedule/", {})
    moved = client.post(f"{url}/reschedule/", {"duration_minutes": 45, "location": "Room 9"})

    assert (unchanged.status_code, unchanged.json()["ics_sequence"]) == (200, 0)
    assert (moved.json()["duration_minutes"], moved.json()["location"]) == (45, "Room 9")
    [event] = new_events(before)
    assert (event.action, event.data) == (
        "workshop.rescheduled",
        {
            "duration_minutes": {"old": 90, "new": 45},
            "location": {"old": "", "new": "Room 9"},
            "sequence": 1,
        },
    )

    client.post(f"{url}/cancel/", {})
    before = event_count()
    for path, body in [
        ("reschedule", {"duration_minutes": 30}),
        ("cancel", {}),
        ("invite", {"stakeholders": [str(world.lee.pk)]}),
    ]:
        problem = assert_problem(client.post(f"{url}/{path}/", body), 409)
        assert (problem["code"], problem["detail"]) == (
            "workshop_not_scheduled",
            "This workshop is cancelled: it can no longer be changed that way.",
        )
    outcome = client.post(f"{url}/outcome/", {"minutes": "", "attended": []})
    assert assert_problem(outcome, 409)["code"] == "workshop_cancelled"
    assert event_count() == before


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"starts_at": "2030-05-02T14:00:00"}, ["starts_at"]),
        ({"time_zone": "Europe/Atlantis"}, ["time_zone"]),
        ({"title": "New title"}, ["title"]),
    ],
)
def test_reschedule_refuses_bad_input(world, body, fields):
    before = (Workshop.objects.filter(pk=world.upcoming.pk).values().get(), event_count())
    response = client_for(world.manager).post(
        f"/api/v1/workshops/{world.upcoming.pk}/reschedule/", body
    )
    assert sorted(assert_problem(response, 400)["errors"]) == fields
    assert (Workshop.objects.filter(pk=world.upcoming.pk).values().get(), event_count()) == before


def test_invite_adds_new_invitees_only(world):
    response = client_for(world.manager).post(
        f"/api/v1/workshops/{world.upcoming.pk}/invite/",
        {"stakeholders": [str(world.dana.pk), str(world.lee.pk)]},
    )
    assert response.status_code == 200, response.content
    assert sorted(i["stakeholder"]["name"] for i in response.json()["invitations"]) == [
        "Dana Claims",
        "Lee Legal",
    ]
    event = new_events(event_count() - 1)[0]
    assert (event.action, event.data) == (
        "workshop.invited",
        {"stakeholder_ids": [str(world.lee.pk)]},
    )


def test_outcome_records_attendance_decisions_and_tasks(world, project_member):
    contributor = project_member(world.project, "contributor")
    before = event_count()

    response = client_for(contributor).post(
        f"/api/v1/workshops/{world.past.pk}/outcome/",
        {
            "minutes": "  Walked through triage.  ",
            "attended": [str(world.lee.pk)],
            "decisions": ["Start with motor claims", "Keep a human in the loop"],
            "action_items": [
                {
                    "title": "Collect samples",
                    "assignee": str(contributor.pk),
                    "due_date": "2030-02-01",
                },
                {"title": "Draft the DPIA"},
            ],
        },
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["minutes"]) == ("held", "Walked through triage.")
    assert sorted((i["stakeholder"]["name"], i["attended"]) for i in body["invitations"]) == [
        ("Dana Claims", False),
        ("Lee Legal", True),
    ]
    assert [d["text"] for d in body["decisions"]] == [
        "Start with motor claims",
        "Keep a human in the loop",
    ]
    tasks = Task.objects.filter(source_id=str(world.past.pk)).order_by("title")
    assert [(t.title, t.assignee_id, str(t.due_date)) for t in tasks] == [
        ("Collect samples", contributor.pk, "2030-02-01"),
        ("Draft the DPIA", None, "None"),
    ]
    held = [e for e in new_events(before) if e.action == "workshop.held"]
    assert held[0].data == {
        "attended_stakeholder_ids": [str(world.lee.pk)],
        "decisions": 2,
        "task_ids": held[0].data["task_ids"],
    }
    assert sorted(held[0].data["task_ids"]) == sorted(str(t.pk) for t in tasks)


@pytest.mark.parametrize(
    ("workshop", "body", "fields"),
    [
        ("upcoming", {"minutes": "Too early", "attended": []}, ["minutes"]),
        ("past", {"minutes": "m", "attended": ["SAM"]}, ["attended"]),
        ("past", {"minutes": "m", "attended": "DANA"}, ["attended"]),
        (
            "past",
            {"minutes": "m", "attended": [], "action_items": [{"title": "x", "assignee": "OUT"}]},
            ["action_items"],
        ),
        (
            "past",
            {"minutes": "m", "attended": [], "action_items": [{"title": "x", "due": "soon"}]},
            ["action_items"],
        ),
        ("past", {"minutes": "m", "attended": [], "decisions": "one"}, ["decisions"]),
        ("past", {"attended": []}, ["minutes"]),
    ],
)
def test_outcome_refuses_bad_input_and_writes_nothing(world, outsider, workshop, body, fields):
    ids = {"SAM": str(world.sam.pk), "DANA": str(world.dana.pk), "OUT": str(outsider.pk)}

    def swap(value):
        if isinstance(value, list):
            return [swap(v) for v in value]
        if isinstance(value, dict):
            return {k: swap(v) for k, v in value.items()}
        return ids.get(value, value)

    target = getattr(world, workshop)
    before = (
        Workshop.objects.filter(pk=target.pk).values().get(),
        Task.objects.count(),
        event_count(),
    )

    response = client_for(world.manager).post(
        f"/api/v1/workshops/{target.pk}/outcome/", swap(body), format="json"
    )

    assert sorted(assert_problem(response, 400)["errors"]) == fields
    assert (
        Workshop.objects.filter(pk=target.pk).values().get(),
        Task.objects.count(),
        event_count(),
    ) == before


def test_list_counts_invited_and_attended_latest_first(world):
    services.workshop_record_outcome(
        actor=world.manager, workshop=world.past, minutes="m", attended=[world.dana.pk]
    )
    rows = client_for(world.manager).get(f"/api/v1/projects/{world.project.pk}/workshops/")
    assert [
        (r["title"], r["status"], r["invited_count"], r["attended_count"])
        for r in rows.json()["results"]
    ] == [("Expectations workshop", "scheduled", 1, 0), ("Kick-off", "held", 2, 1)]


def test_list_query_count_does_not_grow(world, django_assert_num_queries):
    client = client_for(world.manager)
    url = f"/api/v1/projects/{world.project.pk}/workshops/"

    def fill(up_to):
        for n in range(Workshop.objects.count(), up_to):
            workshop = Workshop.objects.create(
                project=world.project,
                title=f"Workshop {n}",
                starts_at=timezone.now() + timedelta(days=n),
                facilitator=world.manager,
            )
            WorkshopInvitation.objects.create(workshop=workshop, stakeholder=world.dana)

    fill(5)
    # session, user, project, org roles, project role, count, page (facilitator joined)
    with django_assert_num_queries(7):
        first = client.get(url, {"page_size": 100})
    fill(50)
    with django_assert_num_queries(7):
        second = client.get(url, {"page_size": 100})

    assert (len(first.json()["results"]), len(second.json()["results"])) == (5, 50)


def test_download_errors_are_still_problem_json(world, outsider):
    url = f"/api/v1/workshops/{world.upcoming.pk}/ics/"

    anonymous = client_for(None).get(url, HTTP_ACCEPT="text/calendar")
    stranger = client_for(outsider).get(url, HTTP_ACCEPT="text/calendar")
    unknown = client_for(world.manager).get("/api/v1/workshops/not-an-id/ics/")

    assert assert_problem(anonymous, 401)["title"] == "Authentication required"
    assert assert_problem(stranger, 404)["detail"] == "Not found."
    assert_problem(unknown, 404)
