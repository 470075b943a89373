"""Scope document versions through the REST API: writing, review, comments, differences; never
edited in place; refusals change nothing."""

import uuid
from datetime import date

import pytest

from projects import services
from projects.models import ScopeReviewComment, ScopeVersion
from tests.factories import ProjectFactory
from tests.helpers import act, assert_problem, client_for, refused
from tests.projects.scope_api_helpers import matrix

pytestmark = pytest.mark.django_db

API = "/api/v1"
VERSION = {
    "goals": "Cut claims triage time by half.",
    "deliverables": "Triage assistant in the claims inbox.",
    "timeline_start": "2027-01-04",
    "timeline_end": "2027-06-30",
    "out_of_scope": ["Motor claims", "  "],
    "assumptions": ["Claims data stays in the EU"],
    "milestones": [
        {"title": "Pilot", "due_date": "2027-03-01"},
        {"title": "Go-live", "due_date": "2027-06-01"},
    ],
    "success_criteria": [
        {"metric": "Median triage time", "comparison": "lte", "target": "4", "unit": "hours"},
        {"metric": "Handler satisfaction", "target": 4.5, "unit": "/5"},
    ],
    "change_summary": "First version.",
}


@pytest.fixture
def author(project, project_member):
    return project_member(project, "contributor")


def _url(project, version=None, step=""):
    base = f"{API}/projects/{project.pk}/scope/versions/"
    if version is None:
        return base
    return f"{base}{version.pk}/" + (f"{step}/" if step else "")


def _in_review(project, author, goals="Goals."):
    version = services.scope_version_create(actor=author, project=project, goals=goals)
    return services.scope_version_submit(actor=author, version=version)


# --- writing ----------------------------------------------------------------------------------


def test_create_answers_the_whole_version(project, author):
    body = act(
        client_for(author),
        "post",
        _url(project),
        VERSION,
        status=201,
        events=[("scope_version.created", author.pk)],
    )

    version = ScopeVersion.objects.get()
    milestones = list(version.milestones.all())
    criteria = list(version.success_criteria.all())
    assert body == {
        "id": str(version.pk),
        "number": 1,
        "status": "draft",
        "goals": VERSION["goals"],
        "deliverables": VERSION["deliverables"],
        "timeline_start": "2027-01-04",
        "timeline_end": "2027-06-30",
        "out_of_scope": ["Motor claims"],
        "assumptions": ["Claims data stays in the EU"],
        "constraints": [],
        "change_summary": "First version.",
        "created_by": {"id": str(author.pk), "email": author.email, "full_name": author.full_name},
        "submitted_at": None,
        "reviewed_by": None,
        "reviewed_at": None,
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
        "milestones": [
            {
                "id": str(milestones[0].pk),
                "position": 1,
                "title": "Pilot",
                "due_date": "2027-03-01",
            },
            {
                "id": str(milestones[1].pk),
                "position": 2,
                "title": "Go-live",
                "due_date": "2027-06-01",
            },
        ],
        "success_criteria": [
            {
                "id": str(criteria[0].pk),
                "position": 1,
                "metric": "Median triage time",
                "comparison": "lte",
                "target": "4.0000",
                "unit": "hours",
            },
            {
                "id": str(criteria[1].pk),
                "position": 2,
                "metric": "Handler satisfaction",
                "comparison": "gte",
                "target": "4.5000",
                "unit": "/5",
            },
        ],
        "comments": [],
    }


@pytest.mark.parametrize(("role", "status"), matrix("contribute", 201))
def test_create_matrix(project, as_role, role, status):
    user = as_role(role)
    if status == 201:
        act(
            client_for(user),
            "post",
            _url(project),
            {"goals": "Goals."},
            status=201,
            events=[("scope_version.created", user.pk)],
        )
    else:
        refused(client_for(user), "post", _url(project), {"goals": "Goals."}, status=status)
        assert ScopeVersion.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        (
            {
                "milestones": [
                    {"title": "Go-live", "due_date": "2027-06-01"},
                    {"title": "Pilot", "due_date": "2027-03-01"},
                ]
            },
            {"milestones": ["Milestone 2 (Pilot) is dated before the one above it."]},
        ),
        (
            {"milestones": [{"title": "Late", "due_date": "2028-01-01"}]},
            {"milestones": ["Milestone 1 (Late) falls outside the timeline."]},
        ),
        (
            {"timeline_end": "2026-12-31"},
            {"timeline_end": ["The timeline ends before it starts."]},
        ),
        (
            {"milestones": [{"title": "Pilot", "due_date": "2027-02-30"}]},
            {
                "milestones": {
                    "0": {
                        "due_date": [
                            "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
                        ]
                    }
                }
            },
        ),
        (
            {"milestones": [{"title": "Pilot", "due_date": "2027-02-01", "owner": "me"}]},
            {"milestones": {"0": {"owner": ["This field cannot be set here."]}}},
        ),
        (
            {"success_criteria": [{"metric": "Accuracy", "target": "high", "unit": "%"}]},
            {"success_criteria": {"0": {"target": ["A valid number is required."]}}},
        ),
        (
            {"success_criteria": [{"metric": "Accuracy", "target": "1e20", "unit": "%"}]},
            {
                "success_criteria": {
                    "0": {"target": ["Ensure that there are no more than 14 digits in total."]}
                }
            },
        ),
        (
            {
                "success_criteria": [
                    {"metric": "Accuracy", "target": 90, "unit": "%", "comparison": "about"}
                ]
            },
            {"success_criteria": {"0": {"comparison": ['"about" is not a valid choice.']}}},
        ),
        ({"goals": ""}, {"goals": ["This field may not be blank."]}),
        (
            {"goals": "g" * 10001},
            {"goals": ["Ensure this field has no more than 10000 characters."]},
        ),
        (
            {"out_of_scope": ["x"] * 51},
            {"out_of_scope": ["Ensure this field has no more than 50 elements."]},
        ),
        ({"number": 7}, {"number": ["This field cannot be set here."]}),
        ({"status": "approved"}, {"status": ["This field cannot be set here."]}),
    ],
)
def test_bad_versions_are_refused_and_write_nothing(project, author, change, errors):
    body = refused(client_for(author), "post", _url(project), VERSION | change, status=400)
    assert body["errors"] == errors
    assert ScopeVersion.objects.count() == 0


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_versions_are_never_edited_in_place(project, author, method):
    version = services.scope_version_create(actor=author, project=project, goals="Goals.")

    body = refused(
        client_for(project.owner), method, _url(project, version), {"goals": "x"}, status=405
    )

    assert body["detail"] == f'Method "{method.upper()}" not allowed.'
    assert ScopeVersion.objects.get().goals == "Goals."


def test_a_new_version_supersedes_the_draft_but_not_one_in_review(project, author):
    client = client_for(author)
    first = services.scope_version_create(actor=author, project=project, goals="First.")
    body = act(
        client,
        "post",
        _url(project),
        {"goals": "Second."},
        status=201,
        events=[("scope_version.created", author.pk)],
    )
    assert (body["number"], ScopeVersion.objects.get(pk=first.pk).status) == (2, "superseded")
    services.scope_version_submit(actor=author, version=ScopeVersion.objects.get(number=2))

    blocked = refused(client, "post", _url(project), {"goals": "Third."}, status=409)

    assert (blocked["code"], blocked["detail"]) == (
        "scope_in_review",
        "A version of this scope document is in review: wait for its review first.",
    )
    assert ScopeVersion.objects.count() == 2


# --- review -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), matrix("contribute"))
def test_submit_matrix(project, author, as_role, role, status):
    version = services.scope_version_create(actor=author, project=project, goals="Goals.")
    user = as_role(role)
    if status == 200:
        body = act(
            client_for(user),
            "post",
            _url(project, version, "submit"),
            status=200,
            events=[("scope_version.submitted", user.pk)],
        )
        assert body["status"] == "in_review"
    else:
        refused(client_for(user), "post", _url(project, version, "submit"), status=status)
        assert ScopeVersion.objects.get().status == "draft"


@pytest.mark.parametrize(("role", "status"), matrix("review"))
def test_approve_matrix(project, author, as_role, role, status):
    version = _in_review(project, author)
    user = as_role(role)
    if status == 200:
        body = act(
            client_for(user),
            "post",
            _url(project, version, "approve"),
            {"comment": "Clear."},
            status=200,
            events=[("scope_version.approved", user.pk)],
        )
        assert (body["status"], body["reviewed_by"]["id"]) == ("approved", str(user.pk))
        assert project.scope_document.__class__.objects.get().approved_version_id == version.pk
    else:
        refused(client_for(user), "post", _url(project, version, "approve"), status=status)
        assert ScopeVersion.objects.get().status == "in_review"
        assert ScopeReviewComment.objects.count() == 0


@pytest.mark.parametrize("writer", ["manager", "contributor made reviewer"])
def test_no_one_reviews_their_own_version(project, manager, author, writer):
    reviewer = manager if writer == "manager" else author
    version = _in_review(project, reviewer)
    if writer != "manager":
        services.project_member_change_role(
            actor=manager,
            membership=project.memberships.get(user=author),
            role="reviewer",
        )

    body = refused(
        client_for(reviewer),
        "post",
        _url(project, version, "approve"),
        {"comment": "Mine."},
        status=403,
    )
    changes = refused(
        client_for(reviewer),
        "post",
        _url(project, version, "request-changes"),
        {"comment": "Mine."},
        status=403,
    )

    assert (
        body["detail"]
        == changes["detail"]
        == "You wrote this version: someone else must review it."
    )
    assert (ScopeVersion.objects.get().status, ScopeReviewComment.objects.count()) == (
        "in_review",
        0,
    )


def test_request_changes_needs_a_comment_and_reopens_the_version(project, author, manager):
    version = _in_review(project, author)
    client = client_for(manager)
    url = _url(project, version, "request-changes")
    assert list(refused(client, "post", url, {"comment": ""}, status=400)["errors"]) == ["comment"]

    body = act(
        client,
        "post",
        url,
        {"comment": "Add a cost criterion."},
        status=200,
        events=[("scope_version.changes_requested", manager.pk)],
    )

    assert body["status"] == "changes_requested"
    assert [(c["decision"], c["body"], c["author"]["id"]) for c in body["comments"]] == [
        ("changes_requested", "Add a cost criterion.", str(manager.pk))
    ]
    act(
        client_for(author),
        "post",
        _url(project, version, "submit"),
        status=200,
        events=[("scope_version.submitted", author.pk)],
    )


def test_only_the_latest_version_in_review_can_be_decided(project, author, manager):
    draft = services.scope_version_create(actor=author, project=project, goals="Draft.")
    client = client_for(manager)
    not_in_review = refused(client, "post", _url(project, draft, "approve"), status=409)
    services.scope_version_create(actor=author, project=project, goals="Newer.")
    old = refused(client, "post", _url(project, draft, "submit"), status=409)

    assert (not_in_review["code"], old["code"]) == ("scope_wrong_status", "scope_not_latest")
    assert old["detail"] == "Only the latest version can be submitted or reviewed."


@pytest.mark.parametrize(("role", "status"), matrix("contribute_or_review", 201))
def test_comment_matrix(project, author, as_role, role, status):
    version = services.scope_version_create(actor=author, project=project, goals="Goals.")
    user = as_role(role)
    url = _url(project, version, "comments")
    if status == 201:
        body = act(
            client_for(user),
            "post",
            url,
            {"body": "What about motor claims?"},
            status=201,
            events=[("scope_review_comment.created", user.pk)],
        )
        assert (body["decision"], body["author"]["id"]) == ("comment", str(user.pk))
        assert ScopeVersion.objects.get().status == "draft"
    else:
        refused(client_for(user), "post", url, {"body": "Hello"}, status=status)
        assert ScopeReviewComment.objects.count() == 0


def test_an_empty_comment_is_400(project, author):
    version = services.scope_version_create(actor=author, project=project, goals="Goals.")
    body = refused(
        client_for(author), "post", _url(project, version, "comments"), {"body": " "}, status=400
    )
    assert list(body["errors"]) == ["body"]


# --- reading ----------------------------------------------------------------------------------


def test_list_newest_first_and_retrieve_with_comments(project, author, manager, as_role):
    first = services.scope_version_create(actor=author, project=project, goals="First.")
    second = services.scope_version_create(actor=author, project=project, goals="Second.")
    services.scope_version_comment(actor=manager, version=second, body="Looks good.")
    viewer = client_for(as_role("viewer"))

    listed = viewer.get(_url(project)).json()
    detail = viewer.get(_url(project, second)).json()

    assert [(row["number"], row["status"]) for row in listed["results"]] == [
        (2, "draft"),
        (1, "superseded"),
    ]
    assert "milestones" not in listed["results"][0]
    assert [(c["body"], c["author"]["id"]) for c in detail["comments"]] == [
        ("Looks good.", str(manager.pk))
    ]
    assert_problem(viewer.get(_url(project, first).replace(str(first.pk), "v1")), 404)


def test_diff_between_two_versions(project, author):
    old = services.scope_version_create(
        actor=author,
        project=project,
        goals="Faster triage.",
        timeline_start=date(2027, 1, 4),
        milestones=[{"title": "Pilot", "due_date": date(2027, 3, 1)}],
    )
    new = services.scope_version_create(
        actor=author,
        project=project,
        goals="Cut triage time by half.",
        timeline_start=date(2027, 1, 4),
        milestones=[{"title": "Pilot", "due_date": date(2027, 4, 1)}],
        success_criteria=[{"metric": "Triage time", "comparison": "lte", "target": 4, "unit": "h"}],
    )

    body = client_for(author).get(_url(project, new, "diff"), {"against": str(old.pk)}).json()

    assert body == {
        "version": {"id": str(new.pk), "number": 2},
        "against": {"id": str(old.pk), "number": 1},
        "changes": {
            "goals": {"old": "Faster triage.", "new": "Cut triage time by half."},
            "milestones": {"old": ["Pilot — 2027-03-01"], "new": ["Pilot — 2027-04-01"]},
            "success_criteria": {"old": [], "new": ["Triage time at most 4.0000 h"]},
        },
    }


def test_diff_against_something_else_is_400(org, project, author, manager):
    version = services.scope_version_create(actor=author, project=project, goals="Goals.")
    elsewhere = ProjectFactory(organization=org, owner=manager, name="Elsewhere")
    from tests.factories import ProjectMembershipFactory

    ProjectMembershipFactory(project=elsewhere, user=manager, role="manager")
    theirs = services.scope_version_create(actor=manager, project=elsewhere, goals="Other.")
    client = client_for(manager)
    url = _url(project, version, "diff")

    for against in (str(theirs.pk), str(uuid.uuid4()), "v1"):
        body = assert_problem(client.get(url, {"against": against}), 400)
        assert list(body["errors"]) == ["against"]
    assert list(assert_problem(client.get(url), 400)["errors"]) == ["against"]
