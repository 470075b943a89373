"""The bell, the notifications page (mark read, mark all read) and the preferences page."""

import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from notifications.models import Notification, NotificationPreference
from notifications.services import notify

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def _tell(org, person, n, *, start=0, project=None):
    for i in range(start, start + n):
        notify(
            kind="incident.opened",
            recipients=[person],
            organization=org,
            project=project,
            title=f"Incident {i}",
            link="/projects/",
            key_parts=[i],
        )


@pytest.fixture
def member(org_member):
    return org_member(email="ada@acme.test")


@pytest.fixture
def signed_in(member):
    client = Client()
    client.force_login(member)
    return client


def test_every_page_carries_the_bell_which_polls_its_count(signed_in):
    page = signed_in.get(reverse("notifications:preferences")).content.decode()
    assert f'hx-get="{reverse("notifications:bell")}"' in page
    assert 'hx-trigger="load, every 30s, notificationsChanged from:body"' in page
    assert 'aria-live="polite"' in page


def test_the_bell_partial_shows_the_unread_count(org, member, signed_in, org_member):
    _tell(org, member, 3)
    _tell(org, org_member(), 5)  # someone else's do not count
    Notification.objects.filter(recipient=member, title="Incident 0").update(
        read_at="2026-12-01T09:00:00Z"
    )

    response = signed_in.get(reverse("notifications:bell"), headers=HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert body == '<span class="badge warn">2<span class="visually-hidden"> unread</span></span>'
    assert "<html" not in body
    assert response["Cache-Control"] == "no-store"


def test_no_unread_shows_no_badge(signed_in):
    assert signed_in.get(reverse("notifications:bell"), headers=HTMX).content == b""


def test_the_list_shows_newest_first_one_page_at_a_time(org, member, signed_in):
    _tell(org, member, 30)
    for i, pk in enumerate(Notification.objects.order_by("title").values_list("pk", flat=True)):
        Notification.objects.filter(pk=pk).update(created_at=f"2026-11-01T{i % 24:02d}:{i:02d}Z")

    first = signed_in.get(reverse("notifications:notification-list")).content.decode()
    second = signed_in.get(reverse("notifications:notification-list") + "?page=2").content.decode()

    assert first.index("Incident 23") < first.index("Incident 22")  # 23:23 before 22:22
    assert "Page 1 of 2" in first
    assert first.count('class="card notification') == 25
    assert second.count('class="card notification') == 5


def test_the_list_costs_the_same_queries_for_few_and_many(
    org, member, signed_in, project, django_assert_max_num_queries
):
    url = reverse("notifications:notification-list")
    _tell(org, member, 2, project=project)
    signed_in.get(url)
    with django_assert_max_num_queries(12) as few:
        signed_in.get(url)
    _tell(org, member, 20, start=2, project=project)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = signed_in.get(url).content.decode()
    assert page.count("Claims assistant ·") == 22


def test_mark_read_with_htmx_swaps_the_row_and_refreshes_the_bell(org, member, signed_in):
    _tell(org, member, 1)
    notification = Notification.objects.get()
    url = reverse("notifications:notification-read", args=[notification.pk])

    response = signed_in.post(url, headers=HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert json.loads(response["HX-Trigger"]) == {"notificationsChanged": {}}
    assert f'id="notification-{notification.pk}"' in body
    assert '<span class="badge">read</span>' in body
    assert "<html" not in body
    notification.refresh_from_db()
    first_read = notification.read_at
    assert first_read is not None
    signed_in.post(url)  # again: the first time is kept
    notification.refresh_from_db()
    assert notification.read_at == first_read


def test_open_marks_read_and_goes_to_the_page(org, member, signed_in):
    _tell(org, member, 1)
    notification = Notification.objects.get()

    response = signed_in.post(
        reverse("notifications:notification-read", args=[notification.pk]), {"open": "1"}
    )

    assert (response.status_code, response["Location"]) == (302, "/projects/")
    assert Notification.objects.get().read_at is not None


def test_someone_elses_notification_is_a_404_and_stays_unread(org, signed_in, org_member):
    other = org_member()
    _tell(org, other, 1)
    notification = Notification.objects.get()

    response = signed_in.post(reverse("notifications:notification-read", args=[notification.pk]))

    assert response.status_code == 404
    assert Notification.objects.get().read_at is None
    assert signed_in.post(
        reverse("notifications:notification-read", args=[uuid.uuid4()])
    ).status_code == (404)


def test_mark_all_read_marks_only_mine(org, member, signed_in, org_member):
    _tell(org, member, 3)
    other = org_member()
    _tell(org, other, 2)

    response = signed_in.post(reverse("notifications:notification-read-all"), follow=True)

    assert "3 notifications marked read." in response.content.decode()
    assert not Notification.objects.filter(recipient=member, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).count() == 2


def test_the_preferences_page_sets_a_channel_per_kind(signed_in, member):
    page = signed_in.get(reverse("notifications:preferences")).content.decode()
    assert '<label for="id_incident.opened">' in page
    assert "Default: in the app and in the daily digest." in page  # modification.flagged

    choices = {
        "incident.opened": "digest",
        "gate.requested": "in_app",
        "gate.decided": "off",
        "modification.flagged": "email",
        "reminder.due": "email",
        "report.ready": "email",
        "export.ready": "digest",
        "audit.verification_failed": "email",
        "retention.due": "digest",
        "consent.withdrawn": "email",
    }
    response = signed_in.post(reverse("notifications:preferences"), choices)

    assert response.status_code == 302
    assert dict(
        NotificationPreference.objects.filter(user=member).values_list("kind", "channel")
    ) == (choices)


def test_a_bad_channel_rerenders_the_form_with_its_error(signed_in):
    response = signed_in.post(reverse("notifications:preferences"), {"incident.opened": "pigeon"})

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not NotificationPreference.objects.exists()
