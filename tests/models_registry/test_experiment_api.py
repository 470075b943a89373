"""The A/B test API as the serving side uses it: create, start, post running totals, read
the analysis, finish; bad input is a 400 that changes nothing, another organisation's a 404."""

import uuid

import pytest

from accounts.models import ProjectMembership
from models_registry.models import ABTest, ABVariant
from tests.models_registry.experiment_support import two_versions

pytestmark = pytest.mark.django_db

API = "/api/v1/projects/{project}/operate/ab-tests/"


@pytest.fixture
def ops(project, project_member, token_client):
    return token_client(project_member(project, ProjectMembership.Role.CONTRIBUTOR))


def body(v1, v2, shares=(50, 50)):
    return {
        "name": "Resolution",
        "metric_name": "resolved",
        "metric_kind": "rate",
        "variants": [
            {
                "name": "control",
                "is_control": True,
                "model_version": str(v1.pk),
                "traffic_share": shares[0],
            },
            {"name": "v2", "model_version": str(v2.pk), "traffic_share": shares[1]},
        ],
    }


def test_the_whole_journey(project, manager, ops):
    v1, v2 = two_versions(project, manager)
    base = API.format(project=project.pk)
    created = ops.post(base, body(v1, v2), format="json")
    assert created.status_code == 201, created.content
    test = created.json()
    control, treatment = test["variants"]
    assert control["is_control"]
    assert ops.post(f"{base}{test['id']}/start/").status_code == 200
    for variant, successes in ((control, 120), (treatment, 150)):
        posted = ops.post(
            f"{base}{test['id']}/results/",
            {"variant": variant["id"], "sample_size": 1000, "successes": successes},
            format="json",
        )
        assert posted.status_code == 200, posted.content
    read = ops.get(f"{base}{test['id']}/").json()
    comparison = read["analysis"]["comparisons"][0]
    assert comparison["p_value"] == pytest.approx(0.0496, abs=5e-4)
    assert comparison["significant"] is True
    assert read["analysis"]["verdict"] == "v2 wins"
    finished = ops.post(f"{base}{test['id']}/finish/", {"conclusion": "Ship"}, format="json")
    assert finished.json()["outcome"] == "winner"
    assert finished.json()["winner"] == treatment["id"]
    listed = ops.get(base).json()
    assert [row["id"] for row in listed["results"]] == [test["id"]]


@pytest.mark.parametrize(
    "change",
    [
        lambda b: b["variants"][1].update(traffic_share=40),  # 90 %
        lambda b: b["variants"].pop(),  # one variant
        lambda b: b["variants"][1].update(model_version="not-a-uuid"),
        lambda b: b.update(metric_kind="median"),
        lambda b: b["variants"][1].update(surprise=1),
    ],
)
def test_bad_tests_are_refused_whole(project, manager, ops, change):
    v1, v2 = two_versions(project, manager)
    data = body(v1, v2)
    change(data)
    answer = ops.post(API.format(project=project.pk), data, format="json")
    assert answer.status_code == 400, answer.content
    assert not ABTest.objects.exists()
    assert not ABVariant.objects.exists()


def test_bad_results_are_400_and_change_nothing(project, manager, ops):
    v1, v2 = two_versions(project, manager)
    base = API.format(project=project.pk)
    test = ops.post(base, body(v1, v2), format="json").json()
    variant = test["variants"][0]["id"]
    early = ops.post(
        f"{base}{test['id']}/results/",
        {"variant": variant, "sample_size": 10, "successes": 1},
        format="json",
    )
    assert early.status_code == 400
    ops.post(f"{base}{test['id']}/start/")
    for bad in [
        {"variant": variant, "sample_size": 0, "successes": 0},
        {"variant": variant, "sample_size": 10, "successes": 11},
        {"variant": variant, "sample_size": -1, "successes": 0},
        {"variant": variant, "sample_size": 10, "successes": 1, "mean": "NaN"},
        {"variant": str(uuid.uuid4()), "sample_size": 10, "successes": 1},  # not this test's
    ]:
        answer = ops.post(f"{base}{test['id']}/results/", bad, format="json")
        assert answer.status_code == 400, (bad, answer.content)
    assert ABVariant.objects.get(pk=variant).sample_size is None


def test_another_organisation_s_test_is_404(project, manager, ops, outsider, token_client):
    v1, v2 = two_versions(project, manager)
    base = API.format(project=project.pk)
    test = ops.post(base, body(v1, v2), format="json").json()
    stranger = token_client(outsider)
    assert stranger.get(f"{base}{test['id']}/").status_code == 404
    assert stranger.post(f"{base}{test['id']}/start/").status_code == 404
    assert ABTest.objects.get().status == "draft"


def test_a_viewer_reads_but_does_not_start(project, manager, ops, project_member, token_client):
    v1, v2 = two_versions(project, manager)
    base = API.format(project=project.pk)
    test = ops.post(base, body(v1, v2), format="json").json()
    viewer = token_client(project_member(project, ProjectMembership.Role.VIEWER))
    assert viewer.get(f"{base}{test['id']}/").status_code == 200
    assert viewer.post(f"{base}{test['id']}/start/").status_code == 403
