"""core.services.model_update: the one update sequence of every update service."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Organization
from core.services import diff, model_update, snapshot
from projects.models import Risk
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

RISK_FIELDS = ("title", "likelihood", "impact", "owner", "review_date")


@pytest.fixture
def risk(project):
    return Risk.objects.create(
        project=project, reference=1, title="Hallucinated claims", category="technical"
    )


def _updates(queries):
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]


def test_snapshot_gives_json_values_and_foreign_key_ids(risk, project):
    risk.review_date, risk.owner = date(2027, 1, 31), project.owner
    assert snapshot(risk, ["review_date", "owner", "likelihood"]) == {
        "review_date": "2027-01-31",
        "owner": str(project.owner.pk),
        "likelihood": None,
    }
    assert diff({"a": 1, "b": 2}, {"a": 1, "b": 3}) == {"b": {"old": 2, "new": 3}}


def test_unknown_fields_are_refused_by_name_and_nothing_is_saved(risk):
    with pytest.raises(ValidationError) as error:
        model_update(
            instance=risk, fields=RISK_FIELDS, data={"title": "New", "reference": 9, "status": 1}
        )
    assert error.value.message_dict == {
        "reference": ["This field cannot be set here."],
        "status": ["This field cannot be set here."],
    }
    risk.refresh_from_db()
    assert (risk.title, risk.reference) == ("Hallucinated claims", 1)


def test_the_message_for_unknown_fields_can_be_the_callers(risk):
    with pytest.raises(ValidationError) as error:
        model_update(instance=risk, fields=(), data={"title": "x"}, unknown_message="No.")
    assert error.value.message_dict == {"title": ["No."]}


def test_only_changed_fields_are_saved_and_returned_as_old_and_new(risk, project):
    # Someone else changes the impact meanwhile: saving only what changed keeps their edit.
    Risk.objects.filter(pk=risk.pk).update(impact=5)
    before_update = risk.updated_at
    with CaptureQueriesContext(connection) as queries:
        risk, changes = model_update(
            instance=risk,
            fields=RISK_FIELDS,
            data={"title": "Hallucinated claims", "likelihood": 4, "owner": project.owner},
        )
    assert changes == {
        "likelihood": {"old": None, "new": 4},
        "owner": {"old": None, "new": str(project.owner.pk)},
    }
    [update] = _updates(queries)
    assert '"title"' not in update
    assert '"impact"' not in update
    stored = Risk.objects.get(pk=risk.pk)
    assert (stored.likelihood, stored.impact, stored.owner) == (4, 5, project.owner)
    assert stored.updated_at > before_update
    assert stored.version == 1  # no counter named


def test_nothing_changed_saves_nothing_and_leaves_the_counter(risk):
    with CaptureQueriesContext(connection) as queries:
        risk, changes = model_update(
            instance=risk,
            fields=RISK_FIELDS,
            data={"title": "Hallucinated claims"},
            counter="version",
        )
    assert changes == {}
    assert _updates(queries) == []
    assert risk.version == 1


def test_a_counter_goes_up_once_per_saved_change(risk):
    risk, _ = model_update(instance=risk, fields=RISK_FIELDS, data={"impact": 3}, counter="version")
    risk, _ = model_update(instance=risk, fields=RISK_FIELDS, data={"impact": 4}, counter="version")
    stored = Risk.objects.get(pk=risk.pk)
    assert (stored.impact, stored.version) == (4, 3)


def test_values_are_validated_and_converted_before_the_diff(risk):
    with pytest.raises(ValidationError) as error:
        model_update(instance=risk, fields=RISK_FIELDS, data={"likelihood": 9})
    assert list(error.value.message_dict) == ["likelihood"]
    assert Risk.objects.get(pk=risk.pk).likelihood is None

    # full_clean turns the text into a date: the diff holds the stored value.
    fresh = Risk.objects.get(pk=risk.pk)
    fresh, changes = model_update(
        instance=fresh, fields=RISK_FIELDS, data={"review_date": "2027-03-01"}
    )
    assert changes == {"review_date": {"old": None, "new": "2027-03-01"}}
    assert Risk.objects.get(pk=risk.pk).review_date == date(2027, 3, 1)


def test_check_runs_on_the_new_values_before_validation_and_can_refuse(risk):
    seen = []

    def check(instance):
        seen.append(instance.title)
        if instance.title == "Forbidden":
            raise ValidationError({"title": "Not this one."})

    with pytest.raises(ValidationError) as error:
        model_update(instance=risk, fields=RISK_FIELDS, data={"title": "Forbidden"}, check=check)
    assert error.value.message_dict == {"title": ["Not this one."]}
    assert seen == ["Forbidden"]
    assert Risk.objects.get(pk=risk.pk).title == "Hallucinated claims"


def test_fields_set_by_the_caller_are_saved_with_the_changes_or_always(risk):
    def derive(instance):
        instance.review_date = date(2027, 1, 1) + timedelta(days=instance.impact)

    model_update(
        instance=risk,
        fields=RISK_FIELDS,
        data={"impact": 2},
        check=derive,
        save_with=["review_date"],
    )
    assert Risk.objects.get(pk=risk.pk).review_date == date(2027, 1, 3)

    # Nothing of `data` changed: only `always_save` writes the caller's own change.
    risk.category = "security"
    model_update(instance=risk, fields=RISK_FIELDS, data={"impact": 2}, save_with=["category"])
    assert Risk.objects.get(pk=risk.pk).category == "technical"
    _, changes = model_update(
        instance=risk,
        fields=RISK_FIELDS,
        data={"impact": 2},
        save_with=["category"],
        always_save=True,
    )
    assert changes == {}
    assert Risk.objects.get(pk=risk.pk).category == "security"


def test_full_clean_options_are_passed_on():
    OrganizationFactory(slug="taken")
    org = OrganizationFactory()
    with pytest.raises(ValidationError) as error:
        model_update(instance=org, fields=("slug",), data={"slug": "taken"})
    assert list(error.value.message_dict) == ["slug"]

    org.refresh_from_db()
    with pytest.raises(ValidationError):
        model_update(instance=org, fields=("slug",), data={"slug": "not a slug"})
    org.refresh_from_db()
    old_slug = org.slug
    _, changes = model_update(
        instance=org, fields=("slug",), data={"slug": "not a slug"}, clean_exclude=["slug"]
    )
    assert changes == {"slug": {"old": old_slug, "new": "not a slug"}}
    assert Organization.objects.get(pk=org.pk).slug == "not a slug"
