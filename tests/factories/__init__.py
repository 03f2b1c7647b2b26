"""factory-boy factories shared by the whole suite."""

from tests.factories.label import UserFactory, WaveFactory

__all__ = ["UserFactory", "WaveFactory"]
