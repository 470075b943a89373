"""Stakeholders pages: registry, project stakeholders, workshops, rounds, product feedback."""

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from accounts.models import ProjectMembership
from audit.models import AuditEvent
from projects.models import Task
from stakeholders import links, services
from stakeholders.models import (
    FeedbackInvite,
    FeedbackRound,
    IntakeKey,
    ProjectStakeholder,
    Question,
    Stakeholder,
    Workshop,
)
from tests.stakeholders.helpers import answers_by_position

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(project, manager, open_round):
    """A project with two stakeholders, a scheduled workshop, an open round and an intake key."""
    feedback_round, invites = open_round
    dana = invites["Dana Claims"].stakeholder
    workshop = services.workshop_schedule(
        actor=manager,
        project=project,
        stakeholders=[dana.pk],
        title="Expectations workshop",
        starts_at=timezone.now() + timedelta(days=3),
        time_zone="Europe/Paris",
    )
    key, _ = services.intake_key_create(actor=manager, project=project, name="Claims portal")
    return SimpleNamespace(
        project=project,
        dana=dana,
        link=ProjectStakeholder.objects.get(project=project, stakeholder=dana),
        workshop=workshop,
        round=feedback_round,
        invite=invites["Dana Claims"],
        key=key,
    )


def _url(template: str, w: SimpleNamespace) -> str:
    return template.format(
        p=f"/projects/{w.project.pk}",
        s=w.dana.pk,
        link=w.link.pk,
        w=f"/projects/{w.project.pk}/workshops/{w.workshop.pk}",
        r=f"/projects/{w.project.pk}/feedback/{w.round.pk}",
        i=w.invite.pk,
        k=w.key.pk,
    )


PROJECT_PAGES = [
    "{p}/stakeholders/",
    "{p}/workshops/",
    "{p}/workshops/new/",
    "{w}/",
    "{w}/calendar.ics",
    "{p}/feedback/",
    "{p}/feedback/new/",
    "{r}/",
    "{r}/results.csv",
    "{p}/feedback/product/",
]
WRITE_PAGES = ["{p}/workshops/new/", "{p}/feedback/new/"]
WRITES = [
    "{p}/stakeholders/link/",
    "{p}/stakeholders/{link}/unlink/",
    "{p}/workshops/new/",
    "{w}/reschedule/",
    "{w}/cancel/",
    "{w}/invite/",
    "{w}/outcome/",
    "{p}/feedback/new/",
    "{r}/open/",
    "{r}/close/",
    "{r}/summary/",
    "{r}/invites/{i}/revoke/",
    "{p}/feedback/product/",
    "{p}/feedback/product/keys/{k}/revoke/",
]


@pytest.mark.parametrize("page", ["/organizations/stakeholders/{s}/", *PROJECT_PAGES])
def test_every_page_renders_for_the_manager_and_is_404_for_outsiders(client, world, outsider, page):
    url = _url(page, world)
    client.force_login(world.project.owner)
    assert client.get(url).status_code == 200
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_the_registry_of_an_outsider_is_their_own(client, world, outsider):
    client.force_login(world.project.owner)
    assert "Dana Claims" in client.get("/organizations/stakeholders/").content.decode()
    assert client.get("/organizations/stakeholders/new/").status_code == 200
    client.force_login(outsider)
    page = client.get("/organizations/stakeholders/")
    assert page.status_code == 200
    assert "Dana Claims" not in page.content.decode()
    assert "Globex" in page.content.decode()


@pytest.mark.parametrize("page", ["/organizations/stakeholders/", *PROJECT_PAGES])
def test_visitors_are_sent_to_sign_in(client, world, page):
    response = client.get(_url(page, world))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("write", WRITES)
def test_outsiders_get_404_on_every_write_and_nothing_changes(client, world, outsider, write):
    before = AuditEvent.objects.count()
    client.force_login(outsider)
    assert client.post(_url(write, world), {"name": "x"}).status_code == 404
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("write", WRITES)
def test_viewers_get_403_on_every_write_and_nothing_changes(client, world, project_member, write):
    before = AuditEvent.objects.count()
    client.force_login(project_member(world.project, ProjectMembership.Role.VIEWER))
    assert client.post(_url(write, world), {"name": "x"}).status_code == 403
    assert AuditEvent.objects.count() == before
    assert FeedbackInvite.objects.filter(revoked_at__isnull=False).count() == 0
    assert Workshop.objects.get().status == Workshop.Status.SCHEDULED


@pytest.mark.parametrize("page", WRITE_PAGES)
def test_viewers_get_403_on_the_write_pages(client, world, project_member, page):
    client.force_login(project_member(world.project, ProjectMembership.Role.VIEWER))
    assert client.get(_url(page, world)).status_code == 403


def test_viewers_see_the_pages_without_their_forms(client, world, project_member):
    client.force_login(project_member(world.project, ProjectMembership.Role.VIEWER))
    page = client.get(_url("{p}/stakeholders/", world)).content.decode()
    assert "Dana Claims" in page
    assert "/stakeholders/link/" not in page
    assert "/unlink/" not in page
    results = client.get(_url("{r}/", world)).content.decode()
    assert "/revoke/" not in results
    assert "/close/" not in results
    product = client.get(_url("{p}/feedback/product/", world)).content.decode()
    assert "Claims portal" not in product  # intake keys are credentials: managers only


# --- the registry ---------------------------------------------------------------------------


STAKEHOLDER = {
    "name": "Noor Ops",
    "email": "Noor.Ops@Example.com",
    "unit": "Claims operations",
    "kind": "end_user",
    "influence": "2",
    "interest": "5",
    "preferred_contact": "meeting",
    "notes": "Runs the night shift.",
}


@pytest.mark.parametrize(
    "bad",
    [
        {"influence": "6"},
        {"interest": "0"},
        {"kind": "alien"},
        {"email": "not-an-email"},
        {"name": ""},
        {"preferred_contact": "pigeon"},
    ],
)
def test_bad_registry_input_rerenders_with_400_and_writes_nothing(client, org, admin, bad):
    client.force_login(admin)
    response = client.post("/organizations/stakeholders/new/", STAKEHOLDER | bad)
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert Stakeholder.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_registry_add_search_and_edit(client, org, admin):
    client.force_login(admin)
    response = client.post("/organizations/stakeholders/new/", STAKEHOLDER)
    assert response.status_code == 302
    person = Stakeholder.objects.get()
    assert (person.email, person.influence, person.interest, person.quadrant) == (
        "noor.ops@example.com",
        2,
        5,
        "keep_informed",
    )
    again = client.post("/organizations/stakeholders/new/", STAKEHOLDER | {"name": "Twin"})
    assert again.status_code == 400
    assert "already exists" in again.content.decode()
    assert Stakeholder.objects.count() == 1

    services.stakeholder_create(
        actor=admin, organization=org, name="Quinn Legal", email="q@example.com"
    )
    table = client.get(
        "/organizations/stakeholders/?q=operations",
        headers={"HX-Request": "true", "HX-Target": "stakeholder-table"},
    ).content.decode()
    assert "Noor Ops" in table
    assert "Quinn Legal" not in table
    assert "<html" not in table

    edited = client.post(
        f"/organizations/stakeholders/{person.pk}/", STAKEHOLDER | {"influence": "4"}
    )
    assert edited.status_code == 302
    person.refresh_from_db()
    assert (person.influence, person.quadrant) == (4, "manage_closely")


def test_registry_create_returns_to_a_safe_next_only(client, org, admin):
    client.force_login(admin)
    back = client.post(
        "/organizations/stakeholders/new/", STAKEHOLDER | {"next": "/projects/x/stakeholders/"}
    )
    assert back["Location"] == "/projects/x/stakeholders/"
    away = client.post(
        "/organizations/stakeholders/new/",
        STAKEHOLDER | {"email": "b@example.com", "next": "https://evil.example/"},
    )
    assert away["Location"] == "/organizations/stakeholders/"


def _registry_queries(client, admin, org, count):
    for n in range(Stakeholder.objects.count(), count):
        services.stakeholder_create(
            actor=admin, organization=org, name=f"Person {n:02d}", email=f"p{n}@example.com"
        )
    client.force_login(admin)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/organizations/stakeholders/")
    assert response.status_code == 200
    assert response.content.decode().count("/organizations/stakeholders/") >= count
    return len(queries)


def test_registry_list_queries_do_not_grow_with_rows(client, org, admin):
    assert _registry_queries(client, admin, org, 5) == _registry_queries(client, admin, org, 40)


# --- a project's stakeholders ---------------------------------------------------------------


def test_link_with_a_role_shows_on_the_grid_and_unlink(client, project, manager, stakeholder_of):
    boss = services.stakeholder_create(
        actor=manager,
        organization=project.organization,
        name="Bea Board",
        email="bea@example.com",
        influence=5,
        interest=1,
    )
    client.force_login(manager)
    response = client.post(
        f"/projects/{project.pk}/stakeholders/link/",
        {"stakeholder": str(boss.pk), "role": "Sponsor"},
    )
    assert response.status_code == 302
    link = ProjectStakeholder.objects.get(stakeholder=boss)
    assert link.role == "Sponsor"
    page = client.get(f"/projects/{project.pk}/stakeholders/").content.decode()
    satisfied = page.split('id="q-keep_satisfied"')[1].split("</section>")[0]
    assert "Bea Board" in satisfied
    assert "Sponsor" in satisfied

    client.post(f"/projects/{project.pk}/stakeholders/{link.pk}/unlink/")
    assert not ProjectStakeholder.objects.filter(stakeholder=boss).exists()
    assert Stakeholder.objects.filter(pk=boss.pk).exists()


def test_linking_someone_of_another_organisation_is_refused(
    client, project, manager, outsider, other_org
):
    stranger = services.stakeholder_create(
        actor=outsider, organization=other_org, name="Stranger", email="s@example.com"
    )
    before = AuditEvent.objects.count()
    client.force_login(manager)
    response = client.post(
        f"/projects/{project.pk}/stakeholders/link/", {"stakeholder": str(stranger.pk)}
    )
    assert response.status_code == 400
    assert ProjectStakeholder.objects.count() == 0
    assert AuditEvent.objects.count() == before


# --- workshops ------------------------------------------------------------------------------


def _schedule_data(stakeholder, **overrides):
    return {
        "title": "Expectations workshop",
        "purpose": "Hear the claims team.",
        "agenda": "1. Pain points\n2. Wishes",
        "starts_at": "2030-03-01T14:30",
        "time_zone": "Europe/Paris",
        "duration_minutes": "120",
        "location": "Room 4",
        "meeting_url": "https://meet.example.com/abc",
        "facilitator": "",
        "stakeholders": [str(stakeholder.pk)],
    } | overrides


def test_schedule_reads_the_time_in_the_chosen_zone_and_shows_both_zones(
    client, project, manager, stakeholder_of
):
    dana = stakeholder_of(project)
    manager.time_zone = "America/New_York"
    manager.save(update_fields=["time_zone"])
    client.force_login(manager)
    response = client.post(
        f"/projects/{project.pk}/workshops/new/",
        _schedule_data(dana, facilitator=str(manager.pk)),
    )
    workshop = Workshop.objects.get()
    assert response["Location"] == f"/projects/{project.pk}/workshops/{workshop.pk}/"
    assert workshop.starts_at == datetime(2030, 3, 1, 13, 30, tzinfo=UTC)
    assert (workshop.time_zone, workshop.facilitator, workshop.duration_minutes) == (
        "Europe/Paris",
        manager,
        120,
    )
    assert list(workshop.invitations.values_list("stakeholder__name", flat=True)) == ["Dana Claims"]
    listing = client.get(f"/projects/{project.pk}/workshops/").content.decode()
    assert "Fri 1 Mar 2030, 14:30" in listing  # Paris
    assert "Fri 1 Mar 2030, 08:30" in listing  # New York, the viewer's zone


@pytest.mark.parametrize(
    "bad",
    [
        {"title": ""},
        {"starts_at": "tomorrow"},
        {"starts_at": "2030-03-31T02:30"},  # the clocks jump from 2:00 to 3:00 in Paris
        {"time_zone": "Mars/Olympus"},
        {"duration_minutes": "2"},
        {"meeting_url": "javascript:alert(1)"},
        {"stakeholders": ["00000000-0000-0000-0000-000000000000"]},
    ],
)
def test_bad_workshop_input_rerenders_with_400_and_writes_nothing(
    client, project, manager, stakeholder_of, bad
):
    dana = stakeholder_of(project)
    before = AuditEvent.objects.count()
    client.force_login(manager)
    response = client.post(f"/projects/{project.pk}/workshops/new/", _schedule_data(dana) | bad)
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    assert Workshop.objects.count() == 0
    assert AuditEvent.objects.count() == before


def test_reschedule_invite_and_cancel(client, world, manager, stakeholder_of):
    client.force_login(manager)
    w = _url("{w}", world)
    moved = client.post(
        f"{w}/reschedule/",
        {
            "reschedule-starts_at": "2030-04-02T09:00",
            "reschedule-time_zone": "Asia/Tokyo",
            "reschedule-duration_minutes": "60",
            "reschedule-location": "",
            "reschedule-meeting_url": "",
        },
    )
    assert moved.status_code == 302
    workshop = Workshop.objects.get()
    assert workshop.starts_at == datetime(2030, 4, 2, 0, 0, tzinfo=UTC)
    assert workshop.ics_sequence == 1

    lee = Stakeholder.objects.get(name="Lee Legal")
    assert client.post(f"{w}/invite/", {"invite-stakeholders": [str(lee.pk)]}).status_code == 302
    assert workshop.invitations.count() == 2

    assert client.post(f"{w}/cancel/", {"cancel-reason": "Budget freeze"}).status_code == 302
    workshop.refresh_from_db()
    assert (workshop.status, workshop.ics_sequence) == (Workshop.Status.CANCELLED, 2)
    page = client.get(f"{w}/").content.decode()
    assert "/reschedule/" not in page

    before = AuditEvent.objects.count()
    again = client.post(
        f"{w}/reschedule/",
        {
            "reschedule-starts_at": "2030-05-02T09:00",
            "reschedule-time_zone": "UTC",
            "reschedule-duration_minutes": "60",
        },
    )
    assert again.status_code == 409
    assert "cancelled" in again.content.decode()
    assert AuditEvent.objects.count() == before


def test_calendar_download_is_the_workshop_event(client, world, manager):
    client.force_login(manager)
    response = client.get(_url("{w}/calendar.ics", world))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="expectations-workshop.ics"'
    event = next(iter(Calendar.from_ical(response.content).walk("VEVENT")))
    assert str(event["uid"]) == world.workshop.ics_uid
    assert str(event["summary"]) == "Expectations workshop"
    assert str(event["attendee"]) == "MAILTO:dana.claims@example.com"


@pytest.fixture
def past_workshop(project, manager, stakeholder_of):
    dana, lee = stakeholder_of(project, "Dana Claims"), stakeholder_of(project, "Lee Legal")
    return services.workshop_schedule(
        actor=manager,
        project=project,
        stakeholders=[dana.pk, lee.pk],
        title="Kick-off",
        starts_at=timezone.now() - timedelta(hours=2),
    )


def _actions(*rows):
    """The action items' rows as the row editor posts them: (title, assignee id, due date)."""
    data = {"actions-TOTAL_FORMS": str(len(rows)), "actions-INITIAL_FORMS": "0"}
    for n, (title, assignee, due) in enumerate(rows):
        data |= {
            f"actions-{n}-title": title,
            f"actions-{n}-assignee": assignee,
            f"actions-{n}-due_date": due,
        }
    return data


def _outcome(**overrides):
    return (
        {
            "outcome-attended": [],
            "outcome-minutes": "We heard the claims team.",
            "outcome-decisions": "Start with motor claims\n\nKeep a human in the loop\n",
        }
        | _actions(("", "", ""), ("", "", ""))
        | overrides
    )


def test_outcome_records_attendance_decisions_and_action_items_as_tasks(
    client, project, manager, past_workshop
):
    dana = Stakeholder.objects.get(name="Dana Claims")
    client.force_login(manager)
    response = client.post(
        f"/projects/{project.pk}/workshops/{past_workshop.pk}/outcome/",
        _outcome(
            **{"outcome-attended": [str(dana.pk)]}
            | _actions(
                ("Collect sample claims", str(manager.pk), "2030-01-15"),
                ("Draft the data request", "", ""),
                ("", "", ""),
            )
        ),
    )
    assert response.status_code == 302
    past_workshop.refresh_from_db()
    assert past_workshop.status == Workshop.Status.HELD
    attendance = dict(past_workshop.invitations.values_list("stakeholder__name", "attended"))
    assert attendance == {"Dana Claims": True, "Lee Legal": False}
    assert list(past_workshop.decisions.values_list("text", flat=True)) == [
        "Start with motor claims",
        "Keep a human in the loop",
    ]
    tasks = {t.title: t for t in Task.objects.all()}
    assert set(tasks) == {"Collect sample claims", "Draft the data request"}
    assert (tasks["Collect sample claims"].assignee, tasks["Collect sample claims"].due_date) == (
        manager,
        date(2030, 1, 15),
    )
    assert tasks["Draft the data request"].assignee is None
    page = client.get(f"/projects/{project.pk}/workshops/{past_workshop.pk}/").content.decode()
    assert "Keep a human in the loop" in page


@pytest.mark.parametrize(
    "bad",
    [
        {"outcome-minutes": ""},
        _actions(("", "", "2030-01-15")),
        _actions(("Collect claims", "", "15/01/2030x")),
        _actions(("Collect claims", "00000000-0000-0000-0000-000000000000", "")),
        {"outcome-attended": ["00000000-0000-0000-0000-000000000000"]},
    ],
)
def test_bad_outcome_rerenders_with_400_and_changes_nothing(
    client, project, manager, past_workshop, bad
):
    before = AuditEvent.objects.count()
    client.force_login(manager)
    response = client.post(
        f"/projects/{project.pk}/workshops/{past_workshop.pk}/outcome/", _outcome(**bad)
    )
    assert response.status_code == 400
    past_workshop.refresh_from_db()
    assert past_workshop.status == Workshop.Status.SCHEDULED
    assert past_workshop.decisions.count() == 0
    assert Task.objects.count() == 0
    assert AuditEvent.objects.count() == before


def test_outcome_of_a_future_workshop_is_refused(client, world, manager):
    client.force_login(manager)
    assert "Record the outcome" not in client.get(_url("{w}/", world)).content.decode()
    response = client.post(_url("{w}/outcome/", world), _outcome())
    assert response.status_code == 400
    assert "has not started yet" in response.content.decode()
    assert Workshop.objects.get().status == Workshop.Status.SCHEDULED


def test_the_gate_sends_the_workshop_criterion_to_the_workshops_page(client, project, manager):
    client.force_login(manager)
    page = client.get(f"/projects/{project.pk}/gate/").content.decode()
    assert f'href="/projects/{project.pk}/workshops/"' in page


# --- feedback rounds ------------------------------------------------------------------------


def _round_data(**overrides):
    return {
        "title": "Expectations",
        "shared_context": "We explore an AI claims-triage assistant.",
        "closes_on": (timezone.localdate() + timedelta(days=14)).isoformat(),
        "rows": "3",
        "q1_kind": "rating",
        "q1_prompt": "How useful would it be?",
        "q1_choices": "",
        "q1_required": "on",
        "q1_key": "usefulness",
        "q2_kind": "single",
        "q2_prompt": "Main concern?",
        "q2_choices": "Accuracy\nPrivacy\n\nJobs",
        "q2_key": "",
        "q3_kind": "text",
        "q3_prompt": "",
        "q3_choices": "",
        "q3_required": "on",
        "q3_key": "",
    } | overrides


def test_add_another_question_rerenders_with_one_more_row_and_stores_nothing(
    client, project, manager
):
    client.force_login(manager)
    response = client.post(
        f"/projects/{project.pk}/feedback/new/", _round_data(add_question="1", title="")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="q4_prompt"' in page
    assert 'name="q5_prompt"' not in page
    assert "errorlist" not in page  # adding a row is not a submission
    assert 'value="How useful would it be?"' in page
    assert "Accuracy\nPrivacy\n\nJobs</textarea>" in page
    assert 'name="q4_prompt" maxlength="500" autofocus' in page
    assert FeedbackRound.objects.count() == 0

    partial = client.post(
        f"/projects/{project.pk}/feedback/new/",
        _round_data(add_question="1"),
        headers={"HX-Request": "true", "HX-Target": "round-form"},
    ).content.decode()
    assert '<form id="round-form"' in partial
    assert "<html" not in partial


def test_build_a_round_and_open_it_for_chosen_stakeholders(
    client, project, manager, stakeholder_of
):
    dana, _lee = stakeholder_of(project, "Dana Claims"), stakeholder_of(project, "Lee Legal")
    client.force_login(manager)
    response = client.post(f"/projects/{project.pk}/feedback/new/", _round_data())
    feedback_round = FeedbackRound.objects.get()
    assert response["Location"] == f"/projects/{project.pk}/feedback/{feedback_round.pk}/"
    assert feedback_round.closes_at == datetime.combine(
        timezone.localdate() + timedelta(days=14),
        datetime.max.time().replace(microsecond=0),
        tzinfo=ZoneInfo("UTC"),
    )
    questions = list(feedback_round.questions.values_list("kind", "prompt", "choices", "key"))
    assert questions == [
        ("rating", "How useful would it be?", [], "usefulness"),
        ("single", "Main concern?", ["Accuracy", "Privacy", "Jobs"], "main-concern"),
    ]
    assert list(feedback_round.questions.values_list("required", flat=True)) == [True, False]

    draft = client.get(f"/projects/{project.pk}/feedback/{feedback_round.pk}/").content.decode()
    assert "Open and send the links" in draft

    opened = client.post(
        f"/projects/{project.pk}/feedback/{feedback_round.pk}/open/",
        {"stakeholders": [str(dana.pk)]},
    )
    assert opened.status_code == 302
    feedback_round.refresh_from_db()
    assert feedback_round.status == FeedbackRound.Status.OPEN
    assert list(feedback_round.invites.values_list("stakeholder__name", flat=True)) == [
        "Dana Claims"
    ]

    before = AuditEvent.objects.count()
    twice = client.post(
        f"/projects/{project.pk}/feedback/{feedback_round.pk}/open/",
        {"stakeholders": [str(dana.pk)]},
    )
    assert twice.status_code == 409
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    "bad",
    [
        {"title": ""},
        {"closes_on": "2001-01-01"},
        {"closes_on": "soon"},
        {"q2_choices": "Only one"},
        {"q2_choices": "Same\nSame"},
        {"q1_kind": "essay"},
        {"q1_prompt": "", "q1_choices": "stray choice"},
        {"q1_prompt": "", "q2_prompt": "", "q2_choices": ""},
        {"q1_key": "not a slug!"},
    ],
)
def test_bad_round_input_rerenders_with_400_and_writes_nothing(client, project, manager, bad):
    before = AuditEvent.objects.count()
    client.force_login(manager)
    response = client.post(f"/projects/{project.pk}/feedback/new/", _round_data(**bad))
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    assert FeedbackRound.objects.count() == 0
    assert Question.objects.count() == 0
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(("rows", "shown"), [("abc", 3), ("0", 1), ("1000", 40)])
def test_a_tampered_row_count_is_read_leniently(client, project, manager, rows, shown):
    client.force_login(manager)
    page = client.post(
        f"/projects/{project.pk}/feedback/new/", _round_data(rows=rows, title="")
    ).content.decode()
    assert page.count('<fieldset class="question-row">') == shown
    assert "This field is required." in page


def test_ask_again_copies_the_questions_and_their_keys(client, world, manager):
    client.force_login(manager)
    page = client.get(_url("{p}/feedback/new/?copy=", world) + str(world.round.pk))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'value="How useful would the assistant be?"' in html
    assert 'value="usefulness"' in html
    assert 'name="q4_prompt"' in html
    assert 'name="q5_prompt"' not in html


def test_results_show_rates_distributions_texts_escaped_and_who_still_owes(client, world, manager):
    services.feedback_submit(
        token=links.make_token(world.invite),
        answers=answers_by_position(
            world.round,
            q1="4",
            q2="Privacy",
            q3=["Triage", "Drafting"],
            q4="<script>alert('x')</script> & more",
        ),
    )
    client.force_login(manager)
    page = client.get(_url("{r}/", world)).content.decode()
    assert "1 of 2 responded" in page
    assert "(50.0%)" in page
    assert "average <strong>4.0</strong> / 5" in page
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more" in page
    owed = page.split('id="owed-heading"')[1].split("</section>")[0]
    assert "Lee Legal" in owed
    assert "Dana Claims" not in owed
    assert '<rect class="bar-fill" x="0" y="0" width="50" height="10">' in page


def test_revoke_a_link_and_close_the_round(client, world, manager):
    lee = FeedbackInvite.objects.get(stakeholder__name="Lee Legal")
    token = links.make_token(lee)
    client.force_login(manager)
    response = client.post(_url("{r}/invites/", world) + f"{lee.pk}/revoke/")
    assert response.status_code == 302
    assert services.invite_for_token(token) is None
    assert client.post(_url("{r}/close/", world)).status_code == 302
    assert FeedbackRound.objects.get().status == FeedbackRound.Status.CLOSED


def test_a_link_withdrawn_after_its_answer_still_counts_in_the_rate(client, world, manager):
    services.feedback_submit(
        token=links.make_token(world.invite),
        answers=answers_by_position(world.round, q1="4", q2="Jobs"),
    )
    client.force_login(manager)
    client.post(_url("{r}/invites/{i}/revoke/", world))
    page = client.get(_url("{r}/", world)).content.decode()
    assert "1 of 2 responded" in page
    assert "(50.0%)" in page
    assert "1 of 2" in client.get(_url("{p}/feedback/", world)).content.decode()


def test_revoking_an_invite_of_another_round_is_404(client, world, manager, project):
    other = services.feedback_round_create(
        actor=manager,
        project=project,
        title="Other",
        closes_at=timezone.now() + timedelta(days=3),
        questions=[{"kind": "text", "prompt": "Why?"}],
    )
    client.force_login(manager)
    url = f"/projects/{project.pk}/feedback/{other.pk}/invites/{world.invite.pk}/revoke/"
    assert client.post(url).status_code == 404
    assert FeedbackInvite.objects.filter(revoked_at__isnull=False).count() == 0


def test_csv_export_is_an_attachment_with_one_row_per_response(client, world, manager):
    services.feedback_submit(
        token=links.make_token(world.invite),
        answers=answers_by_position(world.round, q1="5", q2="Jobs", q4="=HYPERLINK(1)"),
    )
    client.force_login(manager)
    response = client.get(_url("{r}/results.csv", world))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="feedback-expectations.csv"'
    lines = response.content.decode().splitlines()
    assert len(lines) == 2
    assert lines[1].startswith("Dana Claims,")
    assert lines[1].endswith(",5,Jobs,,'=HYPERLINK(1)")


def test_the_trend_compares_the_same_question_across_rounds(client, world, manager, project):
    services.feedback_submit(
        token=links.make_token(world.invite),
        answers=answers_by_position(world.round, q1="2", q2="Jobs"),
    )
    services.feedback_round_close(actor=manager, feedback_round=world.round)
    later = services.feedback_round_create(
        actor=manager,
        project=project,
        title="After the pilot",
        closes_at=timezone.now() + timedelta(days=7),
        questions=[{"kind": "rating", "prompt": "Useful now?", "key": "usefulness"}],
    )
    services.feedback_round_open(actor=manager, feedback_round=later, stakeholders=[world.dana.pk])
    invite = later.invites.get()
    services.feedback_submit(
        token=links.make_token(invite), answers=answers_by_position(later, q1="5")
    )
    client.force_login(manager)
    page = client.get(f"/projects/{project.pk}/feedback/{later.pk}/").content.decode()
    trend = page.split('id="trend-heading"')[1].split("</section>")[0]
    assert trend.index("Expectations") < trend.index("After the pilot")
    assert "<td>2.0</td>" in trend
    assert "<td>5.0</td>" in trend


def test_you_said_we_did_on_a_closed_round_with_its_scope_version(
    client, world, manager, project, project_member
):
    from tests.projects.scope_helpers import approved_scope, reviewer_for

    version = approved_scope(project, manager, reviewer_for(project, project_member))
    client.force_login(manager)
    url = _url("{r}/summary/", world)
    early = client.post(url, {"you_said_we_did": "We heard you."})
    assert early.status_code == 409
    assert "Close the round" in early.content.decode()

    services.feedback_round_close(actor=manager, feedback_round=world.round)
    assert client.post(url, {"you_said_we_did": "  "}).status_code == 400
    done = client.post(
        url,
        {
            "you_said_we_did": "You asked for a human check; every triage is reviewed.",
            "outcome_scope_version": str(version.pk),
            "outcome_note": "Scope v1 adds the review step.",
        },
    )
    assert done.status_code == 302
    feedback_round = FeedbackRound.objects.get(pk=world.round.pk)
    assert feedback_round.outcome_scope_version == version
    page = client.get(_url("{r}/", world)).content.decode()
    assert "every triage is reviewed" in page
    assert f"/scope/{version.pk}/" in page


def _results_queries(client, manager, project, count):
    """An open round with `count` invitees of whom all but one answered."""
    people = []
    for n in range(count):
        person = services.stakeholder_create(
            actor=manager,
            organization=project.organization,
            name=f"Person {n:02d}",
            email=f"person{n}.{count}@example.com",
        )
        services.stakeholder_link(actor=manager, project=project, stakeholder=person)
        people.append(person.pk)
    feedback_round = services.feedback_round_create(
        actor=manager,
        project=project,
        title=f"Round of {count}",
        closes_at=timezone.now() + timedelta(days=7),
        questions=[
            {"kind": "rating", "prompt": "Useful?", "key": f"useful-{count}"},
            {"kind": "multiple", "prompt": "Which?", "choices": ["A", "B"]},
            {"kind": "text", "prompt": "Why?", "required": False},
        ],
    )
    services.feedback_round_open(actor=manager, feedback_round=feedback_round, stakeholders=people)
    for invite in list(feedback_round.invites.all())[1:]:
        services.feedback_submit(
            token=links.make_token(invite),
            answers=answers_by_position(feedback_round, q1="3", q2=["A"], q3="Because"),
        )
    client.force_login(manager)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/projects/{project.pk}/feedback/{feedback_round.pk}/")
    assert f"{count - 1} of {count} responded" in response.content.decode()
    return len(queries)


def test_round_results_queries_do_not_grow_with_responses(client, manager, project):
    assert _results_queries(client, manager, project, 5) == _results_queries(
        client, manager, project, 40
    )


# --- product feedback -----------------------------------------------------------------------


def test_intake_key_is_shown_once_then_revoked(client, project, manager):
    client.force_login(manager)
    bad = client.post(f"/projects/{project.pk}/feedback/product/", {"name": ""})
    assert bad.status_code == 400
    assert IntakeKey.objects.count() == 0

    created = client.post(f"/projects/{project.pk}/feedback/product/", {"name": "Portal"})
    assert created.status_code == 302
    page = client.get(f"/projects/{project.pk}/feedback/product/")
    assert page["Cache-Control"] == "no-store"
    plain = page.content.decode().split('<code id="new-key">')[1].split("</code>")[0]
    key = services.intake_key_for(plain)
    assert key is not None
    assert key.name == "Portal"
    again = client.get(f"/projects/{project.pk}/feedback/product/").content.decode()
    assert plain not in again

    client.post(f"/projects/{project.pk}/feedback/product/keys/{key.pk}/revoke/")
    assert services.intake_key_for(plain) is None


def test_product_feedback_summary_and_latest(client, project, manager):
    key, _ = services.intake_key_create(actor=manager, project=project, name="Portal")
    for rating, comment in [(5, "Great"), (4, ""), (1, "<b>Wrong</b> answer")]:
        services.product_feedback_receive(key=key, rating=rating, comment=comment)
    client.force_login(manager)
    page = client.get(f"/projects/{project.pk}/feedback/product/").content.decode()
    assert "<strong>3</strong> ratings · average <strong>3.33</strong> / 5" in page
    assert "&lt;b&gt;Wrong&lt;/b&gt; answer" in page
    assert '<rect class="bar-fill" x="0" y="0" width="33" height="10">' in page
