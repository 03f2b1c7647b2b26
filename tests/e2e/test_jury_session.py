"""The jury in session in the browser (issue 16): a leader and three members, each in their own
browser context. The quorum is met, two files are voted (the second a tie broken by the
president), the member recused from the first file sees nothing of it on the screen that
follows the leader, the « Jury jeunes » opinion shows in session, the minutes PDF reads right, and
the announcement applies the decisions."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from applications.enums import ApplicationState
from label.enums import Award, Role
from reviews.enums import JuryOutcome
from reviews.jury import workflow
from reviews.models import AdvisoryPanel, JuryDecision, JurySession, Recusal
from tests.factories import UserFactory, WaveFactory
from tests.factories.jury import file_in_deliberation, jury_member
from tests.factories.label import close_call
from tests.factories.reviews import grid_for

TIMEOUT = 60_000


@pytest.fixture(autouse=True)
def _patient_expect():
    """`expect` waits as long as the pages do on a loaded machine (polling every 3 s)."""
    expect.set_options(timeout=TIMEOUT)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture
def open_as(new_context, browser_login):
    """A page in a new browser context, logged in as `user`."""

    def _open(user):
        context = new_context()
        browser_login(context, user)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT)
        return page

    return _open


def _press(page, name):
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_a_sitting_with_three_members(open_as, roles, monkeypatch):
    # Rendering certificates is not what this test is about.
    monkeypatch.setattr("certificates.services.certificate_schedule_render", lambda **kwargs: None)
    wave = WaveFactory(number=11)
    grid_for(wave)
    staff = UserFactory(roles=[Role.APPLICANT, Role.INSTRUCTION], full_name="Iris Instruction")
    president = jury_member(full_name="Paule Présidente")
    member = jury_member(full_name="Marc Membre")
    recused = jury_member(full_name="Rita Récusée")
    first = file_in_deliberation(wave, title="Jardins partagés de Lens", reviews=[{"value": 5}])
    second = file_in_deliberation(wave, title="Ressourcerie de Liévin", reviews=[{"value": 3}])
    Recusal.objects.create(wave=wave, application=first, member=recused, reason="Lien familial.")
    student = UserFactory(roles=[Role.APPLICANT], full_name="Lou Lycéenne", organisation="Lycée")
    panel = AdvisoryPanel.objects.create(wave=wave, name="Jury jeunes")
    panel.members.set([student])

    # The « Jury jeunes » gives its opinion on the first file before the sitting.
    young = open_as(student)
    young.goto(f"/jury/avis/{panel.pk}/")
    young.get_by_role("group", name=f"Avis sur {first.reference}").get_by_label(
        "Favorable", exact=True
    ).check()
    young.locator(f"#id_a{first.pk}-comment").fill("Les jeunes du quartier y participent.")
    _press(young, f"Enregistrer l'avis sur {first.reference}")
    expect(young.get_by_text(f"Votre avis sur {first.reference} est enregistré.")).to_be_visible()

    # The leader opens the sitting.
    leader = open_as(staff)
    leader.goto(f"/jury/vagues/{wave.pk}/seances/ouvrir/")
    leader.get_by_label("Date de la séance").fill("2027-06-20")
    leader.get_by_label("Lieu").fill("Louvre-Lens, salle du jury")
    for person in (president, member, recused):
        leader.get_by_label(person.full_name, exact=True).check()
    leader.get_by_label("Président ou présidente").select_option(label=president.full_name)
    _press(leader, "Ouvrir la séance")
    session = JurySession.objects.get(wave=wave)
    url = f"/jury/seances/{session.pk}/"
    expect(leader.locator("h1")).to_contain_text("Séance du jury")

    # Each member checks in on their own screen; the quorum (2 of 3) is met.
    screens = {}
    for person in (president, member, recused):
        page = open_as(person)
        page.goto(url)
        _press(page, "Je suis présent(e)")
        expect(page.get_by_text("Votre présence est enregistrée.")).to_be_visible()
        screens[person.pk] = page
    leader.goto(url)
    expect(leader.get_by_text("Quorum atteint")).to_be_visible()

    # First file: the screens follow without a reload; the recused member sees nothing of it.
    _press(leader, f"Afficher {first.reference}")
    _press(leader, "Ouvrir le vote")
    for person in (president, member):
        expect(screens[person.pk].locator("#ecran-seance")).to_contain_text(first.title)
        expect(screens[person.pk].locator("#ecran-seance")).to_contain_text(
            "Jury jeunes — Favorable : Les jeunes du quartier y participent."
        )
        expect(screens[person.pk].get_by_role("button", name="Voter")).to_be_visible()
    hidden = screens[recused.pk].locator("#ecran-seance")
    expect(hidden).to_contain_text("Vous vous êtes déporté(e) de ce dossier")
    expect(hidden).not_to_contain_text(first.title)
    expect(hidden).not_to_contain_text("Jury jeunes")
    expect(hidden.get_by_role("button", name="Voter")).to_have_count(0)
    for person in (president, member):
        page = screens[person.pk]
        page.get_by_label("Catégorie 1 — Label attribué").check()
        _press(page, "Voter")
        expect(page.get_by_text("Votre vote est enregistré.")).to_be_visible()
    leader.goto(url)
    _press(leader, "Clore le vote et dépouiller")
    expect(leader.get_by_text("Vote clos : Catégorie 1 — Label attribué.")).to_be_visible()
    leader.get_by_label("Motivation").fill("Un projet exemplaire pour le bassin minier.")
    leader.get_by_label("Atouts reconnus (facultatif)").fill("Implication des habitants.")
    _press(leader, "Enregistrer la motivation et les atouts")

    # Second file: a tie broken by the president's vote.
    _press(leader, f"Afficher {second.reference}")
    _press(leader, "Ouvrir le vote")
    for person, choice in (
        (president, "Label Espoirs"),
        (member, "Catégorie 2 — Pris en considération"),
        (recused, "Abstention"),
    ):
        page = screens[person.pk]
        expect(page.locator("#ecran-seance")).to_contain_text(second.title)
        page.get_by_label(choice).check()
        _press(page, "Voter")
    leader.goto(url)
    _press(leader, "Clore le vote et dépouiller")
    expect(leader.locator("#ecran-seance")).to_contain_text(
        "égalité départagée par la voix du président"
    )
    leader.get_by_label("Motivation").fill("Prometteur, à accompagner.")
    _press(leader, "Enregistrer la motivation et les atouts")
    _press(leader, "Clore la séance")
    expect(leader.get_by_text("La séance est close.", exact=True)).to_be_visible()

    # The minutes PDF: counts, outcomes, motivation, recusal.
    with leader.expect_download() as download:
        leader.get_by_role("link", name="Procès-verbal de la séance (PDF)").click()
    reader = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "3 membres présents sur 3 convoqués" in text
    assert "Catégorie 1 — Label attribué 2" in text
    assert "Label Espoirs 1 Catégorie 2 — Pris en considération 1" in text
    assert "égalité départagée par la voix du président" in text
    assert "Un projet exemplaire pour le bassin minier." in text
    assert "Rita Récusée (Lien familial.)" in text
    assert "Jury jeunes — Favorable : Les jeunes du quartier y participent." in text

    # The decisions wait for the announcement, which then applies them.
    assert set(
        JuryDecision.objects.filter(announced_at__isnull=True).values_list("outcome", flat=True)
    ) == {JuryOutcome.LABEL, JuryOutcome.ESPOIRS}
    workflow.wave_announce(wave=close_call(wave), by=staff)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, first.award) == (ApplicationState.LABELLED, Award.LABEL)
    assert (second.state, second.award) == (ApplicationState.LABELLED, Award.ESPOIRS)
