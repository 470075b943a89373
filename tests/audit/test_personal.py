"""Personal fields are declared once, on the model (audit/personal.py), and every reader —
the admin's audit, the stakeholder registry, the row-capture triggers — keeps them off the
trail; every text field of an audited model is classified."""

import pytest
from django.contrib import admin
from django.db import connection
from django.forms import modelform_factory
from django.test import RequestFactory

from accounts.models import User
from audit.admin import AuditedModelAdmin
from audit.models import AuditEvent
from audit.personal import off_the_trail, personal_fields, unclassified_fields
from audit.rowcapture import ALWAYS_IGNORED, declared_ignored_columns
from stakeholders.models import Stakeholder
from stakeholders.services import registry
from tests.factories import UserFactory


def _audited_models():
    """Models whose admin writes its changes into the hashed payload, and models that
    declare personal fields."""
    from django.apps import apps

    through_admin = {
        model
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, AuditedModelAdmin)
    }
    declaring = {model for model in apps.get_models() if personal_fields(model)}
    return sorted(through_admin | declaring, key=lambda model: model._meta.label)


def test_every_text_field_of_an_audited_model_is_classified_once():
    models = _audited_models()
    assert User in models
    assert Stakeholder in models
    unclassified = {
        model._meta.label: unclassified_fields(model)
        for model in models
        if unclassified_fields(model)
    }
    assert unclassified == {}
    for model in models:  # and every declared name is a field of the model
        for name in off_the_trail(model):
            model._meta.get_field(name)


def test_an_undeclared_model_has_its_text_fields_reported():
    assert "action" in unclassified_fields(AuditEvent)


def test_the_stakeholder_registry_reads_the_models_declaration():
    assert registry.PERSONAL_FIELDS == Stakeholder.personal_fields == ("name", "email", "notes")


@pytest.mark.django_db
def test_an_admin_edit_of_a_person_names_the_personal_fields_without_their_values():
    person = UserFactory(email="ada@example.com", full_name="Ada Lovelace")
    staff = UserFactory(is_staff=True, is_superuser=True)
    form_class = modelform_factory(User, fields=["email", "full_name", "time_zone"])
    form = form_class(
        {"email": "ada@analytical.example", "full_name": "Ada King", "time_zone": "Europe/London"},
        instance=person,
    )
    assert form.is_valid(), form.errors
    request = RequestFactory().post("/admin/accounts/user/")
    request.user = staff
    admin.site._registry[User].save_model(request, form.save(commit=False), form, change=True)

    event = AuditEvent.objects.get(target_type="accounts.user", target_id=str(person.pk))
    assert event.data["fields"] == ["time_zone"]
    assert event.data["new"] == {"time_zone": "Europe/London"}
    assert event.data["personal_fields"] == ["email", "full_name"]
    hashed = str(event.data)
    assert "analytical" not in hashed
    assert "King" not in hashed


@pytest.mark.django_db
@pytest.mark.parametrize(
    "label",
    [
        "accounts.User",
        "accounts.Invitation",
        "accounts.APIToken",
        "stakeholders.Stakeholder",
        "compliance.FactSheetPublication",
        "stakeholders.ProductFeedback",
        "stakeholders.ConsentRecord",  # the note of a withdrawal asked for
    ],
)
def test_the_capture_trigger_leaves_out_what_the_model_declares(label):
    table, declared = declared_ignored_columns(label)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.tgargs FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE c.relname = %s AND t.tgname = %s",
            [table, f"{table}_capture"],
        )
        [(raw,)] = cursor.fetchall()
    installed = {arg for arg in bytes(raw).decode().split("\x00") if arg}
    assert installed == set(ALWAYS_IGNORED) | set(declared)
