"""The results CSV neutralises every cell a contributor or a stakeholder wrote, header included:
a question prompt or an option value of `=1+1` is text in a spreadsheet, never a formula."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from core.csvfiles import csv_text, neutralise
from stakeholders import links, selectors, services

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://attacker.example","Click")'


def test_question_prompts_and_chosen_options_are_neutralised(project, manager, stakeholder_of):
    dana = stakeholder_of(project, "Dana Claims")
    feedback_round = services.feedback_round_create(
        actor=manager,
        project=project,
        title="Hostile round",
        closes_at=timezone.now() + timedelta(days=7),
        questions=[
            {"kind": "single", "prompt": "=1+1", "choices": [HOSTILE, "Fine"]},
            {"kind": "text", "prompt": "@SUM(A1:A9)", "required": False},
        ],
    )
    services.feedback_round_open(
        actor=manager, feedback_round=feedback_round, stakeholders=[dana.pk]
    )
    first, second = feedback_round.questions.order_by("position")
    services.feedback_submit(
        token=links.make_token(feedback_round.invites.get()),
        answers={str(first.pk): HOSTILE, str(second.pk): "-2+3"},
    )

    header, row = csv.reader(
        io.StringIO(selectors.feedback_results_csv(user=manager, feedback_round=feedback_round))
    )

    assert header == ["stakeholder", "submitted_at", "'=1+1", "'@SUM(A1:A9)"]
    assert row[2:] == [f"'{HOSTILE}", "'-2+3"]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", "\n"])
def test_every_formula_start_is_neutralised(start):
    assert neutralise(f"{start}cmd") == f"'{start}cmd"


def test_numbers_and_plain_text_pass_unchanged():
    assert list(csv.reader(io.StringIO(csv_text([["a b", 5, -3, "x=1"]])))) == [
        ["a b", "5", "-3", "x=1"]
    ]
