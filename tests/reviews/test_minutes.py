"""The jury's sessions and the minutes (procès-verbal) of a wave, read back from the PDF."""

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from label.enums import Role
from reviews.enums import JuryOutcome
from reviews.models import JurySession, Recusal
from tests.conftest import login
from tests.factories import UserFactory
from tests.factories.jury import decision_for, file_in_deliberation, jury_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(roles):
    return UserFactory(roles=[Role.APPLICANT, Role.INSTRUCTION])


@pytest.fixture
def members(roles):
    return (
        jury_member(full_name="Paule Présidente"),
        jury_member(full_name="Marc Membre"),
        jury_member(full_name="Rita Récusée"),
    )


@pytest.fixture
def session_record(deliberation, wave, members):
    """A sitting with two members present, two recusals and decisions on two of the files."""
    strong, middle, weak = deliberation
    president, member, recused = members
    session = JurySession.objects.create(
        wave=wave,
        held_on=datetime.date(2026, 10, 14),
        place="Louvre-Lens, salle des Mineurs",
        notes="Quorum atteint.",
    )
    session.members_present.set([president, member])
    Recusal.objects.create(
        wave=wave,
        application=strong,
        member=recused,
        reason="conflit d'organisation : membre de Association Terre d'Artois",
        automatic=True,
    )
    Recusal.objects.create(
        wave=wave, application=middle, member=member, reason="Lien familial avec le porteur."
    )
    decision_for(
        strong,
        outcome=JuryOutcome.LABEL,
        motivation="Exemplaire pour le bassin minier.",
        conditions="Sous réserve de la convention signée.",
    )
    decision_for(middle, outcome=JuryOutcome.DEFERRED, motivation="À consolider.")
    return strong, middle, weak


def _pdf_text(response):
    reader = PdfReader(io.BytesIO(b"".join(response)))
    return reader, " ".join(page.extract_text() for page in reader.pages)


@pytest.mark.parametrize("who", ["jury", "staff"])
def test_minutes_pdf_holds_sessions_recusals_and_every_decision(
    client, session_record, wave, members, staff, who
):
    strong, middle, weak = session_record
    login(client, members[0] if who == "jury" else staff)

    response = client.get(reverse("reviews:jury_minutes", args=[wave.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "proces-verbal-jury-vague-11.pdf" in response["Content-Disposition"]
    reader, text = _pdf_text(response)
    text = " ".join(text.split())
    assert reader.metadata.title == "Procès-verbal du jury — Vague 11 — Label Euralens 2026"
    assert "Séance du 14 octobre 2026 — Louvre-Lens, salle des Mineurs" in text
    assert "Membres présents : Marc Membre, Paule Présidente." in text
    assert "Quorum atteint." in text
    assert "Rita Récusée" in text
    assert "Lien familial avec le porteur." in text
    assert "relevée par les règles de conflit d'intérêts" in text
    assert strong.reference in text
    assert "Catégorie 1 — Label attribué" in text
    assert "Exemplaire pour le bassin minier." in text
    assert "Sous réserve de la convention signée." in text
    assert "Catégorie 2 — Pris en considération" in text
    assert "À consolider." in text
    assert "non annoncée" in text
    assert "Dossiers en délibération sans décision" in text
    assert weak.reference in text
    # Decisions are listed by category: the label before Catégorie 2.
    assert text.index(strong.reference + " —") < text.index(middle.reference + " —")


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.REVIEWER])
def test_minutes_are_refused_to_other_roles(client, session_record, wave, role, roles):
    login(client, UserFactory(roles=[Role.APPLICANT, role]))

    response = client.get(reverse("reviews:jury_minutes", args=[wave.pk]))

    assert response.status_code == 403
    assert response["Content-Type"] != "application/pdf"


def test_staff_records_a_session_with_members_present(client, staff, wave, members):
    login(client, staff)

    response = client.post(
        reverse("reviews:jury_session_create", args=[wave.pk]),
        {
            "held_on": "2026-10-14",
            "place": "Arenberg Creative Mine",
            "members_present": [members[0].pk, members[1].pk],
            "notes": "",
        },
    )

    assert response.status_code == 302
    session = JurySession.objects.get()
    assert (session.wave, session.held_on, session.place) == (
        wave,
        datetime.date(2026, 10, 14),
        "Arenberg Creative Mine",
    )
    assert set(session.members_present.all()) == {members[0], members[1]}


def test_session_update_changes_the_same_row(client, staff, session_record, wave):
    session = JurySession.objects.get()
    login(client, staff)

    client.post(
        reverse("reviews:jury_session_update", args=[wave.pk, session.pk]),
        {"held_on": "2026-10-15", "place": "Lens", "members_present": []},
    )

    session.refresh_from_db()
    assert (session.held_on, session.place) == (datetime.date(2026, 10, 15), "Lens")
    assert not session.members_present.exists()
    assert JurySession.objects.count() == 1


def test_session_members_must_sit_on_the_jury(client, staff, wave, roles):
    outsider = UserFactory(roles=[Role.APPLICANT])
    login(client, staff)

    response = client.post(
        reverse("reviews:jury_session_create", args=[wave.pk]),
        {"held_on": "2026-10-14", "place": "Lens", "members_present": [outsider.pk]},
    )

    assert response.status_code == 400
    assert not JurySession.objects.exists()


def test_session_requires_date_and_place(client, staff, wave):
    login(client, staff)

    response = client.post(reverse("reviews:jury_session_create", args=[wave.pk]), {})

    assert response.status_code == 400
    assert not JurySession.objects.exists()


def test_jury_records_sessions_only_when_the_wave_delegates(client, wave, members):
    login(client, members[0])
    url = reverse("reviews:jury_session_create", args=[wave.pk])
    data = {"held_on": "2026-10-14", "place": "Lens", "members_present": [members[0].pk]}

    assert client.post(url, data).status_code == 403
    assert not JurySession.objects.exists()

    wave.jury_may_record_decisions = True
    wave.save()
    assert client.post(url, data).status_code == 302
    assert JurySession.objects.count() == 1


def test_minutes_of_a_wave_without_jury_work_still_render(client, staff, wave):
    file_in_deliberation(wave, reviews=[{"value": 3}])
    login(client, staff)

    response = client.get(reverse("reviews:jury_minutes", args=[wave.pk]))

    _reader, text = _pdf_text(response)
    assert "Aucune séance n'est enregistrée." in text
    assert "Aucune récusation." in text
    assert "Aucune décision n'est enregistrée." in text


def test_minutes_leave_out_the_file_a_recused_member_stood_down_from(
    client, session_record, wave, members
):
    """Issue 17, finding 3: the minutes ask the rule of the file's page for each decision."""
    strong, middle, weak = session_record
    recused = members[2]  # recused from the strong file, whose decision is pending
    login(client, recused)

    response = client.get(reverse("reviews:jury_minutes", args=[wave.pk]))

    assert response["Content-Type"] == "application/pdf"
    _, text = _pdf_text(response)
    text = " ".join(text.split())
    # Neither the pending decision, nor the file's title or holder.
    assert "Exemplaire pour le bassin minier." not in text
    assert "Sous réserve de la convention signée." not in text
    assert "Catégorie 1 — Label attribué" not in text
    assert "Jardins partagés de Lens" not in text
    # Their own recusal stays on record; the other files read as for every member.
    assert "Rita Récusée" in text
    assert "À consolider." in text
    assert weak.reference in text
    assert "1 dossier de cette vague ne figure pas dans votre exemplaire" in text


def test_minutes_of_a_member_recused_from_two_files_hide_both(
    client, session_record, wave, members
):
    strong, middle, weak = session_record
    member = members[1]  # recused from the middle file
    Recusal.objects.create(wave=wave, application=weak, member=member, reason="Voisin.")
    login(client, member)

    _, text = _pdf_text(client.get(reverse("reviews:jury_minutes", args=[wave.pk])))
    text = " ".join(text.split())

    assert "À consolider." not in text
    assert "Ressourcerie de Liévin" not in text
    assert "Fresque de Béthune" not in text
    # Another member's recusal on a file this member may see stays in the record.
    assert "Rita Récusée" in text
    assert "Exemplaire pour le bassin minier." in text
    assert "2 dossiers de cette vague ne figurent pas dans votre exemplaire" in text
