"""factory-boy factories shared by the whole suite."""

from tests.factories.applications import ApplicationFactory, AttachmentFactory
from tests.factories.catalogue import CatalogueEntryFactory
from tests.factories.label import UserFactory, WaveFactory
from tests.factories.reviews import (
    AssignmentFactory,
    CommitteeFactory,
    CriterionFactory,
    ReviewerFactory,
)

__all__ = [
    "ApplicationFactory",
    "AssignmentFactory",
    "AttachmentFactory",
    "CatalogueEntryFactory",
    "CommitteeFactory",
    "CriterionFactory",
    "ReviewerFactory",
    "UserFactory",
    "WaveFactory",
]
