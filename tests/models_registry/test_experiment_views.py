"""The A/B tests page as a person uses it: create a test from the rows of the form, start it,
post totals, see the difference against zero (chart and table), finish; bad input is a 400
form that changes nothing, another organisation's test a 404."""

import pytest

from models_registry.models import ABTest, ABVariant
from tests.models_registry.experiment_support import ab_test, two_versions

pytestmark = pytest.mark.django_db


def page(project, suffix=""):
    return f"/projects/{project.pk}/operate/ab-tests/{suffix}"


def form(v1, v2, shares=(50, 50)):
    return {
        "name": "Resolution",
        "metric_name": "resolved",
        "metric_kind": "rate",
        "higher_is_better": "on",
        "min_sample_per_variant": "100",
        "alpha": "0.05",
        "v0_name": "control",
        "v0_version": str(v1.pk),
        "v0_share": str(shares[0]),
        "v1_name": "treatment",
        "v1_version": str(v2.pk),
        "v1_share": str(shares[1]),
        "control": "0",
    }


def test_create_start_post_and_finish(client, project, manager):
    v1, v2 = two_versions(project, manager)
    client.force_login(manager)
    created = client.post(page(project, "new/"), form(v1, v2))
    assert created.status_code == 302, created.content.decode()[:2000]
    test = ABTest.objects.get()
    assert test.variants.count() == 2
    assert client.post(page(project, f"{test.pk}/start/")).status_code == 302
    control = test.variants.get(is_control=True)
    treatment = test.variants.get(is_control=False)
    for variant, successes in ((control, 120), (treatment, 150)):
        answer = client.post(
            page(project, f"{test.pk}/results/"),
            {"variant": str(variant.pk), "sample_size": "1000", "successes": str(successes)},
        )
        assert answer.status_code == 302
    detail = client.get(page(project, f"{test.pk}/"))
    html = detail.content.decode()
    assert detail.status_code == 200
    assert "<svg" in html
    assert "treatment wins" in html
    assert "0.0496" in html  # the p-value in the table alternative
    listed = client.get(page(project)).content.decode()
    assert "Resolution" in listed
    finished = client.post(page(project, f"{test.pk}/finish/"), {"conclusion": "Ship"})
    assert finished.status_code == 302
    test.refresh_from_db()
    assert test.winner_id == treatment.pk


def test_bad_shares_are_a_400_form(client, project, manager):
    v1, v2 = two_versions(project, manager)
    client.force_login(manager)
    answer = client.post(page(project, "new/"), form(v1, v2, (50, 40)))
    assert answer.status_code == 400
    assert "add up to exactly 100" in answer.content.decode()
    assert not ABTest.objects.exists()
    assert not ABVariant.objects.exists()


def test_bad_totals_are_a_400_and_change_nothing(client, project, manager):
    test = ab_test(project, manager)
    client.force_login(manager)
    client.post(page(project, f"{test.pk}/start/"))
    control = test.variants.get(is_control=True)
    answer = client.post(
        page(project, f"{test.pk}/results/"),
        {"variant": str(control.pk), "sample_size": "10", "successes": "11"},
    )
    assert answer.status_code == 400
    control.refresh_from_db()
    assert control.sample_size is None


def test_another_organisation_s_page_is_404(client, project, manager, outsider):
    test = ab_test(project, manager)
    client.force_login(outsider)
    assert client.get(page(project, f"{test.pk}/")).status_code == 404
    assert client.post(page(project, f"{test.pk}/start/")).status_code == 404
    test.refresh_from_db()
    assert test.status == "draft"
