"""factory-boy factories shared by the whole suite."""

from tests.factories.applications import ApplicationFactory, AttachmentFactory
from tests.factories.catalogue import CatalogueEntryFactory
from tests.factories.label import UserFactory, WaveFactory

__all__ = [
    "ApplicationFactory",
    "AttachmentFactory",
    "CatalogueEntryFactory",
    "UserFactory",
    "WaveFactory",
]
