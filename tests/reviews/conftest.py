"""Fixtures of the review tests: a wave with its default grid, committees, a file under review."""

import pytest

from tests.factories.reviews import (
    CommitteeFactory,
    ReviewerFactory,
    application_in_state,
    grid_for,
)


@pytest.fixture
def wave(open_wave):
    """The open 11th wave, with the default grid."""
    grid_for(open_wave)
    return open_wave


@pytest.fixture
def criteria(wave):
    return grid_for(wave)


@pytest.fixture
def committee(wave, reviewer):
    """The Cercle de qualité of the wave, with the `reviewer` fixture as a member."""
    return CommitteeFactory(wave=wave, members=[reviewer])


@pytest.fixture
def file_in_review(wave, applicant):
    """A complete file under instruction in Lens, held by « Association Terre d'Artois »."""
    return application_in_state(wave=wave, owner=applicant)


@pytest.fixture
def make_reviewer(roles):
    def make(**kwargs):
        return ReviewerFactory(**kwargs)

    return make
