"""The risk register through the REST API: by hand and from the library, scoring, optimistic
edits, filters and sorting, the heat map, the library itself, and the list's query budget."""

from datetime import timedelta

import pytest
from django.utils import timezone

from projects import services
from projects.models import Risk
from tests.helpers import act, assert_problem, client_for, refused
from tests.projects.scope_api_helpers import matrix

pytestmark = pytest.mark.django_db

API = "/api/v1"


def _url(project, risk=None, tail=""):
    base = f"{API}/projects/{project.pk}/risks/"
    return base if risk is None else f"{base}{risk.pk}/{tail}"


def _row(risk):
    return Risk.objects.filter(pk=risk.pk).values().get()


@pytest.fixture
def risk(project, manager):
    return services.risk_create(
        actor=manager, project=project, title="Vendor lock-in", category="vendor"
    )


# --- creating ---------------------------------------------------------------------------------


def test_a_risk_from_the_library_takes_its_text(project, manager):
    body = act(
        client_for(manager),
        "post",
        _url(project),
        {
            "library_ref": "nist-ai-600-1:2",
            "likelihood": 3,
            "impact": 5,
            "owner": str(manager.pk),
            "review_date": "2027-02-01",
        },
        status=201,
        events=[("risk.created", manager.pk)],
    )

    risk = Risk.objects.get()
    assert body == {
        "id": str(risk.pk),
        "code": "R-1",
        "reference": 1,
        "title": "Confabulation",
        "category": "technical",
        "description": risk.description,
        "library_ref": "nist-ai-600-1:2",
        "likelihood": 3,
        "impact": 5,
        "score": 15,
        "is_high": True,
        "residual_likelihood": None,
        "residual_impact": None,
        "residual_score": None,
        "owner": {"id": str(manager.pk), "email": manager.email, "full_name": manager.full_name},
        "mitigation_plan": risk.mitigation_plan,
        "status": "open",
        "review_date": "2027-02-01",
        "is_review_overdue": False,
        "version": 1,
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }
    assert risk.mitigation_plan.startswith("Ground answers")
    assert risk.description.startswith("The model may state false")


def test_library_fields_can_be_overridden_and_references_follow(project, manager):
    client = client_for(manager)
    first = act(
        client,
        "post",
        _url(project),
        {"title": "Vendor lock-in", "category": "vendor"},
        status=201,
        events=[("risk.created", manager.pk)],
    )
    second = act(
        client,
        "post",
        _url(project),
        {"library_ref": "owasp-llm:LLM01", "title": "Injection through claim letters"},
        status=201,
        events=[("risk.created", manager.pk)],
    )
    assert (first["code"], first["score"], first["is_high"]) == ("R-1", None, False)
    assert (second["code"], second["title"], second["category"]) == (
        "R-2",
        "Injection through claim letters",
        "security",
    )


@pytest.mark.parametrize(("role", "status"), matrix("contribute", 201))
def test_create_matrix(project, as_role, role, status):
    user = as_role(role)
    payload = {"library_ref": "owasp-llm:LLM01", "likelihood": 2, "impact": 2}
    if status == 201:
        act(
            client_for(user),
            "post",
            _url(project),
            payload,
            status=201,
            events=[("risk.created", user.pk)],
        )
    else:
        refused(client_for(user), "post", _url(project), payload, status=status)
        assert Risk.objects.count() == 0


RANGE = "Ensure this value is less than or equal to 5."
FLOOR = "Ensure this value is greater than or equal to 1."


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        ({"likelihood": 0}, {"likelihood": [FLOOR]}),
        ({"likelihood": 6}, {"likelihood": [RANGE]}),
        ({"impact": 9}, {"impact": [RANGE]}),
        ({"residual_impact": -1}, {"residual_impact": [FLOOR]}),
        ({"likelihood": 2.5}, {"likelihood": ["A valid integer is required."]}),
        ({"category": "weather"}, {"category": ['"weather" is not a valid choice.']}),
        ({"status": "forgotten"}, {"status": ['"forgotten" is not a valid choice.']}),
        ({"title": ""}, {"title": ["This field may not be blank."]}),
        ({"title": "t" * 201}, {"title": ["Ensure this field has no more than 200 characters."]}),
        ({"reference": 7}, {"reference": ["This field cannot be set here."]}),
        ({"version": 3}, {"version": ["This field cannot be set here."]}),
        ({"owner": "OUTSIDER"}, {"owner": ["The owner must be someone who can see this project."]}),
        ({"owner": "MEMBER"}, {"owner": ["The owner must be someone who can see this project."]}),
        ({"owner": "someone"}, {"owner": ["Must be a valid UUID."]}),
        (
            {"review_date": "soon"},
            {
                "review_date": [
                    "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
                ]
            },
        ),
    ],
)
def test_bad_risks_are_refused_and_write_nothing(
    project, manager, outsider, org_member, payload, errors
):
    replace = {"OUTSIDER": str(outsider.pk), "MEMBER": str(org_member().pk)}
    payload = {key: replace.get(value, value) for key, value in payload.items()}
    base = {"title": "Prompt injection", "category": "security"}

    body = refused(client_for(manager), "post", _url(project), base | payload, status=400)

    assert body["errors"] == errors
    assert Risk.objects.count() == 0


def test_a_risk_needs_a_title_and_category_or_a_library_entry(project, manager):
    client = client_for(manager)
    required = ["This field is required."]
    assert refused(client, "post", _url(project), {}, status=400)["errors"] == {
        "title": required,
        "category": required,
    }
    assert refused(client, "post", _url(project), {"title": "A"}, status=400)["errors"] == {
        "category": required
    }
    assert refused(client, "post", _url(project), {"library_ref": "nope"}, status=400)[
        "errors"
    ] == {"library_ref": ["No library risk 'nope'."]}
    assert Risk.objects.count() == 0


# --- editing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), matrix("contribute"))
def test_edit_matrix(project, risk, as_role, role, status):
    user = as_role(role)
    before = _row(risk)
    payload = {"version": 1, "likelihood": 4, "impact": 5}
    if status == 200:
        body = act(
            client_for(user),
            "patch",
            _url(project, risk),
            payload,
            status=200,
            events=[("risk.updated", user.pk)],
        )
        assert (body["score"], body["is_high"], body["version"]) == (20, True, 2)
    else:
        refused(client_for(user), "patch", _url(project, risk), payload, status=status)
        assert _row(risk) == before


def test_a_stale_edit_is_409_with_the_current_version(project, risk, manager, project_member):
    alice, bob = client_for(manager), client_for(project_member(project, "contributor"))
    seen = client_for(manager).get(_url(project, risk)).json()["version"]
    act(
        alice,
        "patch",
        _url(project, risk),
        {"version": seen, "likelihood": 3},
        status=200,
        events=[("risk.updated", manager.pk)],
    )
    before = _row(risk)

    body = refused(
        bob, "patch", _url(project, risk), {"version": seen, "likelihood": 1}, status=409
    )

    assert (body["code"], body["errors"]) == ("stale_version", {"current_version": 2})
    assert body["detail"] == (
        "Someone changed this risk since you opened it: reload and apply your edit again."
    )
    assert _row(risk) == before


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        ({"likelihood": 3}, {"version": ["This field is required."]}),
        ({"version": 1, "likelihood": 0}, {"likelihood": [FLOOR]}),
        ({"version": 1, "impact": 6}, {"impact": [RANGE]}),
        (
            {"version": 1, "library_ref": "owasp-llm:LLM02"},
            {"library_ref": ["This field cannot be set here."]},
        ),
        (
            {"version": 1, "owner": "OUTSIDER"},
            {"owner": ["The owner must be someone who can see this project."]},
        ),
    ],
)
def test_bad_edits_change_nothing(project, risk, manager, outsider, payload, errors):
    payload = {k: str(outsider.pk) if v == "OUTSIDER" else v for k, v in payload.items()}
    before = _row(risk)
    body = refused(client_for(manager), "patch", _url(project, risk), payload, status=400)
    assert body["errors"] == errors
    assert _row(risk) == before


def test_an_owner_can_be_set_and_cleared(project, risk, manager):
    client = client_for(manager)
    set_ = act(
        client,
        "patch",
        _url(project, risk),
        {"version": 1, "owner": str(manager.pk)},
        status=200,
        events=[("risk.updated", manager.pk)],
    )
    cleared = act(
        client,
        "patch",
        _url(project, risk),
        {"version": 2, "owner": None},
        status=200,
        events=[("risk.updated", manager.pk)],
    )
    assert (set_["owner"]["id"], cleared["owner"]) == (str(manager.pk), None)


@pytest.mark.parametrize("method", ["put", "delete"])
def test_risks_are_never_replaced_or_deleted(project, risk, manager, method):
    refused(client_for(manager), method, _url(project, risk), {"version": 1}, status=405)
    assert Risk.objects.filter(pk=risk.pk).exists()


# --- reading ----------------------------------------------------------------------------------


@pytest.fixture
def register(project, manager):
    """R-1 high (4×5), R-2 medium (3×3, overdue review), R-3 unscored, R-4 closed (5×5)."""
    today = timezone.localdate()

    def add(title, **fields):
        fields = {"category": "data"} | fields
        return services.risk_create(actor=manager, project=project, title=title, **fields)

    return [
        add(
            "Leak",
            category="privacy",
            likelihood=4,
            impact=5,
            residual_likelihood=2,
            residual_impact=2,
            review_date=today + timedelta(days=30),
        ),
        add(
            "Drift",
            likelihood=3,
            impact=3,
            residual_likelihood=3,
            residual_impact=3,
            review_date=today - timedelta(days=1),
        ),
        add("Unknown"),
        add(
            "Old",
            category="security",
            likelihood=5,
            impact=5,
            status="closed",
            review_date=today - timedelta(days=10),
        ),
    ]


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ({}, ["R-4", "R-1", "R-2", "R-3"]),
        ({"sort": "score"}, ["R-4", "R-1", "R-2", "R-3"]),
        ({"sort": "-score"}, ["R-2", "R-1", "R-4", "R-3"]),
        ({"sort": "reference"}, ["R-1", "R-2", "R-3", "R-4"]),
        ({"sort": "review_date"}, ["R-4", "R-2", "R-1", "R-3"]),
        ({"sort": "residual"}, ["R-2", "R-1", "R-3", "R-4"]),
        ({"category": "data"}, ["R-2", "R-3"]),
        ({"status": "closed"}, ["R-4"]),
        ({"likelihood": 4}, ["R-1"]),
        ({"impact": 5}, ["R-4", "R-1"]),
        ({"likelihood": 3, "impact": 3}, ["R-2"]),
        ({"overdue": "true"}, ["R-2"]),
        ({"overdue": "false"}, ["R-4", "R-1", "R-2", "R-3"]),
        ({"category": "data", "sort": "reference"}, ["R-2", "R-3"]),
    ],
)
def test_list_filters_and_sorts(project, register, as_role, query, codes):
    body = client_for(as_role("viewer")).get(_url(project), query).json()
    assert [row["code"] for row in body["results"]] == codes
    assert body["count"] == len(codes)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"category": "weather"}, "category"),
        ({"status": "lost"}, "status"),
        ({"likelihood": 0}, "likelihood"),
        ({"impact": "six"}, "impact"),
        ({"overdue": "maybe"}, "overdue"),
        ({"sort": "title"}, "sort"),
    ],
)
def test_list_refuses_bad_filters(project, manager, query, field):
    body = assert_problem(client_for(manager).get(_url(project), query), 400)
    assert list(body["errors"]) == [field]


def test_heat_map_counts_open_scored_risks(project, register, as_role):
    body = client_for(as_role("viewer")).get(_url(project, tail="") + "heat-map/").json()

    assert body["high_score"] == 15
    assert [[cell["likelihood"] for cell in row] for row in body["rows"]] == [[1, 2, 3, 4, 5]] * 5
    assert [row[0]["impact"] for row in body["rows"]] == [5, 4, 3, 2, 1]
    counts = {
        (cell["likelihood"], cell["impact"]): cell["count"]
        for row in body["rows"]
        for cell in row
        if cell["count"]
    }
    assert counts == {(4, 5): 1, (3, 3): 1}  # the closed 5×5 and the unscored one are left out
    assert body["rows"][0][3] == {"likelihood": 4, "impact": 5, "score": 20, "count": 1}


@pytest.mark.parametrize("role", ["anon", "outsider", "org_member", "viewer", "compliance_officer"])
def test_the_library_is_for_anyone_signed_in(as_role, role):
    response = client_for(as_role(role)).get(f"{API}/risk-library/")
    if role == "anon":
        assert_problem(response, 401)
        return
    body = response.json()
    assert body["count"] == 22
    assert body["results"][0] == {
        "ref": "nist-ai-600-1:1",
        "source": "NIST AI 600-1",
        "source_id": "2.1",
        "name": "CBRN Information or Capabilities",
        "category": "security",
        "guidance": body["results"][0]["guidance"],
        "suggested_mitigation": body["results"][0]["suggested_mitigation"],
        "url": "https://doi.org/10.6028/NIST.AI.600-1",
    }
    assert body["results"][-1]["ref"] == "owasp-llm:LLM10"


def test_risk_list_query_count_does_not_grow_with_rows(
    project, manager, project_member, django_assert_num_queries
):
    owners = [manager, project_member(project, "contributor"), project_member(project, "viewer")]
    client = client_for(project_member(project, "viewer"))

    def add(count):
        for n in range(count):
            services.risk_create(
                actor=manager,
                project=project,
                title=f"Risk {n}",
                category="data",
                likelihood=1 + n % 5,
                impact=1 + n % 4,
                owner=owners[n % 3],
            )

    add(5)
    # session, user, project, org roles, project role, count, page (owners joined)
    with django_assert_num_queries(7):
        small = client.get(_url(project), {"page_size": 100}).json()
    add(45)
    with django_assert_num_queries(7):
        large = client.get(_url(project), {"page_size": 100}).json()
    assert (len(small["results"]), len(large["results"])) == (5, 50)
