"""Stakeholders: registry, workshops with calendar files, feedback links, product intake."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail, signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from icalendar import Calendar

from accounts.permissions import SYSTEM
from audit.models import AuditEvent
from core.errors import ConflictError
from outbox.services import outbox_deliver_due
from projects.models import Task
from stakeholders import links, services
from stakeholders.models import FeedbackResponse, ProductFeedback, Stakeholder, WorkshopInvitation
from tests.stakeholders.helpers import answers_by_position

pytestmark = pytest.mark.django_db


# --- registry ---------------------------------------------------------------------------------


def test_registry_keeps_personal_data_off_the_trail(project, manager, stakeholder_of):
    person = stakeholder_of(project, "Dana Claims", influence=5, interest=2)
    assert person.quadrant == "keep_satisfied"
    event = AuditEvent.objects.get(action="stakeholder.created")
    assert "dana" not in str(event.data).lower()
    assert event.data["personal_fields"] == ["email", "name"]
    with pytest.raises(ValidationError, match="already exists"):
        services.stakeholder_create(
            actor=manager,
            organization=project.organization,
            name="Dup",
            email="DANA.CLAIMS@example.com",
        )


@pytest.mark.parametrize(
    "fields", [{"influence": 6}, {"interest": 0}, {"kind": "alien"}, {"email": "x"}]
)
def test_bad_stakeholder_input_is_refused(org, manager, fields):
    base = {"name": "A", "email": "a@example.com"}
    with pytest.raises(ValidationError):
        services.stakeholder_create(actor=manager, organization=org, **(base | fields))
    assert Stakeholder.objects.count() == 0


# --- workshops --------------------------------------------------------------------------------


def _ics_event(message):
    (name, content, mimetype) = message.attachments[0]
    assert name == "invite.ics"
    assert mimetype.startswith("text/calendar")
    calendar = Calendar.from_ical(content)
    return calendar, next(iter(calendar.walk("VEVENT")))


def test_invitation_ics_parses_and_reschedule_bumps_the_sequence(
    project, manager, stakeholder_of, django_capture_on_commit_callbacks
):
    dana = stakeholder_of(project)
    start = timezone.now() + timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=False):
        workshop = services.workshop_schedule(
            actor=manager,
            project=project,
            stakeholders=[dana.pk],
            title="Expectations workshop",
            starts_at=start,
            time_zone="Europe/Paris",
            duration_minutes=120,
            location="Room 4",
        )
    assert outbox_deliver_due() == 1
    assert outbox_deliver_due() == 0  # idempotent
    calendar, event = _ics_event(mail.outbox[0])
    assert str(calendar["method"]) == "REQUEST"
    assert (str(event["uid"]), int(event["sequence"])) == (workshop.ics_uid, 0)
    assert (
        event.decoded("dtstart") == start.replace(microsecond=0)
        or event.decoded("dtstart") == start
    )
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=120)
    assert str(event["attendee"]) == "MAILTO:dana.claims@example.com"

    with django_capture_on_commit_callbacks(execute=False):
        services.workshop_reschedule(
            actor=manager, workshop=workshop, starts_at=start + timedelta(days=1)
        )
        services.workshop_cancel(actor=manager, workshop=workshop, reason="Budget freeze")
    assert outbox_deliver_due() == 1  # the reschedule's invitation is superseded by the cancel
    calendar, event = _ics_event(mail.outbox[1])
    assert (str(calendar["method"]), str(event["status"])) == ("CANCEL", "CANCELLED")
    assert (str(event["uid"]), int(event["sequence"])) == (workshop.ics_uid, 2)
    assert mail.outbox[1].subject.startswith("Cancelled:")
    assert AuditEvent.objects.filter(action="workshop_invitation.sent").count() == 2


def test_outcome_records_attendance_decisions_and_tasks(project, manager, stakeholder_of):
    dana, lee = stakeholder_of(project, "Dana Claims"), stakeholder_of(project, "Lee Legal")
    workshop = services.workshop_schedule(
        actor=manager,
        project=project,
        stakeholders=[dana.pk, lee.pk],
        title="Kick-off",
        starts_at=timezone.now() - timedelta(hours=2),
    )
    services.workshop_record_outcome(
        actor=manager,
        workshop=workshop,
        minutes="Discussed triage.",
        attended=[dana.pk],
        decisions=["Start with motor claims"],
        action_items=[
            {"title": "Collect sample claims", "assignee": manager, "due_date": "2027-01-15"}
        ],
    )
    attendance = dict(WorkshopInvitation.objects.values_list("stakeholder__name", "attended"))
    assert attendance == {"Dana Claims": True, "Lee Legal": False}
    task = Task.objects.get()
    assert (task.title, task.source, task.source_id) == (
        "Collect sample claims",
        "workshop",
        str(workshop.pk),
    )
    assert workshop.decisions.get().text == "Start with motor claims"


def test_workshop_refusals(project, manager, stakeholder_of, outsider, other_org):
    stranger = services.stakeholder_create(
        actor=outsider, organization=other_org, name="Other", email="o@example.com"
    )
    future = timezone.now() + timedelta(days=1)
    with pytest.raises(ValidationError, match="stakeholders of this project"):
        services.workshop_schedule(
            actor=manager, project=project, stakeholders=[stranger.pk], title="X", starts_at=future
        )
    with pytest.raises(ValidationError, match="time zone"):
        services.workshop_schedule(
            actor=manager, project=project, title="X", starts_at=future, time_zone="Mars/Olympus"
        )
    workshop = services.workshop_schedule(
        actor=manager, project=project, title="X", starts_at=future
    )
    with pytest.raises(ValidationError, match="not started"):
        services.workshop_record_outcome(actor=manager, workshop=workshop, minutes="", attended=[])
    services.workshop_cancel(actor=manager, workshop=workshop)
    with pytest.raises(ConflictError):
        services.workshop_reschedule(actor=manager, workshop=workshop, starts_at=future)


# --- feedback links -----------------------------------------------------------------------------


def test_links_are_mailed_once_and_answers_stay_off_the_trail(open_round):
    feedback_round, invites = open_round
    assert outbox_deliver_due() == 2
    assert outbox_deliver_due() == 0
    assert len(mail.outbox) == 2
    dana = invites["Dana Claims"]
    # The mailed link is what Dana follows. Its token carries the second it was signed, so read
    # it back from the mail rather than signing again, which differs across a second boundary.
    mailed = [re.search(r"/f/([^/\s]+)/", str(m.body)) for m in mail.outbox]
    tokens = [match.group(1) for match in mailed if match]
    claims = {claim.invite_id: token for token in tokens if (claim := links.read_token(token))}
    assert set(claims) == {str(invite.pk) for invite in invites.values()}
    token = claims[str(dana.pk)]

    services.feedback_submit(
        token=token,
        answers=answers_by_position(feedback_round, q1="4", q2="Privacy", q4="Secret opinion"),
    )

    event = AuditEvent.objects.get(action="feedback_response.submitted")
    assert event.data == {
        "round_id": str(feedback_round.pk),
        "stakeholder_id": str(dana.stakeholder_id),
    }
    assert "Secret opinion" not in str(list(AuditEvent.objects.values_list("data", flat=True)))


def test_one_response_per_stakeholder_editable_until_close(open_round, manager):
    feedback_round, invites = open_round
    token = links.make_token(invites["Dana Claims"])
    services.feedback_submit(
        token=token, answers=answers_by_position(feedback_round, q1="2", q2="Jobs")
    )
    services.feedback_submit(
        token=token, answers=answers_by_position(feedback_round, q1="5", q2="Accuracy")
    )

    response = FeedbackResponse.objects.get()
    assert response.edit_count == 1
    assert sorted(a.rating for a in response.answers.all() if a.rating) == [5]

    services.feedback_round_close(actor=manager, feedback_round=feedback_round)
    with pytest.raises(ConflictError, match="closed"):
        services.feedback_submit(
            token=token, answers=answers_by_position(feedback_round, q1="1", q2="Jobs")
        )
    assert FeedbackResponse.objects.get().answers.get(question__position=1).rating == 5


@pytest.mark.parametrize(
    ("answers", "position"),
    [
        ({"q2": "Privacy"}, 1),  # required rating missing
        ({"q1": "7", "q2": "Privacy"}, 1),
        ({"q1": "x", "q2": "Privacy"}, 1),
        ({"q1": "3", "q2": "Weather"}, 2),
        ({"q1": "3", "q2": ["Privacy", "Jobs"]}, 2),
        ({"q1": "3", "q2": "Privacy", "q4": "x" * 4001}, 4),
    ],
)
def test_invalid_answers_are_refused_and_nothing_is_stored(open_round, answers, position):
    feedback_round, invites = open_round
    question_id = str(feedback_round.questions.get(position=position).pk)
    with pytest.raises(ValidationError) as error:
        services.feedback_submit(
            token=links.make_token(invites["Dana Claims"]),
            answers=answers_by_position(feedback_round, **answers),
        )
    assert question_id in error.value.message_dict
    assert FeedbackResponse.objects.count() == 0


def test_tampered_revoked_and_expired_links_are_refused(open_round, manager):
    _feedback_round, invites = open_round
    dana = invites["Dana Claims"]
    token = links.make_token(dana)
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    for bad in (
        tampered,
        "",
        "garbage",
        "x" * 400,
        token.replace(str(dana.pk), str(invites["Lee Legal"].pk)),
    ):
        with pytest.raises(PermissionDenied):
            services.feedback_submit(token=bad, answers={})

    services.feedback_invite_revoke(actor=manager, invite=dana)
    with pytest.raises(PermissionDenied):
        services.feedback_submit(token=token, answers={})

    old = signing.TimestampSigner(salt=links.SALT)
    lee = invites["Lee Legal"]
    stale = old.sign(f"{lee.pk}.{lee.link_nonce}")
    original = links.MAX_AGE_SECONDS
    links.MAX_AGE_SECONDS = -1  # every signature is now too old
    try:
        with pytest.raises(PermissionDenied):
            services.feedback_submit(token=stale, answers={})
    finally:
        links.MAX_AGE_SECONDS = original
    assert FeedbackResponse.objects.count() == 0


def test_round_end_date_closes_it(open_round):
    feedback_round, invites = open_round
    type(feedback_round).objects.filter(pk=feedback_round.pk).update(
        closes_at=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(ConflictError):
        services.feedback_submit(
            token=links.make_token(invites["Dana Claims"]),
            answers=answers_by_position(feedback_round, q1="3", q2="Jobs"),
        )
    assert services.feedback_rounds_close_due() == 1
    feedback_round.refresh_from_db()
    assert feedback_round.status == "closed"


def test_the_system_closes_a_round_only_once_it_is_due(open_round):
    feedback_round, _ = open_round
    events_before = AuditEvent.objects.count()

    with pytest.raises(PermissionDenied, match="end date has passed"):
        services.feedback_round_close(actor=SYSTEM, feedback_round=feedback_round)
    feedback_round.refresh_from_db()
    assert feedback_round.status == "open"
    assert AuditEvent.objects.count() == events_before

    type(feedback_round).objects.filter(pk=feedback_round.pk).update(
        closes_at=timezone.now() - timedelta(minutes=1)
    )
    feedback_round.refresh_from_db()
    services.feedback_round_close(actor=SYSTEM, feedback_round=feedback_round)
    feedback_round.refresh_from_db()
    assert feedback_round.status == "closed"
    event = AuditEvent.objects.get(action="feedback_round.closed")
    assert (event.actor_id, event.target_id) == (None, str(feedback_round.pk))  # the system


def test_summary_goes_to_respondents_once(open_round, manager, project):
    feedback_round, invites = open_round
    services.feedback_submit(
        token=links.make_token(invites["Dana Claims"]),
        answers=answers_by_position(feedback_round, q1="3", q2="Jobs"),
    )
    with pytest.raises(ConflictError):
        services.feedback_round_publish_summary(
            actor=manager, feedback_round=feedback_round, you_said_we_did="x"
        )
    services.feedback_round_close(actor=manager, feedback_round=feedback_round)
    services.feedback_round_publish_summary(
        actor=manager,
        feedback_round=feedback_round,
        you_said_we_did="You said jobs; we added a review step.",
    )
    mail.outbox.clear()
    assert outbox_deliver_due() == 1
    assert outbox_deliver_due() == 0
    assert mail.outbox[0].to == ["dana.claims@example.com"]
    assert "we added a review step" in mail.outbox[0].body


def test_round_form_validation(project, manager):
    future = timezone.now() + timedelta(days=3)
    bad_forms: list[list[dict[str, Any]]] = [
        [],
        [{"kind": "single", "prompt": "Pick", "choices": ["only one"]}],
        [{"kind": "essay", "prompt": "?"}],
        [{"kind": "text", "prompt": ""}],
    ]
    for questions in bad_forms:
        with pytest.raises(ValidationError):
            services.feedback_round_create(
                actor=manager, project=project, title="R", closes_at=future, questions=questions
            )
    with pytest.raises(ValidationError):
        services.feedback_round_create(
            actor=manager,
            project=project,
            title="R",
            closes_at=timezone.now() - timedelta(days=1),
            questions=[{"kind": "text", "prompt": "?"}],
        )


# --- product intake -----------------------------------------------------------------------------


def test_intake_key_lifecycle(project, manager):
    key, plain = services.intake_key_create(actor=manager, project=project, name="Claims app")
    assert services.intake_key_for(plain) == key
    services.product_feedback_receive(key=key, rating=4, comment="Helpful", model_ref="gpt-x")
    with pytest.raises(ValidationError):
        services.product_feedback_receive(key=key, rating=9)
    with pytest.raises(ValidationError):
        services.product_feedback_receive(key=key, rating=3, project="other")
    assert ProductFeedback.objects.count() == 1
    services.intake_key_revoke(actor=manager, key=key)
    assert services.intake_key_for(plain) is None
    assert services.intake_key_for(plain[:-1]) is None
    assert services.intake_key_for("chr_" + plain[4:]) is None


def test_a_workshop_recorded_after_the_fact_sends_no_invitation(
    project, manager, stakeholder_of, django_capture_on_commit_callbacks
):
    dana = stakeholder_of(project)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.workshop_schedule(
            actor=manager,
            project=project,
            stakeholders=[dana.pk],
            title="Held last week",
            starts_at=timezone.now() - timedelta(days=7),
        )
    assert callbacks == []
    assert mail.outbox == []


def test_recording_an_outcome_twice_is_refused(project, manager, stakeholder_of):
    dana = stakeholder_of(project)
    workshop = services.workshop_schedule(
        actor=manager,
        project=project,
        stakeholders=[dana.pk],
        title="Kick-off",
        starts_at=timezone.now() - timedelta(hours=2),
    )
    outcome: dict[str, Any] = {"minutes": "Done.", "attended": [dana.pk], "decisions": ["Go"]}
    services.workshop_record_outcome(actor=manager, workshop=workshop, **outcome)
    with pytest.raises(ConflictError, match="already recorded"):
        services.workshop_record_outcome(actor=manager, workshop=workshop, **outcome)
    assert workshop.decisions.count() == 1


def test_revoking_a_revoked_link_changes_nothing(open_round, manager):
    _, invites = open_round
    dana = services.feedback_invite_revoke(actor=manager, invite=invites["Dana Claims"])
    again = services.feedback_invite_revoke(actor=manager, invite=dana)
    assert again.link_nonce == dana.link_nonce
    assert AuditEvent.objects.filter(action="feedback_invite.revoked").count() == 1
