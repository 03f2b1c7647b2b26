"""Fixtures of the catalogue's photo tests: a holder and the catalogue entry of their
labelled project."""

import pytest

from catalogue.services import catalogue_entry_publish_from_application
from label.enums import Role
from tests.factories import UserFactory
from tests.factories.certificates import labelled_application


@pytest.fixture
def holder(roles):
    return UserFactory(roles=[Role.APPLICANT], full_name="Camille Martin")


@pytest.fixture
def entry(holder):
    application = labelled_application(owner=holder, title="Jardins partagés du 12-14")
    return catalogue_entry_publish_from_application(application)
