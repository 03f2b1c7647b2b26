"""Fixtures of the follow-up tests: a labelled project, its holder, a staff member."""

import pytest

from label.enums import Role
from tests.conftest import login
from tests.factories import UserFactory
from tests.factories.certificates import labelled_application


@pytest.fixture
def holder(roles):
    return UserFactory(roles=[Role.APPLICANT], full_name="Camille Martin")


@pytest.fixture
def project(holder):
    return labelled_application(owner=holder)


@pytest.fixture
def holder_client(client, holder):
    return login(client, holder)


@pytest.fixture
def staff_client(client, instruction_user):
    return login(client, instruction_user)
