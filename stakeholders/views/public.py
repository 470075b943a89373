"""The public feedback form behind a stakeholder's personal link: no account, no script.

The page shows the project's name, the round's title and shared context, and the questions;
nothing else about the organisation or other stakeholders. Answers can be changed until the
round closes. Every answer is private: not indexed, not cached, no referrer leaves the site.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from core.clientip import client_address
from core.errors import ConflictError
from stakeholders import links, ratelimit, selectors, selectors_consent, services
from stakeholders.models import FeedbackInvite, Question

PRIVATE_HEADERS = {
    "X-Robots-Tag": "noindex, nofollow",
    # The token is in the URL: no other site may receive it as a referrer. Not "no-referrer":
    # under that policy browsers send `Origin: null` with the form's POST, which Django's CSRF
    # check rightly refuses; "same-origin" keeps the Origin for our own form and sends nothing
    # anywhere else.
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def _private(response: HttpResponse) -> HttpResponse:
    for name, value in PRIVATE_HEADERS.items():
        response[name] = value
    return response


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int
) -> HttpResponse:
    return _private(render(request, f"stakeholders/public/{template}", context, status=status))


def _invalid(request: HttpRequest) -> HttpResponse:
    return _page(request, "invalid.html", {}, 404)


def _closed(request: HttpRequest, invite: FeedbackInvite) -> HttpResponse:
    return _page(request, "closed.html", {"project_name": invite.round.project.name}, 410)


def _submitted(request: HttpRequest, questions: list[Question]) -> dict[str, Any]:
    """The answers as the service takes them: a list for multiple choice, else one value."""
    return {
        str(q.pk): request.POST.getlist(str(q.pk))
        if q.kind == Question.Kind.MULTIPLE
        else request.POST.get(str(q.pk), "")
        for q in questions
    }


def _earlier(invite: FeedbackInvite) -> dict[str, Any]:
    """The answers given before, in the same shape, to prefill the form."""
    values: dict[str, Any] = {}
    for answer in selectors.feedback_answers_for_invite(invite=invite):
        key = str(answer.question_id)
        if answer.rating is not None:
            values[key] = str(answer.rating)
        elif answer.text:
            values[key] = answer.text
        else:
            values[key] = answer.choices
    return values


def _rows(
    questions: list[Question], values: dict[str, Any], errors: dict[str, str]
) -> list[dict[str, Any]]:
    rows = []
    for number, question in enumerate(questions, start=1):
        name = str(question.pk)
        value = values.get(name, [] if question.kind == Question.Kind.MULTIPLE else "")
        if question.kind == Question.Kind.SINGLE and isinstance(value, list):
            value = value[0] if value else ""
        error = errors.get(name, "")
        described_by = [
            *([f"help-{name}"] if question.help_text else []),
            *([f"scale-{name}"] if question.kind == Question.Kind.RATING else []),
            *([f"error-{name}"] if error else []),
        ]
        rows.append(
            {
                "number": number,
                "question": question,
                "name": name,
                "value": value,
                "values": value if isinstance(value, list) else [value],
                "error": error,
                "described_by": " ".join(described_by),
                # The error summary links to the first control of the question.
                "first_id": f"q-{name}" if question.kind == Question.Kind.TEXT else f"q-{name}-1",
            }
        )
    return rows


@require_http_methods(["GET", "POST"])
def feedback_form(request: HttpRequest, token: str) -> HttpResponse:
    """Answer a feedback round; a second submission edits the first until the round closes."""
    if request.method == "POST" and not ratelimit.public_form_allows(
        client_ip=client_address(request),
        token=token,
        link_is_genuine=links.read_token(token) is not None,
    ):
        response = _page(request, "limited.html", {}, 429)
        response["Retry-After"] = str(ratelimit.PUBLIC_FORM_WINDOW_SECONDS)
        return response
    invite = services.invite_for_token(token)
    if invite is None:
        return _invalid(request)
    feedback_round = invite.round
    if not feedback_round.is_accepting:
        return _closed(request, invite)
    questions = list(feedback_round.questions.all())
    errors: dict[str, str] = {}
    consent_given = False
    if request.method == "POST":
        values = _submitted(request, questions)
        consent_given = request.POST.get("consent") == "yes"
        try:
            services.feedback_submit(
                token=token,
                answers=values,
                consent=consent_given,
                consent_version=_version(request.POST.get("consent_version")),
            )
        except ValidationError as error:
            errors = {key: " ".join(messages) for key, messages in error.message_dict.items()}
        except PermissionDenied:
            return _invalid(request)  # withdrawn between the page and the answer
        except ConflictError:
            return _closed(request, invite)
        else:
            return _private(redirect("stakeholders:feedback-thanks", token))
    else:
        values = _earlier(invite)
    # Read after a refused submission too: the terms may have changed meanwhile, and the
    # page must show (and the next submission name) the current ones.
    policy = services.consent_needed(invite=invite)
    context = {
        "project_name": feedback_round.project.name,
        "round": feedback_round,
        "rows": _rows(questions, values, errors),
        "errors": errors,
        "has_answered": invite.responded_at is not None,
        "consent_policy": policy,
        # The exact string whose SHA-256 the consent record keeps (policy.text_sha256).
        "consent_text": policy.text if policy else "",
        "consent_given": consent_given and "consent" not in errors,
        "consent_error": errors.get("consent", ""),
    }
    return _page(request, "form.html", context, 400 if errors else 200)


def _version(raw: str | None) -> int | None:
    """The terms' version the form showed, or None when missing or garbled."""
    try:
        return int(raw) if raw and len(raw) < 10 else None
    except ValueError:
        return None


@require_GET
def feedback_thanks(request: HttpRequest, token: str) -> HttpResponse:
    """After a submission (post/redirect/get): a reload does not send the answers again."""
    invite = services.invite_for_token(token)
    if invite is None:
        return _invalid(request)
    context = {
        "project_name": invite.round.project.name,
        "round": invite.round,
        "token": token,
        "is_accepting": invite.round.is_accepting,
    }
    return _page(request, "thanks.html", context, 200)


# --- withdrawing consent -------------------------------------------------------------------

WITHDRAWAL_HEADERS = {**PRIVATE_HEADERS, "Cache-Control": "private, no-store"}


def _withdrawal_private(response: HttpResponse) -> HttpResponse:
    for name, value in WITHDRAWAL_HEADERS.items():
        response[name] = value
    return response


def _withdrawal_page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int
) -> HttpResponse:
    return _withdrawal_private(
        render(request, f"stakeholders/public/{template}", context, status=status)
    )


@require_http_methods(["GET", "POST"])
def consent_withdraw(request: HttpRequest, token: str) -> HttpResponse:
    """A stakeholder's withdrawal link: what consent they hold, and a button that withdraws
    it (POST only: a mail scanner following the link withdraws nothing). A tampered or
    expired link changes nothing and says nothing about anyone."""
    claim = links.read_withdrawal_token(token)
    if request.method == "POST" and not ratelimit.public_form_allows(
        client_ip=client_address(request),
        token=token,
        link_is_genuine=claim.stakeholder_id is not None,
    ):
        response = _withdrawal_page(request, "limited.html", {}, 429)
        response["Retry-After"] = str(ratelimit.PUBLIC_FORM_WINDOW_SECONDS)
        return response
    if claim.expired:
        return _withdrawal_page(request, "withdraw_unusable.html", {"expired": True}, 410)
    stakeholder = services.stakeholder_for_withdrawal_token(token)
    if stakeholder is None:
        return _withdrawal_page(request, "withdraw_unusable.html", {"expired": False}, 400)
    if request.method == "POST":
        services.consent_withdraw(token=token)  # a second time withdraws nothing more
        # Post/redirect/get: a reload of the answer does not post again.
        return _withdrawal_private(redirect(f"{request.path}?done=1"))
    records = list(selectors_consent.consent_records_of_subject(stakeholder=stakeholder))
    active = [record for record in records if record.is_active]
    withdrawn = [record for record in records if not record.is_active]
    context = {
        "token": token,
        "active": active,
        "withdrawn": withdrawn,
        # Said only when it is true, whatever the query string claims.
        "done": request.GET.get("done") == "1" and bool(withdrawn) and not active,
    }
    return _withdrawal_page(request, "withdraw.html", context, 200)
