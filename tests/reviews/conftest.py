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


@pytest.fixture
def deliberation(wave, applicant):
    """Three files of the wave in deliberation, reviewed, best first: (strong, middle, weak).

    The strong file's first review shares a comment for the applicant and keeps a private
    one for the jury; its reviewer is « Évaluatrice Nommée ».
    """
    from tests.factories.jury import file_in_deliberation

    named = ReviewerFactory(full_name="Évaluatrice Nommée")
    strong = file_in_deliberation(
        wave,
        owner=applicant,
        title="Jardins partagés de Lens",
        reviews=[
            {
                "value": 5,
                "reviewer": named,
                "shared_comment": "Un projet exemplaire à diffuser.",
                "private_comment": "Réservé au jury : budget un peu optimiste.",
            },
            {"value": 4, "shared_comment": "Gouvernance solide."},
        ],
    )
    middle = file_in_deliberation(wave, title="Ressourcerie de Liévin", reviews=[{"value": 3}])
    weak = file_in_deliberation(
        wave,
        title="Fresque de Béthune",
        reviews=[{"value": 1, "opinion": "unfavorable"}],
    )
    return strong, middle, weak
