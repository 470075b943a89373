"""Shared fixtures: organisations, people in every role, projects, API clients."""

import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations
from rest_framework.test import APIClient

from accounts.models import Organization, OrganizationMembership, ProjectMembership, User
from accounts.services import api_token_create
from core import ratelimit
from projects.models import Project
from tests.celery_worker import broker_down, worker  # noqa: F401 (fixtures for every test)
from tests.factories import (
    OrganizationFactory,
    OrganizationMembershipFactory,
    ProjectFactory,
    ProjectMembershipFactory,
    UserFactory,
)
from tests.helpers import bearer_client

OrgRole = OrganizationMembership.Role
ProjectRole = ProjectMembership.Role


@pytest.fixture
def org() -> Organization:
    return OrganizationFactory(name="Acme Insurance")


@pytest.fixture
def other_org() -> Organization:
    return OrganizationFactory(name="Globex")


@pytest.fixture
def org_member(org: Organization) -> Callable[..., User]:
    """make(role) → a new user with that role in `org`."""

    def make(role: str = OrgRole.MEMBER, **user_fields: object) -> User:
        user = UserFactory(**user_fields)
        OrganizationMembershipFactory(organization=org, user=user, role=role)
        return user

    return make


@pytest.fixture
def admin(org_member: Callable[..., User]) -> User:
    return org_member(OrgRole.ADMIN)


@pytest.fixture
def compliance_officer(org_member: Callable[..., User]) -> User:
    return org_member(OrgRole.COMPLIANCE_OFFICER)


@pytest.fixture
def project(org: Organization, admin: User) -> Project:
    """A project of `org` whose owner is also its manager."""
    owner = UserFactory()
    OrganizationMembershipFactory(organization=org, user=owner)
    project = ProjectFactory(organization=org, owner=owner, name="Claims assistant")
    ProjectMembershipFactory(project=project, user=owner, role=ProjectRole.MANAGER)
    return project


@pytest.fixture
def project_member(org_member: Callable[..., User]) -> Callable[..., User]:
    """make(project, role) → a new organisation member with that role on the project."""

    def make(project: Project, role: str = ProjectRole.VIEWER) -> User:
        user = org_member(OrgRole.MEMBER)
        ProjectMembershipFactory(project=project, user=user, role=role)
        return user

    return make


@pytest.fixture
def manager(project: Project) -> User:
    return project.owner


@pytest.fixture
def outsider(other_org: Organization) -> User:
    """An administrator of another organisation: powerful there, a stranger here."""
    user = UserFactory()
    OrganizationMembershipFactory(organization=other_org, user=user, role=OrgRole.ADMIN)
    return user


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def token_client() -> Callable[[User], APIClient]:
    """make(user) → an APIClient authenticated with a fresh personal token of that user."""

    def make(user: User) -> APIClient:
        _, plain = api_token_create(actor=user, name="tests")
        return bearer_client(plain)

    return make


@pytest.fixture
def as_role(
    request: pytest.FixtureRequest, project: Project, project_member: Callable[..., User]
) -> Callable[[str], User | None]:
    """as_role(name) → a user holding that role towards `project` (None: anonymous).

    Names: anon, outsider, org_member, manager, org_admin, compliance_officer, or a project
    role (viewer, contributor, reviewer). The people of the other names are the fixtures of
    the same name, set up only when asked for.
    """

    def make(role: str) -> User | None:
        if role == "anon":
            return None
        if role == "outsider":
            return request.getfixturevalue("outsider")
        if role == "org_member":
            return request.getfixturevalue("org_member")(OrgRole.MEMBER)
        if role == "manager":
            return project.owner
        if role == "org_admin":
            return request.getfixturevalue("admin")
        if role == "compliance_officer":
            return request.getfixturevalue("compliance_officer")
        return project_member(project, role)

    return make


@pytest.fixture(autouse=True, scope="session")
def _flush_past_the_append_only_triggers() -> Iterator[None]:
    """Transactional tests end with a flush: one TRUNCATE of every table, which the audit
    tables' triggers refuse from every session. The suite runs as PostgreSQL's superuser,
    and only a superuser may set `session_replication_role = replica`, which skips ordinary
    triggers for the flush's transaction. Production has no such exemption: its runtime role
    is no superuser (docs/deployment.md)."""
    original = PostgresOperations.execute_sql_flush

    def execute_sql_flush(self: BaseDatabaseOperations, sql_list: Iterable[str]) -> None:
        original(self, ["SET LOCAL session_replication_role = replica", *sql_list])

    PostgresOperations.execute_sql_flush = execute_sql_flush  # type: ignore[method-assign]
    yield
    PostgresOperations.execute_sql_flush = original  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _own_checkpoint_file(settings: Any, tmp_path: Path) -> None:
    """Each test signs checkpoints into a file of its own: verification holds chains to the
    file copy too, and a checkpoint of a test rolled back must not haunt the next one."""
    settings.CHARTER_AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"


@pytest.fixture(autouse=True)
def _fresh_rate_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test counts its rate limits in a namespace of its own on the real Redis: it
    starts at zero and leaves other tests' counters alone (all tests share one address)."""
    monkeypatch.setattr(ratelimit, "NAMESPACE", f"test:{uuid.uuid4().hex}")


@pytest.fixture
def catalogue(db: None) -> dict[str, object]:
    """The shipped framework catalogue, loaded through its service (a handful of bulk
    queries, so every test that needs the real catalogue can afford a fresh one)."""
    from compliance.services.catalogue import catalogue_load

    return catalogue_load()
