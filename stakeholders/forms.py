"""Forms of the stakeholders pages. They parse and validate input; services do the writing.

Lists are typed one item per line, so every page works without JavaScript.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone

from core.forms import choice_field, quiet, rows_data
from core.timezones import time_zone_choices
from stakeholders.models import Question, Stakeholder
from stakeholders.services.feedback import MAX_QUESTIONS

SCALE = [(n, str(n)) for n in range(1, 6)]
DATE = forms.DateInput(attrs={"type": "date"})
MAX_ACTION_ITEMS = 50
DATETIME_LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
CHOICE_KINDS = (Question.Kind.SINGLE, Question.Kind.MULTIPLE)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class WallClockField(forms.DateTimeField):
    """A date and time read as written (no time zone): the form pairs it with a zone field."""

    widget = DATETIME_LOCAL

    def to_python(self, value: Any) -> datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.replace(tzinfo=None)
        try:
            parsed = datetime.fromisoformat(str(value).strip())
        except ValueError as error:
            raise forms.ValidationError(
                "Enter a date and time like 2027-03-01 14:30.", code="invalid"
            ) from error
        if parsed.tzinfo is not None:
            raise forms.ValidationError("Give the time without a time zone.", code="invalid")
        return parsed


def in_zone(wall_clock: datetime, zone_name: str) -> datetime:
    """The aware instant of a wall-clock time in a zone; a time skipped by a clock change is
    refused rather than silently moved."""
    zone = ZoneInfo(zone_name)
    aware = wall_clock.replace(tzinfo=zone)
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall_clock:
        raise forms.ValidationError(
            "This time does not exist in that time zone (the clocks change then)."
        )
    return aware


def wall_clock_of(moment: datetime, zone_name: str) -> datetime:
    """The naive wall-clock time of an instant in a zone (to fill a datetime-local input)."""
    return moment.astimezone(ZoneInfo(zone_name)).replace(tzinfo=None)


# --- registry --------------------------------------------------------------------------------


class StakeholderForm(forms.Form):
    name = forms.CharField(max_length=150)
    email = forms.EmailField(max_length=254)
    unit = forms.CharField(max_length=150, required=False, label="Organisation or unit")
    kind = forms.ChoiceField(choices=Stakeholder.Kind.choices, initial=Stakeholder.Kind.BUSINESS)
    influence = forms.TypedChoiceField(
        choices=SCALE, coerce=int, initial=3, help_text="1 = little say, 5 = decides."
    )
    interest = forms.TypedChoiceField(
        choices=SCALE, coerce=int, initial=3, help_text="1 = barely affected, 5 = deeply affected."
    )
    preferred_contact = forms.ChoiceField(
        choices=Stakeholder.Contact.choices, initial=Stakeholder.Contact.EMAIL
    )
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )


class StakeholderOnProjectForm(StakeholderForm):
    """A new person added from a project's page: they join the registry and the project."""

    role = forms.CharField(max_length=150, required=False, label="Role in the project")


class StakeholderSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Search")


class StakeholderLinkForm(forms.Form):
    stakeholder = forms.ChoiceField(label="Person from the registry")
    role = forms.CharField(max_length=150, required=False, label="Role in the project")

    def __init__(self, *args: Any, candidates: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "stakeholder").choices = [("", "Choose a person"), *candidates]


# --- workshops -------------------------------------------------------------------------------


class _WhenForm(forms.Form):
    """Date, time and zone, read together: 14:30 means 14:30 in the chosen zone."""

    starts_at = WallClockField(label="Date and time", help_text="In the time zone below.")
    time_zone = forms.ChoiceField(choices=time_zone_choices)
    duration_minutes = forms.IntegerField(
        min_value=5, max_value=24 * 60, initial=90, label="Duration (minutes)"
    )
    location = forms.CharField(max_length=300, required=False)
    meeting_url = forms.URLField(
        max_length=500, required=False, label="Meeting link", assume_scheme="https"
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean returns; its stub allows None
        if data.get("starts_at") and data.get("time_zone"):
            try:
                data["starts_at"] = in_zone(data["starts_at"], data["time_zone"])
            except forms.ValidationError as error:
                self.add_error("starts_at", error)
        return data


class WorkshopForm(_WhenForm):
    title = forms.CharField(max_length=200)
    purpose = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )
    agenda = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=10000
    )
    facilitator = forms.ChoiceField(required=False)
    stakeholders = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Invite"
    )

    field_order = [
        "title",
        "purpose",
        "agenda",
        "starts_at",
        "time_zone",
        "duration_minutes",
        "location",
        "meeting_url",
        "facilitator",
        "stakeholders",
    ]

    def __init__(
        self,
        *args: Any,
        people: list[tuple[str, str]],
        stakeholders: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "facilitator").choices = [("", "Nobody yet"), *people]
        choice_field(self, "stakeholders").choices = stakeholders
        if not stakeholders:
            self.fields[
                "stakeholders"
            ].help_text = "Add stakeholders to the project to invite them."


class WorkshopRescheduleForm(_WhenForm):
    pass


class WorkshopCancelForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )


class WorkshopInviteForm(forms.Form):
    stakeholders = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple, label="Invite these stakeholders too"
    )

    def __init__(self, *args: Any, stakeholders: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "stakeholders").choices = stakeholders


class ActionItemForm(forms.Form):
    """One action item of a workshop: it becomes a task of the project. A row left blank is
    ignored; a row with a date or an assignee needs its title."""

    title = forms.CharField(max_length=200, required=False)
    assignee = forms.ChoiceField(required=False)
    due_date = forms.DateField(widget=DATE, required=False, label="Due")

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "assignee").choices = [("", "Nobody yet"), *people]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        filled = data.get("assignee") or data.get("due_date")
        if filled and not (data.get("title") or "").strip():
            self.add_error("title", "Give the action item a title, or clear its row.")
        return data


ActionItemFormSet = forms.formset_factory(
    ActionItemForm, extra=2, can_delete=True, max_num=MAX_ACTION_ITEMS, validate_max=True
)


class WorkshopOutcomeForm(forms.Form):
    """What happened at the workshop, with its action items as rows (`self.action_rows`, a
    formset posted with the form under the prefix "actions")."""

    attended = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Who attended"
    )
    minutes = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), max_length=50000)
    decisions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=20000,
        help_text="One decision per line.",
    )

    def __init__(
        self,
        data: Any = None,
        *args: Any,
        invitees: list[tuple[str, str]],
        people: list[Any],
        extra_rows: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, *args, **kwargs)
        choice_field(self, "attended").choices = invitees
        self.people = {str(person.pk): person for person in people}
        choices = [(pk, person.display_name) for pk, person in self.people.items()]
        data = rows_data(data, "actions", more=extra_rows, most=MAX_ACTION_ITEMS)
        self.action_rows = ActionItemFormSet(
            data, prefix="actions", form_kwargs={"people": choices}
        )

    def is_valid(self) -> bool:
        rows_valid = self.action_rows.is_valid()  # every row's errors, not just the first
        return super().is_valid() and rows_valid

    def clean_decisions(self) -> list[str]:
        rows = _lines(self.cleaned_data["decisions"])
        for number, line in enumerate(rows, start=1):
            if len(line) > 2000:
                raise forms.ValidationError(f"Line {number}: at most 2,000 characters.")
        return rows

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.action_rows.is_valid():
            self.add_error(None, "An action item needs fixing: see its row.")
            return data
        data["action_items"] = [
            {
                "title": row["title"].strip(),
                "assignee": self.people.get(row.get("assignee") or ""),
                "due_date": row.get("due_date"),
            }
            for row in self.action_rows.cleaned_data
            if row and not row.get("DELETE") and (row.get("title") or "").strip()
        ]
        return data

    def quiet(self) -> WorkshopOutcomeForm:
        """The form shown again to add a row: what was typed, without errors."""
        quiet(self, self.action_rows)
        return self


# --- feedback rounds -------------------------------------------------------------------------


class FeedbackRoundForm(forms.Form):
    """The round and a number of question rows; an empty row is left out.

    "Add another question" re-renders the form with one more row: no script needed.
    """

    title = forms.CharField(max_length=200)
    shared_context = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
        label="Context shown to respondents",
        help_text="What the project is and why you ask. Respondents see this and the questions "
        "only.",
    )
    closes_on = forms.DateField(
        widget=DATE,
        label="End date",
        help_text="Answers are taken until the end of this day, in your time zone.",
    )
    # How many rows the page showed; read leniently by `row_count_of`, never an error.
    rows = forms.CharField(widget=forms.HiddenInput, required=False)

    ROW_FIELDS = ("kind", "prompt", "choices", "required", "key")

    def __init__(self, *args: Any, rows: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.row_count = rows
        for number in range(1, rows + 1):
            self.fields[f"q{number}_kind"] = forms.ChoiceField(
                choices=Question.Kind.choices, label="Kind", initial=Question.Kind.RATING
            )
            self.fields[f"q{number}_prompt"] = forms.CharField(
                max_length=500, required=False, label="Question"
            )
            self.fields[f"q{number}_choices"] = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                max_length=5000,
                label="Choices",
                help_text="For single and multiple choice: one per line.",
            )
            self.fields[f"q{number}_required"] = forms.BooleanField(
                required=False, initial=True, label="An answer is required"
            )
            self.fields[f"q{number}_key"] = forms.SlugField(
                max_length=80,
                required=False,
                label="Comparison key",
                help_text="Optional. Questions with the same key are compared across rounds; "
                "by default the key comes from the wording.",
            )

    @staticmethod
    def row_count_of(data: Any, default: int = 3) -> int:
        """The number of rows a submitted form had, kept within 1 and the maximum."""
        try:
            count = int(data.get("rows", default))
        except (TypeError, ValueError):
            count = default
        return max(1, min(count, MAX_QUESTIONS))

    def question_rows(self) -> list[dict[str, Any]]:
        """The bound fields of each row, for the template."""
        return [
            {"number": n, **{name: self[f"q{n}_{name}"] for name in self.ROW_FIELDS}}
            for n in range(1, self.row_count + 1)
        ]

    def clean_closes_on(self) -> datetime:
        day: date = self.cleaned_data["closes_on"]
        closes_at = datetime.combine(day, time(23, 59, 59), tzinfo=timezone.get_current_timezone())
        if closes_at <= timezone.now():
            raise forms.ValidationError("Choose a date from today on.")
        return closes_at

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean returns; its stub allows None
        questions = []
        for n in range(1, self.row_count + 1):
            prompt = (data.get(f"q{n}_prompt") or "").strip()
            choices = _lines(data.get(f"q{n}_choices") or "")
            if not prompt and not choices:
                continue  # an empty row is simply left out
            kind = data.get(f"q{n}_kind")
            if not prompt:
                self.add_error(f"q{n}_prompt", "Write the question, or empty its choices.")
            if kind in CHOICE_KINDS and (len(choices) < 2 or len(set(choices)) != len(choices)):
                self.add_error(
                    f"q{n}_choices", "Give at least two different choices, one per line."
                )
            questions.append(
                {
                    "kind": kind,
                    "prompt": prompt,
                    "choices": choices if kind in CHOICE_KINDS else [],
                    "required": bool(data.get(f"q{n}_required")),
                    "key": data.get(f"q{n}_key") or "",
                }
            )
        if not questions and not self.errors:
            self.add_error(None, "Add at least one question.")
        data["questions"] = questions
        return data

    @classmethod
    def initial_from(cls, data: Any, rows: int) -> dict[str, Any]:
        """The values of a submitted form as `initial` for an unbound one with `rows` rows
        (an unbound form shows no errors: adding a row is not a submission)."""
        initial: dict[str, Any] = {
            name: data.get(name, "") for name in ("title", "shared_context", "closes_on")
        }
        initial["rows"] = rows
        submitted = cls.row_count_of(data)
        for n in range(1, rows + 1):
            if n > submitted:
                continue  # the new row keeps the fields' defaults
            for name in ("kind", "prompt", "choices", "key"):
                initial[f"q{n}_{name}"] = data.get(f"q{n}_{name}", "")
            initial[f"q{n}_required"] = bool(data.get(f"q{n}_required"))
        return initial

    @staticmethod
    def initial_from_round(feedback_round: Any) -> dict[str, Any]:
        """A new round's form filled with an earlier round's questions (same keys)."""
        questions = list(feedback_round.questions.all())
        initial: dict[str, Any] = {
            "title": feedback_round.title,
            "shared_context": feedback_round.shared_context,
            "rows": max(1, len(questions)),
        }
        for n, question in enumerate(questions, start=1):
            initial |= {
                f"q{n}_kind": question.kind,
                f"q{n}_prompt": question.prompt,
                f"q{n}_choices": "\n".join(question.choices),
                f"q{n}_required": question.required,
                f"q{n}_key": question.key,
            }
        return initial


class FeedbackOpenForm(forms.Form):
    stakeholders = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple, label="Send a personal link to"
    )

    def __init__(self, *args: Any, stakeholders: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "stakeholders").choices = stakeholders


class FeedbackSummaryForm(forms.Form):
    you_said_we_did = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        label="You said, we did",
        help_text="What you heard and what you changed. Respondents receive it by email.",
    )
    outcome_scope_version = forms.ChoiceField(required=False, label="Scope version it led to")
    outcome_note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000, label="Note"
    )

    def __init__(self, *args: Any, versions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "outcome_scope_version").choices = [("", "None"), *versions]


class IntakeKeyForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        label="Name of a new key",
        help_text="Which application posts with this key, e.g. “Claims portal”.",
    )
