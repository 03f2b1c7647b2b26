"""The session page, the members' polled screen and the minutes PDF of a sitting (issue 16)."""

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from reviews.enums import JuryOutcome
from reviews.jury import sessions
from reviews.models import JuryDecision, JurySession, Recusal, SessionVote
from reviews.models.sessions import SessionState, VoteChoice
from tests.conftest import login
from tests.factories.jury import jury_member

pytestmark = pytest.mark.django_db

C = VoteChoice


@pytest.fixture
def members(roles):
    return (
        jury_member(full_name="Paule Présidente"),
        jury_member(full_name="Marc Membre"),
        jury_member(full_name="Rita Récusée"),
    )


@pytest.fixture
def session(deliberation, wave, members, instruction_user):
    Recusal.objects.create(
        wave=wave, application=deliberation[0], member=members[2], reason="Lien familial."
    )
    return sessions.jury_session_open(
        wave=wave,
        by=instruction_user,
        held_on=datetime.date(2027, 6, 20),
        place="Louvre-Lens, salle du jury",
        members_convened=members,
        president=members[0],
    )


def _post(client, session, slug, item=None, **data):
    if item is None:
        url = reverse("reviews:jury_session_action", args=[session.pk, slug])
    else:
        url = reverse("reviews:jury_session_item_action", args=[session.pk, item.pk, slug])
    return client.post(url, data)


def _screen(client, session):
    response = client.get(reverse("reviews:jury_session_screen", args=[session.pk]))
    assert response.status_code == 200
    return response.json()


def test_staff_opens_a_session_from_the_form(client, deliberation, wave, members, instruction_user):
    login(client, instruction_user)
    response = client.post(
        reverse("reviews:jury_session_open", args=[wave.pk]),
        {
            "held_on": "2027-06-20",
            "place": "Arras",
            "members_convened": [m.pk for m in members],
            "president": members[0].pk,
        },
    )
    session = JurySession.objects.get(place="Arras")
    assert response.url == reverse("reviews:jury_session_live", args=[session.pk])
    assert session.items.count() == 3
    assert session.president == members[0]


def test_member_checks_in_on_their_phone(client, session, members):
    login(client, members[1])
    _post(client, session, "presence")
    assert session.attendances.filter(member=members[1]).exists()
    assert "Votre présence est enregistrée" in _screen(client, session)["html"]


def test_member_not_convened_is_refused_the_page(client, session):
    outsider = jury_member(full_name="Olivier Outsider")
    login(client, outsider)
    response = client.get(reverse("reviews:jury_session_live", args=[session.pk]))
    assert response.status_code == 403
    _post(client, session, "presence")
    assert not session.attendances.exists()


def test_screen_follows_the_leader_and_hides_the_file_from_the_recused(
    client, session, deliberation, members, instruction_user
):
    strong = deliberation[0]
    sessions.session_go_to(
        session=session, item=session.items.get(application=strong), by=instruction_user
    )

    login(client, members[1])
    shown = _screen(client, session)
    assert strong.title in shown["html"]
    assert "Gouvernance solide." in shown["html"]

    login(client, members[2])
    hidden = _screen(client, session)
    assert "déporté" in hidden["html"]
    assert strong.title not in hidden["html"]
    assert strong.reference not in hidden["html"]
    assert "Gouvernance solide." not in hidden["html"]
    page = client.get(reverse("reviews:jury_session_live", args=[session.pk])).content.decode()
    assert strong.title not in page


def test_a_full_sitting_through_the_pages(client, session, deliberation, members, instruction_user):
    strong, middle, weak = deliberation
    item = session.items.get(application=middle)
    login(client, instruction_user)
    for member in members:
        _post(client, session, "presence", member=member.pk)
    _post(client, session, "afficher", item)
    _post(client, session, "ouvrir-le-vote", item)
    key_before = _screen(client, session)["key"]

    for member, choice in zip(members, (C.ESPOIRS, C.DEFERRED, C.ABSTENTION), strict=True):
        login(client, member)
        _post(client, session, "vote", item, choice=choice)
    assert SessionVote.objects.filter(item=item).count() == 3

    login(client, instruction_user)
    assert _screen(client, session)["key"] != key_before
    _post(client, session, "clore-le-vote", item)
    login(client, members[1])
    _post(client, session, "vote", item, choice=C.LABEL)
    assert SessionVote.objects.get(item=item, member=members[1]).choice == C.DEFERRED
    assert "Label Espoirs" in _screen(client, session)["html"]

    login(client, instruction_user)
    _post(client, session, "motivation", item, motivation="Prometteur.", atouts="Jeunesse.")
    _post(client, session, "clore")

    session.refresh_from_db()
    assert session.state == SessionState.CLOSED
    decision = JuryDecision.objects.get(application=middle)
    assert (decision.outcome, decision.atouts, decision.announced_at) == (
        JuryOutcome.ESPOIRS,
        "Jeunesse.",
        None,
    )

    response = client.get(reverse("reviews:jury_session_minutes", args=[session.pk]))
    pdf = b"".join(response)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.split())
    assert "3 membres présents sur 3 convoqués" in text
    assert "Quorum : 2 — atteint" in text
    assert "Label Espoirs 1 Catégorie 2 — Pris en considération 1" in text
    assert "Abstention 1" in text
    assert "égalité départagée par la voix du président" in text
    assert "Prometteur." in text and "Jeunesse." in text
    assert "Lien familial." in text
    # Counts, not names: who voted what is nowhere.
    assert "Marc Membre" in text  # present, named in the roll only
    assert text.count("Marc Membre") == 1


def test_recused_members_copy_of_the_minutes_leaves_the_file_out(
    client, session, deliberation, members
):
    login(client, members[2])
    response = client.get(reverse("reviews:jury_session_minutes", args=[session.pk]))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(b"".join(response))).pages)
    assert deliberation[0].title not in text
    assert deliberation[1].title in " ".join(text.split())
    assert "1 dossier de cette séance ne figure pas" in " ".join(text.split())
