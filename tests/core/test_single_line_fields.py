"""Single-line text fields refuse line breaks and other control characters, whatever path a
value takes: a CR/LF in a workshop title used to be accepted and then broke its invitation."""

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from core.models import SINGLE_LINE
from stakeholders.models import Workshop
from tests.factories import ProjectFactory
from tests.helpers import client_for
from tests.stakeholders.helpers import build_world

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "bad", ["Risks\r\nBCC: everyone", "Risks\nworkshop", "Tab\there", "Bell\x07"]
)
def test_the_api_refuses_a_workshop_title_with_a_control_character(project, bad):
    world = build_world(project)
    workshops, events = Workshop.objects.count(), AuditEvent.objects.count()

    response = client_for(world.manager).post(
        f"/api/v1/projects/{project.pk}/workshops/",
        {
            "title": bad,
            "starts_at": "2030-05-02T14:00:00+02:00",
            "stakeholders": [str(world.dana.pk)],
        },
        format="json",
    )

    assert response.status_code == 400, response.content
    assert response.json()["errors"]["title"] == [SINGLE_LINE]
    assert (Workshop.objects.count(), AuditEvent.objects.count()) == (workshops, events)


def test_every_single_line_field_of_every_model_is_checked(org):
    project = ProjectFactory.build(organization=org, owner=None, name="Claims\r\nassistant")

    with pytest.raises(ValidationError) as raised:
        project.full_clean(exclude=["owner"])

    assert raised.value.message_dict["name"] == [SINGLE_LINE]


def test_multi_line_text_fields_keep_their_line_breaks(project):
    world = build_world(project)

    response = client_for(world.manager).post(
        f"/api/v1/projects/{project.pk}/workshops/",
        {
            "title": "Risks workshop",
            "agenda": "1. Risks\r\n2. Mitigations\n\t3. Next steps",
            "starts_at": "2030-05-02T14:00:00+02:00",
            "stakeholders": [str(world.dana.pk)],
        },
        format="json",
    )

    assert response.status_code == 201, response.content
