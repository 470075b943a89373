"""Audit actions: one registered class per app, and the writer refuses any other string."""

import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from accounts.audit_actions import AccountsAction
from audit import actions
from audit.actions import AuditAction, register_actions, registered_actions
from audit.models import AuditEvent
from audit.verify import verify_chain
from audit.writer import audit_record
from projects.audit_actions import ProjectsAction
from stakeholders.audit_actions import StakeholdersAction

pytestmark = pytest.mark.django_db

SCHEME = re.compile(r"^[a-z]+(_[a-z]+)*\.[a-z]+(_[a-z]+)*$")


def test_the_writer_refuses_an_action_no_app_registered(org, admin):
    for action in ("membership.created", "organization.rename", ""):
        with pytest.raises(ValueError, match="Unknown audit action"):
            audit_record(actor=admin, action=action, target=org)
    assert AuditEvent.objects.count() == 0


def test_every_apps_actions_are_registered_and_follow_one_scheme():
    declared = {
        *AuditAction.values,
        *AccountsAction.values,
        *ProjectsAction.values,
        *StakeholdersAction.values,
    }
    assert declared <= registered_actions()
    assert [action for action in declared if not SCHEME.match(action)] == []
    assert {"organization_membership.created", "project_membership.created"} <= declared


def test_an_action_declared_by_two_classes_is_refused(monkeypatch):
    monkeypatch.setattr(actions, "_registered", dict(actions._registered))

    class Clash(models.TextChoices):
        NEW = "brand_new.created"
        RENAMED = "organization.renamed"

    with pytest.raises(ImproperlyConfigured, match="AccountsAction and"):
        register_actions(Clash)
    assert "brand_new.created" not in registered_actions()


def test_a_chain_written_with_old_action_names_still_verifies(org, admin, monkeypatch):
    # Events stored before the names were normalised keep them; the verifier never looks.
    monkeypatch.setitem(actions._registered, "membership.created", AccountsAction)
    audit_record(actor=admin, action="membership.created", target=org)
    monkeypatch.undo()
    audit_record(actor=admin, action=AccountsAction.ORGANIZATION_MEMBERSHIP_CREATED, target=org)

    assert list(AuditEvent.objects.order_by("sequence").values_list("action", flat=True)) == [
        "membership.created",
        "organization_membership.created",
    ]
    assert verify_chain(str(org.pk)).ok
