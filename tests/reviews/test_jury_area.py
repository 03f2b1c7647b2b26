"""The jury area (/jury/): waves, the ranked board, files with their reviews, recusals."""

from html import unescape

import pytest
from django.urls import reverse

from label.enums import Role
from label.models import Commune
from reviews.jury.selectors import jury_board_for_wave
from reviews.models import Recusal, ReviewerProfile
from tests.conftest import login
from tests.factories import UserFactory
from tests.factories.jury import decision_for, file_in_deliberation, jury_member
from tests.factories.reviews import ReviewerFactory, application_in_state, build_reviewed_wave

pytestmark = pytest.mark.django_db


def _html(response):
    """The page's text with its entities decoded (French apostrophes are escaped)."""
    return unescape(response.content.decode())


# --- Who enters ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["jury", "instruction"])
def test_jury_home_lists_waves_with_files_in_deliberation(client, deliberation, wave, who, roles):
    user = jury_member() if who == "jury" else UserFactory(roles=[Role.INSTRUCTION])
    login(client, user)

    response = client.get(reverse("reviews:jury_home"))

    assert response.status_code == 200
    assert reverse("reviews:jury_wave", args=[wave.pk]) in _html(response)
    assert "3 dossiers en délibération" in _html(response)


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.REVIEWER])
def test_jury_pages_refuse_other_roles(client, deliberation, wave, role, roles):
    login(client, UserFactory(roles=[Role.APPLICANT, role]))
    strong = deliberation[0]

    for url in (
        reverse("reviews:jury_home"),
        reverse("reviews:jury_wave", args=[wave.pk]),
        reverse("reviews:jury_file", args=[strong.pk]),
        reverse("reviews:jury_minutes", args=[wave.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Réservé au jury" not in _html(response)


def test_jury_pages_send_anonymous_visitors_to_login(client, deliberation, wave):
    response = client.get(reverse("reviews:jury_wave", args=[wave.pk]))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


# --- The board -----------------------------------------------------------------------------


def test_jury_board_ranks_files_in_deliberation_with_opinions(client, deliberation, wave):
    strong, middle, weak = deliberation
    application_in_state(wave=wave, title="Encore en instruction")  # not before the jury
    decision_for(strong)
    login(client, jury_member())

    response = client.get(reverse("reviews:jury_wave", args=[wave.pk]))

    html = _html(response)
    assert response.status_code == 200
    assert html.index(strong.reference) < html.index(middle.reference) < html.index(weak.reference)
    assert "Encore en instruction" not in html
    assert "Défavorable : 1" in html
    assert "Favorable : 2" in html
    assert "Catégorie 1 — Label attribué" in html  # the strong file's pending decision
    assert html.count("à décider") == 2
    board = jury_board_for_wave(wave)
    assert [row.ranking.application_id for row in board.rows] == [strong.pk, middle.pk, weak.pk]
    assert [row.ranking.rank for row in board.rows] == [1, 2, 3]
    assert board.rows[0].ranking.mean == pytest.approx(90.0)
    assert board.rows[0].ranking.criterion_means[0] == pytest.approx(4.5)
    assert [row.ranking.application_id for row in board.missing_decisions] == [middle.pk, weak.pk]


def _count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries), _html(response)


# The board's own reads (ranking, opinions, decisions, recusals, read receipts, sessions) and
# a jury member's conflict facts, plus the session, the account and the audit row.
@pytest.mark.parametrize(("who", "most"), [("jury", 19), ("instruction", 15)])
def test_jury_board_query_count_is_the_same_at_3_and_50_files(client, wave, who, most):
    from applications.enums import ApplicationState
    from applications.models import Application

    user = jury_member() if who == "jury" else UserFactory(roles=[Role.INSTRUCTION])
    login(client, user)
    url = reverse("reviews:jury_wave", args=[wave.pk])
    counts = []
    for files in (3, 47):
        build_reviewed_wave(wave, applications=files, reviews_per_application=3)
        Application.objects.filter(wave=wave).update(state=ApplicationState.DELIBERATION)
        for application in Application.objects.filter(wave=wave, jury_decision__isnull=True)[:2]:
            decision_for(application)
        client.get(url)  # a jury member's recusals are checked (and recorded) once
        count, html = _count_queries(client, url)
        counts.append(count)
        assert html.count("jury/dossiers/") == Application.objects.filter(wave=wave).count()

    assert counts[0] == counts[1], counts
    assert counts[0] <= most, counts


# --- One file ------------------------------------------------------------------------------


def test_jury_file_shows_every_review_with_names_and_private_comments(client, deliberation):
    strong = deliberation[0]
    login(client, jury_member())

    response = client.get(reverse("reviews:jury_file", args=[strong.pk]))

    html = _html(response)
    assert response.status_code == 200
    assert "Évaluation de Évaluatrice Nommée" in html
    assert "Réservé au jury : budget un peu optimiste." in html
    assert "Un projet exemplaire à diffuser." in html
    assert "Moyenne par critère" in html


def test_jury_file_shows_staff_summary_checklist_and_internal_notes(client, deliberation):
    from applications.enums import Transition
    from applications.models import Application, ApplicationEvent

    strong = deliberation[0]
    Application.objects.filter(pk=strong.pk).update(
        eligibility_checklist={"territory": True, "holder": True, "transition": False}
    )
    ApplicationEvent.objects.create(
        application=strong,
        transition=Transition.SEND_TO_JURY,
        from_state="in_review",
        to_state="deliberation",
        internal_note="Projet suivi par la commune depuis 2024.",
    )
    login(client, jury_member())

    html = _html(client.get(reverse("reviews:jury_file", args=[strong.pk])))

    assert "Le projet est situé sur le territoire du Pôle Métropolitain de l'Artois : oui" in html
    assert "Il s'agit d'un projet de transition écologique et sociale : non" in html
    assert "Un budget et un plan de financement sont présentés : non renseigné" in html
    assert "Projet suivi par la commune depuis 2024." in html


def test_jury_file_of_a_file_not_before_the_jury_is_not_found(client, wave):
    in_review = application_in_state(wave=wave)
    login(client, UserFactory(roles=[Role.INSTRUCTION]))

    assert client.get(reverse("reviews:jury_file", args=[in_review.pk])).status_code == 404


def test_jury_member_cannot_open_a_file_once_announced(client, deliberation):
    from applications.enums import ApplicationState
    from applications.models import Application

    strong = deliberation[0]
    Application.objects.filter(pk=strong.pk).update(state=ApplicationState.LABELLED)
    login(client, jury_member())

    response = client.get(reverse("reviews:jury_file", args=[strong.pk]))

    assert response.status_code == 403
    assert "Réservé au jury" not in _html(response)


# --- Conflicts and recusals -----------------------------------------------------------------


def test_jury_member_of_the_holder_organisation_is_recused_once_and_sees_nothing(
    client, deliberation, wave
):
    strong = deliberation[0]
    member = jury_member(organisation="Terre d'Artois")  # the holder, without its legal form
    login(client, member)

    first = client.get(reverse("reviews:jury_file", args=[strong.pk]))
    second = client.get(reverse("reviews:jury_file", args=[strong.pk]))

    assert first.status_code == second.status_code == 403
    html = _html(first)
    assert "Vous êtes récusé(e) pour le dossier" in html
    assert "conflit d'organisation : membre de Association Terre d'Artois" in html
    assert "Réservé au jury" not in html
    assert "Un projet exemplaire" not in html
    recusal = Recusal.objects.get()
    assert (recusal.member, recusal.application, recusal.automatic) == (member, strong, True)
    assert recusal.wave == wave


def test_jury_member_with_a_mandate_commune_is_recused_on_the_board(client, deliberation, wave):
    member = jury_member()
    profile = ReviewerProfile.objects.create(user=member)
    profile.mandate_communes.add(Commune.objects.get(insee_code="62498"))  # Lens
    login(client, member)

    response = client.get(reverse("reviews:jury_wave", args=[wave.pk]))

    html = _html(response)
    # Every file of the fixture is in Lens: each row says so, none links to the file.
    assert html.count("Vous êtes récusé(e) pour ce dossier") == 3
    assert "jury/dossiers/" not in html
    assert Recusal.objects.filter(member=member, automatic=True).count() == 3
    assert "conflit territorial : élu à Lens" in Recusal.objects.first().reason


def test_staff_are_never_recused(client, deliberation, wave):
    staff = UserFactory(roles=[Role.INSTRUCTION, Role.JURY], organisation="Terre d'Artois")
    login(client, staff)

    response = client.get(reverse("reviews:jury_file", args=[deliberation[0].pk]))

    assert response.status_code == 200
    assert not Recusal.objects.exists()


def test_jury_member_recuses_themself_then_the_file_is_closed(client, deliberation, wave):
    strong = deliberation[0]
    member = jury_member()
    login(client, member)
    page = client.get(reverse("reviews:jury_file", args=[strong.pk]))
    assert "Je me récuse" in _html(page)

    response = client.post(
        reverse("reviews:jury_recuse", args=[strong.pk]),
        {"reason": "Ma sœur préside l'association."},
    )

    assert response.status_code == 302
    recusal = Recusal.objects.get(member=member)
    assert (recusal.application, recusal.automatic) == (strong, False)
    assert recusal.reason == "Ma sœur préside l'association."
    after = client.get(reverse("reviews:jury_file", args=[strong.pk]))
    assert after.status_code == 403
    assert "Ma sœur préside" in _html(after)


def test_recusal_requires_a_reason(client, deliberation):
    member = jury_member()
    login(client, member)

    response = client.post(reverse("reviews:jury_recuse", args=[deliberation[0].pk]), {})

    assert response.status_code == 400
    assert not Recusal.objects.exists()
    assert "Raison de la récusation" in _html(response)


def test_staff_cannot_recuse_through_a_hand_made_post(client, deliberation):
    login(client, UserFactory(roles=[Role.INSTRUCTION]))

    response = client.post(
        reverse("reviews:jury_recuse", args=[deliberation[0].pk]), {"reason": "Essai"}
    )

    assert response.status_code == 403
    assert not Recusal.objects.exists()


def test_jury_profile_records_declarations_used_by_the_conflict_rules(client, deliberation):
    member = jury_member()
    login(client, member)
    lens = Commune.objects.get(insee_code="62498")

    response = client.post(
        reverse("reviews:jury_profile"),
        {"organisation": "Mairie de Lens", "mandate_communes": [lens.pk]},
    )

    assert response.status_code == 302
    assert list(member.reviewer_profile.mandate_communes.all()) == [lens]
    assert client.get(reverse("reviews:jury_file", args=[deliberation[0].pk])).status_code == 403


def test_reviewer_who_declared_a_conflict_is_recused_as_jury_member(client, deliberation):
    from tests.factories.reviews import AssignmentFactory

    strong = deliberation[0]
    person = ReviewerFactory(roles=[Role.APPLICANT, Role.REVIEWER, Role.JURY])
    AssignmentFactory(application=strong, reviewer=person, conflicted=True)
    login(client, person)

    assert client.get(reverse("reviews:jury_file", args=[strong.pk])).status_code == 403
    assert "conflit déclaré" in Recusal.objects.get(member=person).reason


def test_file_in_deliberation_without_reviews_is_listed(client, wave):
    lonely = file_in_deliberation(wave, title="Sans évaluation")
    login(client, jury_member())

    html = _html(client.get(reverse("reviews:jury_wave", args=[wave.pk])))

    assert lonely.reference in html
    assert "0 / 0" in html


def test_recused_member_does_not_read_the_announced_outcome_of_their_file(
    client, deliberation, wave
):
    from applications.enums import ApplicationState
    from applications.models import Application
    from reviews.enums import JuryOutcome

    strong, middle, weak = deliberation
    member = jury_member()
    Recusal.objects.create(wave=wave, application=weak, member=member, reason="Lien familial.")
    decision_for(weak, outcome=JuryOutcome.REFUSED)
    decision_for(middle, outcome=JuryOutcome.DEFERRED)
    Application.objects.filter(pk=weak.pk).update(state=ApplicationState.REFUSED)
    Application.objects.filter(pk=middle.pk).update(state=ApplicationState.DEFERRED)
    login(client, member)

    html = _html(client.get(reverse("reviews:jury_wave", args=[wave.pk])))

    announced = html[html.index("Décisions annoncées") :]
    assert "Catégorie 2 — Pris en considération" in announced
    assert "Catégorie 3" not in announced
    assert "Vous étiez récusé(e) pour ce dossier." in announced
