"""Conflicts of interest: organisation, mandate communes, declared; shown to staff."""

import pytest

from label.models import Commune
from reviews.assignment import services
from reviews.conflicts import (
    FileFacts,
    ReviewerFacts,
    conflict_map,
    conflict_reasons,
    normalise_organisation,
)
from tests.factories import AssignmentFactory


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Association Terre d'Artois", "terre d’artois"),
        ("Ville de Liévin", "VILLE DE LIEVIN"),
        ("Maisons & Cités", "maisons cites"),
        ("SCOP Œuvre-Commune", "oeuvre commune"),
    ],
)
def test_normalise_organisation_ignores_case_accents_punctuation_and_legal_form(left, right):
    assert normalise_organisation(left) == normalise_organisation(right)


def test_normalise_organisation_keeps_different_names_apart():
    assert normalise_organisation("Ville de Lens") != normalise_organisation("Ville de Liévin")


def test_conflict_reasons_name_the_organisation_and_the_communes():
    file = FileFacts(holder_name="Association Terre d'Artois", communes={1: "Liévin", 2: "Lens"})
    reviewer = ReviewerFacts(
        organisations=("TERRE D'ARTOIS",), mandate_communes={2: "Lens", 1: "Liévin", 3: "Arras"}
    )

    reasons = conflict_reasons(file, reviewer)

    assert reasons == [
        "conflit d'organisation : membre de Association Terre d'Artois",
        "conflit territorial : élu à Lens",
        "conflit territorial : élu à Liévin",
    ]


def test_conflict_reasons_of_an_unrelated_reviewer_are_empty():
    file = FileFacts(holder_name="Association Terre d'Artois", communes={1: "Liévin"})
    reviewer = ReviewerFacts(organisations=("Région Hauts-de-France",), mandate_communes={})

    assert conflict_reasons(file, reviewer) == []


@pytest.mark.django_db
def test_territory_wide_project_conflicts_only_through_its_listed_communes(
    file_in_review, make_reviewer
):
    elected_elsewhere = make_reviewer()
    services.reviewer_profile_update(
        user=elected_elsewhere,
        organisation="",
        mandate_communes=[Commune.objects.get(name="Liévin")],
    )
    file_in_review.communes.clear()
    file_in_review.territory_wide = True
    file_in_review.save(update_fields=["territory_wide"])

    conflicts = conflict_map([file_in_review], [elected_elsewhere])

    assert conflicts == {}


@pytest.mark.django_db
def test_conflict_map_combines_profile_account_and_declared_conflicts(
    file_in_review, make_reviewer, wave
):
    elected = make_reviewer()
    services.reviewer_profile_update(
        user=elected,
        organisation="",
        mandate_communes=[Commune.objects.get(insee_code="62498")],  # the file's commune, Lens
    )
    member = make_reviewer(organisation="association terre d’artois")
    declared = make_reviewer()
    AssignmentFactory(application=file_in_review, reviewer=declared, conflicted=True)
    free = make_reviewer()

    conflicts = conflict_map([file_in_review], [elected, member, declared, free])

    assert conflicts == {
        (file_in_review.pk, elected.pk): ["conflit territorial : élu à Lens"],
        (file_in_review.pk, member.pk): [
            "conflit d'organisation : membre de Association Terre d'Artois"
        ],
        (file_in_review.pk, declared.pk): [
            "conflit déclaré : Administrateur de l'association porteuse."
        ],
    }
