"""factory_boy factories. Factories build rows directly; tests of behaviour call services."""

from typing import TYPE_CHECKING, Any

import factory
from django.db.models import Model
from django.utils import timezone

from accounts.models import Organization, OrganizationMembership, ProjectMembership, User
from projects.models import Project

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class TypedFactory[M: Model](factory.django.DjangoModelFactory[M]):
    """A model factory whose call, `ProjectFactory(...)`, is typed as the model it creates."""

    if TYPE_CHECKING:
        # factory_boy's metaclass makes calling a factory create a model instance; its own
        # `__new__` is untyped, so mypy would take the factory for its result. mypy refuses a
        # `__new__` that returns another type [misc], which is exactly what this one does.
        def __new__(cls, *args: Any, **kwargs: Any) -> M: ...  # type: ignore[misc]


class UserFactory(TypedFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805
        if create:
            obj.save()


class OrganizationFactory(TypedFactory[Organization]):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")


class OrganizationMembershipFactory(TypedFactory[OrganizationMembership]):
    class Meta:
        model = OrganizationMembership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = OrganizationMembership.Role.MEMBER


class ProjectFactory(TypedFactory[Project]):
    class Meta:
        model = Project

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Project {n}")
    description = "A generative-AI assistant for claims handling."
    owner = factory.SubFactory(UserFactory)
    created_at = factory.LazyFunction(timezone.now)


class ProjectMembershipFactory(TypedFactory[ProjectMembership]):
    class Meta:
        model = ProjectMembership

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory(UserFactory)
    role = ProjectMembership.Role.VIEWER
