"""The public feedback form behind a personal link: no account, no script, nothing leaked."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from stakeholders import links, ratelimit, services
from stakeholders.models import Answer, FeedbackResponse, FeedbackRound
from tests.stakeholders.helpers import answers_by_position, question_ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def dana(open_round):
    feedback_round, invites = open_round
    return feedback_round, invites["Dana Claims"], links.make_token(invites["Dana Claims"])


PRIVATE = {
    "X-Robots-Tag": "noindex, nofollow",
    "Referrer-Policy": "same-origin",  # "no-referrer" makes browsers send Origin: null
    "Cache-Control": "no-store",
}


def _assert_private(response):
    for name, value in PRIVATE.items():
        assert response[name] == value


def test_the_form_shows_the_project_context_and_questions_and_nothing_else(
    client, dana, project, stakeholder_of
):
    feedback_round, _invite, token = dana
    stakeholder_of(project, "Sam Other")  # on the project, not invited
    response = client.get(f"/f/{token}/")
    page = response.content.decode()
    assert response.status_code == 200
    _assert_private(response)
    assert "<h1>Claims assistant</h1>" in page
    assert "We are exploring an AI claims-triage assistant." in page
    for question in feedback_round.questions.all():
        assert question.prompt in page
    assert page.count("<fieldset") == 4
    assert page.count("<legend>") == 4
    for name in ("Lee Legal", "Sam Other", "Dana Claims", "Acme Insurance", "example.com"):
        assert name not in page
    assert project.owner.email not in page
    assert "<script" not in page


def test_a_submission_is_stored_and_thanked_and_the_form_comes_back_prefilled(client, dana):
    feedback_round, invite, token = dana
    response = client.post(
        f"/f/{token}/",
        answers_by_position(
            feedback_round, q1="4", q2="Privacy", q3=["Triage", "Drafting"], q4="Be careful"
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == f"/f/{token}/thanks/"
    _assert_private(response)
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert "Thank you" in thanks.content.decode()
    _assert_private(thanks)

    answers = {a.question.position: a for a in Answer.objects.select_related("question")}
    assert (answers[1].rating, answers[2].choices, answers[3].choices, answers[4].text) == (
        4,
        ["Privacy"],
        ["Triage", "Drafting"],
        "Be careful",
    )
    invite.refresh_from_db()
    assert invite.responded_at is not None

    page = client.get(f"/f/{token}/").content.decode()
    ids = question_ids(feedback_round)
    assert f'id="q-{ids[1]}-4" value="4" checked' in page
    assert f'id="q-{ids[2]}-2" value="Privacy" checked' in page
    assert f'id="q-{ids[3]}-1" value="Triage" checked' in page
    assert f'id="q-{ids[3]}-2" value="Drafting" checked' in page
    assert ">Be careful</textarea>" in page
    assert "You have answered already" in page


def test_a_second_submission_edits_the_one_response(client, dana):
    feedback_round, _invite, token = dana
    client.post(f"/f/{token}/", answers_by_position(feedback_round, q1="2", q2="Jobs"))
    client.post(f"/f/{token}/", answers_by_position(feedback_round, q1="5", q2="Accuracy"))
    response = FeedbackResponse.objects.get()
    assert response.edit_count == 1
    assert list(
        response.answers.order_by("question__position").values_list("rating", "choices")
    ) == [
        (5, []),
        (None, ["Accuracy"]),
    ]
    assert AuditEvent.objects.filter(action="feedback_response.edited").count() == 1


def test_a_missing_required_answer_shows_the_errors_and_stores_nothing(client, dana):
    feedback_round, _invite, token = dana
    ids = question_ids(feedback_round)
    response = client.post(
        f"/f/{token}/", answers_by_position(feedback_round, q2="Weather", q4="Kept")
    )
    page = response.content.decode()
    assert response.status_code == 400
    _assert_private(response)
    assert "<title>Error: " in page
    summary = page.split('class="error-summary"')[1].split("</div>")[0]
    assert f'href="#q-{ids[1]}-1"' in summary
    assert f'href="#q-{ids[2]}-1"' in summary
    assert "This question needs an answer." in summary
    assert "Choose among the options given." in summary
    assert f'aria-describedby="scale-{ids[1]} error-{ids[1]}"' in page
    assert f'id="q-{ids[1]}-1" value="1" required aria-invalid="true"' in page
    assert ">Kept</textarea>" in page  # what was typed is not lost
    assert FeedbackResponse.objects.count() == 0
    assert Answer.objects.count() == 0


def test_script_in_a_text_answer_is_escaped_on_the_results_page(client, dana, manager):
    feedback_round, _invite, token = dana
    client.post(
        f"/f/{token}/",
        answers_by_position(
            feedback_round, q1="3", q2="Jobs", q4='<script>alert("x")</script><b>bold</b>'
        ),
    )
    client.force_login(manager)
    page = client.get(
        f"/projects/{feedback_round.project_id}/feedback/{feedback_round.pk}/"
    ).content.decode()
    assert '<script>alert("x")' not in page
    assert "<b>bold</b>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in page


def test_the_thanks_page_of_a_bad_link_is_404(client):
    assert client.get("/f/nonsense/thanks/").status_code == 404


# --- the link's lifecycle -----------------------------------------------------------------


def _assert_invalid(response):
    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()
    _assert_private(response)


def test_tampered_and_unknown_links_are_a_clear_404(client, dana):
    feedback_round, invite, token = dana
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    forged = token.replace(str(invite.pk), "00000000-0000-0000-0000-000000000000")
    for bad in (tampered, forged, "garbage", "x" * 400):
        _assert_invalid(client.get(f"/f/{bad}/"))
        _assert_invalid(
            client.post(f"/f/{bad}/", answers_by_position(feedback_round, q1="4", q2="Jobs"))
        )
    assert FeedbackResponse.objects.count() == 0


def test_a_revoked_link_is_a_clear_404(client, dana, manager):
    feedback_round, invite, token = dana
    assert client.get(f"/f/{token}/").status_code == 200
    services.feedback_invite_revoke(actor=manager, invite=invite)
    _assert_invalid(client.get(f"/f/{token}/"))
    _assert_invalid(
        client.post(f"/f/{token}/", answers_by_position(feedback_round, q1="4", q2="Jobs"))
    )
    assert FeedbackResponse.objects.count() == 0


def test_an_expired_link_is_a_clear_404(client, dana, monkeypatch):
    feedback_round, _invite, token = dana
    monkeypatch.setattr(links, "MAX_AGE_SECONDS", -1)  # every signature is now too old
    _assert_invalid(client.get(f"/f/{token}/"))
    _assert_invalid(
        client.post(f"/f/{token}/", answers_by_position(feedback_round, q1="4", q2="Jobs"))
    )
    assert FeedbackResponse.objects.count() == 0


@pytest.mark.parametrize("how", ["closed", "past_end_date"])
def test_a_closed_round_is_a_clear_410(client, dana, manager, how):
    feedback_round, _invite, token = dana
    if how == "closed":
        services.feedback_round_close(actor=manager, feedback_round=feedback_round)
    else:
        FeedbackRound.objects.filter(pk=feedback_round.pk).update(
            closes_at=timezone.now() - timedelta(minutes=1)
        )
    for response in (
        client.get(f"/f/{token}/"),
        client.post(f"/f/{token}/", answers_by_position(feedback_round, q1="4", q2="Jobs")),
    ):
        assert response.status_code == 410
        assert "This feedback round is closed" in response.content.decode()
        _assert_private(response)
    assert FeedbackResponse.objects.count() == 0


# --- abuse --------------------------------------------------------------------------------


def test_csrf_is_enforced_without_a_session(dana):
    feedback_round, _invite, token = dana
    browser = Client(enforce_csrf_checks=True)
    answers = answers_by_position(feedback_round, q1="4", q2="Jobs")
    assert browser.post(f"/f/{token}/", answers).status_code == 403
    assert FeedbackResponse.objects.count() == 0

    page = browser.get(f"/f/{token}/")
    csrf = page.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert "sessionid" not in browser.cookies  # no account, no session: the cookie suffices
    response = browser.post(f"/f/{token}/", answers | {"csrfmiddlewaretoken": csrf})
    assert response.status_code == 302
    assert FeedbackResponse.objects.count() == 1


def test_posts_are_limited_per_link(client, dana):
    feedback_round, _invite, token = dana
    answers = answers_by_position(feedback_round, q1="4", q2="Jobs")
    for _ in range(ratelimit.PUBLIC_FORM_LIMIT):
        assert client.post(f"/f/{token}/", answers).status_code == 302
    limited = client.post(f"/f/{token}/", answers_by_position(feedback_round, q1="1", q2="Privacy"))
    assert limited.status_code == 429
    assert limited["Retry-After"] == "600"
    assert "Too many attempts" in limited.content.decode()
    _assert_private(limited)
    assert FeedbackResponse.objects.get().answers.get(question__position=1).rating == 4
    assert client.get(f"/f/{token}/").status_code == 200  # reading is not limited


def test_posts_are_limited_per_address_across_links(client, open_round):
    feedback_round, invites = open_round
    dana, lee = (links.make_token(invites[name]) for name in ("Dana Claims", "Lee Legal"))
    answers = answers_by_position(feedback_round, q1="4", q2="Jobs")
    # Genuine links share the address's budget (forged ones have their own: see
    # test_public_form_abuse.py); each link stays under its own limit here.
    for n in range(ratelimit.PUBLIC_FORM_LIMIT):
        assert client.post(f"/f/{dana if n % 2 else lee}/", answers).status_code == 302
    assert client.post(f"/f/{dana}/", answers).status_code == 429
    other_address = client.post(f"/f/{dana}/", answers, REMOTE_ADDR="198.51.100.7")
    assert other_address.status_code == 302
    assert FeedbackResponse.objects.count() == 2
