"""Feasibility studies through the REST API: writing, optimistic edits, the manager's sign-off."""

import pytest

from accounts.permissions import OWN_STUDY
from projects import services
from projects.models import FeasibilityStudy
from tests.helpers import act, client_for, refused
from tests.projects.scope_api_helpers import matrix
from tests.projects.scope_helpers import GO_STUDY, study_author

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def study(project):
    return services.feasibility_create(actor=study_author(project), project=project, **GO_STUDY)


def _url(project, study=None, step=""):
    base = f"{API}/projects/{project.pk}/feasibility-studies/"
    if study is None:
        return base
    return f"{base}{study.pk}/" + (f"{step}/" if step else "")


def _row(study):
    return FeasibilityStudy.objects.filter(pk=study.pk).values().get()


def test_create_answers_the_study(project, manager):
    body = act(
        client_for(manager),
        "post",
        _url(project),
        GO_STUDY | {"currency": "chf", "data_open_questions": "Consent for reuse?"},
        status=201,
        events=[("feasibility_study.created", manager.pk)],
    )

    study = FeasibilityStudy.objects.get()
    owner = {"id": str(manager.pk), "email": manager.email, "full_name": manager.full_name}
    assert body == {
        "id": str(study.pk),
        "title": "Feasibility study",
        "technology_findings": "",
        "technology_rating": "feasible",
        "technology_open_questions": "",
        "data_findings": "",
        "data_rating": "with_effort",
        "data_open_questions": "Consent for reuse?",
        "legal_findings": "",
        "legal_rating": "feasible",
        "legal_open_questions": "",
        "budget_findings": "",
        "budget_rating": "feasible",
        "budget_open_questions": "",
        "currency": "CHF",
        "estimated_cost": "120000.00",
        "budget_available": "150000.00",
        "budget_gap": "30000.00",
        "verdict": "go",
        "conditions": "",
        "is_go": True,
        "signed_off_by": None,
        "signed_off_at": None,
        "created_by": owner,
        "version": 1,
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }


@pytest.mark.parametrize(("role", "status"), matrix("contribute", 201))
def test_create_matrix(project, as_role, role, status):
    user = as_role(role)
    if status == 201:
        act(
            client_for(user),
            "post",
            _url(project),
            {"title": "Round 1"},
            status=201,
            events=[("feasibility_study.created", user.pk)],
        )
    else:
        refused(client_for(user), "post", _url(project), {"title": "Round 1"}, status=status)
        assert FeasibilityStudy.objects.count() == 0


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        ({"currency": "euro"}, {"currency": ["Ensure this field has no more than 3 characters."]}),
        ({"currency": "e1r"}, {"currency": ["Use a three-letter ISO 4217 currency code."]}),
        (
            {"estimated_cost": "-5"},
            {"estimated_cost": ["Ensure this value is greater than or equal to 0."]},
        ),
        (
            {"estimated_cost": "1e20"},
            {"estimated_cost": ["Ensure that there are no more than 14 digits in total."]},
        ),
        ({"verdict": "maybe"}, {"verdict": ['"maybe" is not a valid choice.']}),
        ({"technology_rating": "great"}, {"technology_rating": ['"great" is not a valid choice.']}),
        (
            {"verdict": "go_with_conditions"},
            {"conditions": ['Say which conditions apply to a "go with conditions" verdict.']},
        ),
        (
            {"budget_findings": "x" * 10001},
            {"budget_findings": ["Ensure this field has no more than 10000 characters."]},
        ),
        (
            {"signed_off_at": "2026-01-01T00:00:00Z"},
            {"signed_off_at": ["This field cannot be set here."]},
        ),
        ({"version": 4}, {"version": ["This field cannot be set here."]}),
    ],
)
def test_bad_studies_are_refused(project, manager, payload, errors):
    body = refused(client_for(manager), "post", _url(project), payload, status=400)
    assert body["errors"] == errors
    assert FeasibilityStudy.objects.count() == 0


# --- edits with a version ---------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), matrix("contribute"))
def test_edit_matrix(project, study, as_role, role, status):
    user = as_role(role)
    before = _row(study)
    payload = {"version": 1, "verdict": "go_with_conditions", "conditions": "Pilot only."}
    if status == 200:
        body = act(
            client_for(user),
            "patch",
            _url(project, study),
            payload,
            status=200,
            events=[("feasibility_study.updated", user.pk)],
        )
        assert (body["verdict"], body["conditions"], body["version"]) == (
            "go_with_conditions",
            "Pilot only.",
            2,
        )
    else:
        refused(client_for(user), "patch", _url(project, study), payload, status=status)
        assert _row(study) == before


def test_a_stale_edit_is_409_with_the_current_version(project, study, manager):
    client = client_for(manager)
    act(
        client,
        "patch",
        _url(project, study),
        {"version": 1, "title": "Round 1"},
        status=200,
        events=[("feasibility_study.updated", manager.pk)],
    )
    before = _row(study)

    body = refused(
        client, "patch", _url(project, study), {"version": 1, "title": "Lost"}, status=409
    )

    assert (body["code"], body["errors"]) == ("stale_version", {"current_version": 2})
    assert body["detail"].startswith("Someone changed this study since you opened it")
    assert _row(study) == before


def test_an_edit_names_its_version(project, study, manager):
    client = client_for(manager)
    for payload, errors in (
        ({"title": "x"}, {"version": ["This field is required."]}),
        (
            {"version": 0, "title": "x"},
            {"version": ["Ensure this value is greater than or equal to 1."]},
        ),
        ({"version": "one"}, {"version": ["A valid integer is required."]}),
    ):
        assert (
            refused(client, "patch", _url(project, study), payload, status=400)["errors"] == errors
        )
    act(client, "patch", _url(project, study), {"version": 1}, status=200, events=[])
    assert FeasibilityStudy.objects.get().version == 1


def test_go_with_conditions_needs_conditions_on_edit_too(project, study, manager):
    before = _row(study)
    body = refused(
        client_for(manager),
        "patch",
        _url(project, study),
        {"version": 1, "verdict": "go_with_conditions"},
        status=400,
    )
    assert body["errors"] == {
        "conditions": ['Say which conditions apply to a "go with conditions" verdict.']
    }
    assert _row(study) == before


def test_studies_are_never_replaced_or_deleted(project, study, manager):
    client = client_for(manager)
    refused(client, "put", _url(project, study), {"version": 1, "title": "x"}, status=405)
    refused(client, "delete", _url(project, study), status=405)
    assert FeasibilityStudy.objects.get().title == "Feasibility study"


# --- sign-off ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), matrix("manage"))
def test_sign_off_matrix(project, study, as_role, role, status):
    user = as_role(role)
    url = _url(project, study, "sign-off")
    if status == 200:
        body = act(
            client_for(user),
            "post",
            url,
            status=200,
            events=[("feasibility_study.signed_off", user.pk)],
        )
        assert (body["signed_off_by"]["id"], body["version"]) == (str(user.pk), 2)
        assert body["signed_off_at"] is not None
    else:
        refused(client_for(user), "post", url, status=status)
        assert FeasibilityStudy.objects.get().signed_off_at is None


def test_sign_off_names_what_is_missing(project, manager):
    study = services.feasibility_create(
        actor=study_author(project), project=project, technology_rating="feasible"
    )
    body = refused(client_for(manager), "post", _url(project, study, "sign-off"), status=400)
    assert body["errors"] == {
        "data_rating": ["Rate this dimension before signing off."],
        "legal_rating": ["Rate this dimension before signing off."],
        "budget_rating": ["Rate this dimension before signing off."],
        "verdict": ["Give a verdict before signing off."],
    }
    assert FeasibilityStudy.objects.get().signed_off_at is None


def test_the_author_of_a_study_is_refused_its_sign_off_with_the_reason(project, manager):
    study = services.feasibility_create(actor=manager, project=project, **GO_STUDY)
    before = _row(study)
    body = refused(client_for(manager), "post", _url(project, study, "sign-off"), status=403)
    assert body["detail"] == OWN_STUDY
    assert _row(study) == before


def test_a_signed_off_study_is_final(project, study, manager):
    client = client_for(manager)
    act(
        client,
        "post",
        _url(project, study, "sign-off"),
        status=200,
        events=[("feasibility_study.signed_off", manager.pk)],
    )
    before = _row(study)

    twice = refused(client, "post", _url(project, study, "sign-off"), status=409)
    edit = refused(
        client, "patch", _url(project, study), {"version": 2, "verdict": "no_go"}, status=409
    )

    assert twice["code"] == edit["code"] == "feasibility_signed_off"
    assert _row(study) == before


def test_list_newest_first(project, study, manager, as_role):
    newer = services.feasibility_create(actor=manager, project=project, title="Round 2")
    body = client_for(as_role("viewer")).get(_url(project)).json()
    assert [row["id"] for row in body["results"]] == [str(newer.pk), str(study.pk)]
