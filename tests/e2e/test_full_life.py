"""The whole life of an application in a real browser, from sign-up to the catalogue.

One test (issue 7, point 2) drives the portal as the people of DESIGN.md do: the applicant
signs up, confirms the address from the mail in the outbox, fills every section of the
dossier with a real PDF, files it and downloads the receipt; the instruction team asks for a
completion, which the applicant gives; staff declare the file eligible, select it, put two
reviewers in a committee and assign them automatically; both accept the confidentiality,
declare no conflict and score the grid; staff send the file to the jury, record the
decision and announce the wave's results; the applicant reads the decision and downloads
the certificate, whose verification address says « valide »; the project is in the public
catalogue and in the API.

Each person has a browser context of their own. Every step is done with the controls a
person uses (links, fields, buttons); the database is read back after each step to check
the state, the history row and the mails queued in the outbox.
"""

import io
import json
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader, PdfWriter

from accounts import otp
from applications.enums import ApplicationState, AttachmentKind, Transition
from applications.models import Application, ApplicationEvent
from catalogue.models import CatalogueEntry
from certificates.models import Certificate
from label.enums import Role
from label.models import OutboxMail, User
from reviews.enums import JuryOutcome, ReviewState
from reviews.models import Assignment, Committee, JuryDecision, Review
from tests.factories import UserFactory, WaveFactory
from tests.factories.label import close_call
from tests.factories.reviews import grid_for

S = ApplicationState
PASSWORD = "un-mot-de-passe-solide-2026"  # noqa: S105 -- the test applicant's password
STAFF_PASSWORD = "motdepasse-solide-2026"  # noqa: S105 -- the factories' test password
TITLE = "Forêt comestible de la cité 12"
SHARED_COMMENTS = [
    "Projet fédérateur, à faire connaître dans tout le bassin minier.",
    "Budget solide ; la stratégie de diffusion reste à préciser.",
]
PRIVATE_COMMENT = "Vérifier la convention d'occupation avec le bailleur."
# The machine running the suite may be busy: every wait is generous, none is a sleep.
TIMEOUT = 60_000


@pytest.fixture(autouse=True)
def _patient_expect():
    """`expect` waits as long as the pages do on a loaded machine, then back to its default."""
    expect.set_options(timeout=TIMEOUT)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture
def open_page(new_context):
    """A page in a new browser context: one per person, each with its own cookies."""

    def _open():
        page = new_context().new_page()
        page.set_default_timeout(TIMEOUT)
        page.set_default_navigation_timeout(TIMEOUT)
        return page

    return _open


def small_pdf(text):
    """A real one-page PDF (the financing plan the applicant attaches)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": text})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_text(path):
    """All the text of a downloaded PDF, pages joined."""
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def mail_link(to, template, pattern):
    """The path of the first link matching `pattern` in the last mail of `template` to `to`."""
    mail = OutboxMail.objects.filter(to=to, template=template).latest("created_at")
    match = re.search(pattern, mail.body_text)
    assert match, f"no link {pattern!r} in the mail {template!r}:\n{mail.body_text}"
    return urlsplit(match.group(0)).path


def main(page):
    return page.locator("main")


def field(page, name):
    """The control of the main content with this `name` (inputs, selects, textareas)."""
    return page.locator(f"main [name='{name}']")


def click_and_wait(page, locator):
    """Click a link or a submit button, and wait for the page it leads to."""
    with page.expect_navigation():
        locator.click()


def button(page, name):
    return main(page).get_by_role("button", name=name, exact=True)


def link(page, name):
    return main(page).get_by_role("link", name=name, exact=True)


def refreshed(application):
    application.refresh_from_db()
    return application


def last_event(application):
    return ApplicationEvent.objects.filter(application=application).latest("created_at", "pk")


def applicant_mails(user):
    """The mails of workflow events queued for the applicant, oldest first."""
    return list(
        OutboxMail.objects.filter(to=user.email, template="application_event")
        .order_by("created_at", "pk")
        .values_list("subject", flat=True)
    )


def log_in(page, user, *, next_path, password=STAFF_PASSWORD):
    """Log in with the form; staff and jury then type the code of their authenticator.

    The authenticator is enrolled in the database (its own pages have their tests): here the
    code is computed from the secret, as the phone application would.
    """
    device = None
    if otp.otp_required_for(user):
        device = otp.device_enrol(user=user, secret=otp.random_secret())
    page.goto(f"/comptes/connexion/?next={next_path}")
    field(page, "username").fill(user.email)
    field(page, "password").fill(password)
    click_and_wait(page, button(page, "Se connecter"))
    if device is not None:
        expect(page.locator("h1")).to_have_text("Vérification en deux étapes")
        field(page, "code").fill(otp.device_code(device))
        click_and_wait(page, button(page, "Vérifier"))
    expect(page).to_have_url(re.compile(re.escape(next_path) + "$"))


def open_from_dashboard(page):
    """Staff open the file from the table of their dashboard."""
    page.goto("/instruction/")
    click_and_wait(page, link(page, TITLE))


# --- The applicant -----------------------------------------------------------------------------


def sign_up_and_confirm(page):
    page.goto("/")
    click_and_wait(page, page.get_by_role("link", name="Créer un compte").first)
    field(page, "full_name").fill("Nadia Benali")
    field(page, "email").fill("nadia.benali@example.org")
    field(page, "organisation").fill("Association Cité Nature")
    field(page, "phone").fill("03 21 44 55 66")
    field(page, "password1").fill(PASSWORD)
    field(page, "password2").fill(PASSWORD)
    click_and_wait(page, button(page, "Créer mon compte"))
    expect(page.locator("h1")).to_have_text("Consultez votre messagerie")
    user = User.objects.get(email="nadia.benali@example.org")
    assert (user.is_active, user.email_confirmed_at) == (False, None)

    page.goto(mail_link(user.email, "account_confirm", r"https?://\S+/comptes/confirmer/\S+/"))
    expect(page.locator("[role=status], .alert").first).to_contain_text(
        "adresse e-mail est confirmée"
    )
    user.refresh_from_db()
    assert user.is_active and user.email_confirmed_at is not None

    field(page, "username").fill(user.email)
    field(page, "password").fill(PASSWORD)
    click_and_wait(page, button(page, "Se connecter"))
    return user


def fill_dossier(page, tmp_path):
    """From the applicant's area, a new draft and every section of the editor."""
    page.goto("/mon-espace/")
    click_and_wait(page, button(page, "Commencer une candidature"))
    expect(page.locator("h1")).to_have_text("Porteur du projet")

    # Porteur
    field(page, "holder_name").fill("Association Cité Nature")
    field(page, "holder_type").select_option(label="Association")
    field(page, "address").fill("3 rue des Mineurs")
    field(page, "postcode").fill("62750")
    field(page, "city").fill("Loos-en-Gohelle")
    field(page, "contact_name").fill("Nadia Benali")
    field(page, "contact_email").fill("nadia.benali@example.org")
    field(page, "contact_phone").fill("03 21 44 55 66")
    click_and_wait(page, button(page, "Enregistrer et continuer"))

    # Projet
    expect(page.locator("h1")).to_have_text("Le projet")
    field(page, "title").fill(TITLE)
    field(page, "summary").fill("Une forêt nourricière plantée et entretenue par les habitants.")
    field(page, "description").fill(
        "Sur une friche de la cité 12, les habitants plantent une forêt comestible : arbres "
        "fruitiers, petits fruits, vivaces, avec un verger-école pour les écoles du quartier."
    )
    main(page).get_by_label("Paysage, nature et biodiversité").check()
    main(page).get_by_label("Alimentation et agriculture").check()
    main(page).get_by_label("En définition").check()
    main(page).get_by_label("Rechercher une commune").fill("Loos")
    main(page).get_by_label(re.compile(r"^Loos-en-Gohelle")).check()
    click_and_wait(page, button(page, "Enregistrer et continuer"))

    # Contribution aux critères
    expect(page.locator("h1")).to_have_text("Contribution aux critères")
    field(page, "contribution_transition").fill("Biodiversité en ville et cohésion du quartier.")
    field(page, "contribution_feasibility").fill("Terrain prêté par le bailleur ; 40 bénévoles.")
    field(page, "contribution_diffusion").fill("Journées portes ouvertes et fiches pratiques.")
    field(page, "contribution_innovation").fill("Gestion partagée entre habitants et écoles.")
    click_and_wait(page, button(page, "Enregistrer et continuer"))

    # Partenaires, budget et calendrier
    expect(page.locator("h1")).to_have_text("Partenaires, budget et calendrier")
    field(page, "partners").fill("Bailleur Maisons & Cités, commune de Loos-en-Gohelle.")
    field(page, "total_cost").fill("18000")
    field(page, "financing_lines-0-source").fill("Région Hauts-de-France")
    field(page, "financing_lines-0-amount").fill("12000")
    field(page, "financing_lines-0-secured").check()
    field(page, "financing_lines-1-source").fill("Fonds propres")
    field(page, "financing_lines-1-amount").fill("6000")
    field(page, "milestones").fill("Automne : plantation ; printemps : premières récoltes.")
    field(page, "diffusion_strategy").fill("Presse locale, réseaux sociaux, visites.")
    field(page, "expected_support").fill("Mise en réseau avec d'autres jardins du label.")
    click_and_wait(page, button(page, "Enregistrer et continuer"))

    # Pièces jointes: a real PDF as the financing plan
    expect(page.locator("h1")).to_have_text("Pièces jointes")
    plan = tmp_path / "plan-de-financement.pdf"
    plan.write_bytes(small_pdf("Plan de financement — Forêt comestible"))
    field(page, "kind").select_option(label="Plan de financement")
    field(page, "file").set_input_files(plan)
    click_and_wait(page, button(page, "Ajouter la pièce"))
    expect(
        main(page).get_by_role("link", name="plan-de-financement.pdf", exact=True)
    ).to_be_visible()
    click_and_wait(page, link(page, "Continuer"))

    # Données personnelles
    expect(page.locator("h1")).to_have_text("Données personnelles")
    field(page, "consent").check()
    click_and_wait(page, button(page, "Enregistrer et voir le récapitulatif"))
    expect(page.locator("h1")).to_have_text("Récapitulatif du dossier")
    expect(main(page)).to_contain_text("Votre dossier est complet.")


def submit_and_download_receipt(page, application):
    click_and_wait(page, link(page, "Vérifier et déposer le dossier"))
    expect(page.locator("h1")).to_have_text("Déposer le dossier")
    click_and_wait(page, button(page, "Déposer définitivement le dossier"))
    reference = refreshed(application).reference
    expect(main(page)).to_contain_text(f"Votre dossier est déposé sous la référence {reference}")
    with page.expect_download() as download:
        link(page, "Télécharger le récépissé (PDF)").click()
    assert download.value.suggested_filename == f"recepisse-{reference}.pdf"
    return pdf_text(download.value.path())


def answer_completion_request(page, application, tmp_path):
    """From the mail's link: a support letter added, then the file filed again with a reply."""
    page.goto(
        mail_link(application.owner.email, "application_event", r"https?://\S+/mon-espace/\S+/")
    )
    expect(main(page)).to_contain_text("lettre de soutien de la commune")
    click_and_wait(page, link(page, "Modifier le dossier"))
    steps = page.get_by_role("navigation", name="Étapes du dossier")
    click_and_wait(page, steps.get_by_role("link", name=re.compile("Pièces jointes")))
    letter = tmp_path / "lettre-de-soutien.pdf"
    letter.write_bytes(small_pdf("Lettre de soutien de la commune"))
    field(page, "kind").select_option(label="Lettre de soutien")
    field(page, "file").set_input_files(letter)
    click_and_wait(page, button(page, "Ajouter la pièce"))
    expect(main(page).get_by_role("link", name="lettre-de-soutien.pdf", exact=True)).to_be_visible()
    click_and_wait(page, steps.get_by_role("link", name=re.compile("Récapitulatif")))
    click_and_wait(page, link(page, "Déposer à nouveau avec votre réponse"))
    expect(page.locator("h1")).to_have_text("Répondre à la demande de compléments")
    field(page, "reply").fill("La lettre de soutien de la commune est jointe au dossier.")
    click_and_wait(page, button(page, "Déposer à nouveau le dossier"))
    expect(main(page)).to_contain_text("Votre dossier complété est déposé")


# --- The test ----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_application_whole_life_from_sign_up_to_catalogue(page, open_page, roles, tmp_path):
    page.set_default_timeout(TIMEOUT)
    page.set_default_navigation_timeout(TIMEOUT)
    wave = WaveFactory(number=11)
    grid = grid_for(wave)
    staff = UserFactory(full_name="Claire Dumont", roles=[Role.APPLICANT, Role.INSTRUCTION])
    reviewers = [
        UserFactory(
            full_name=name, organisation=organisation, roles=[Role.APPLICANT, Role.REVIEWER]
        )
        for name, organisation in [
            ("Paul Lefort", "Université d'Artois"),
            ("Inès Caron", "CAUE du Pas-de-Calais"),
        ]
    ]
    jury = UserFactory(
        full_name="Marc Vasseur",
        organisation="Conseil de développement",
        roles=[Role.APPLICANT, Role.JURY],
    )

    # 1. The applicant signs up, confirms the address, logs in and fills the dossier.
    applicant = sign_up_and_confirm(page)
    fill_dossier(page, tmp_path)
    application = Application.objects.get(owner=applicant)
    assert application.state == S.DRAFT
    assert application.title == TITLE
    assert list(application.communes.values_list("insee_code", flat=True)) == ["62528"]
    assert sorted(application.themes) == ["alimentation", "nature"]
    assert application.total_cost == 18000
    assert len(application.answers["financing_lines"]) == 2
    plan = application.attachments.get()
    assert (plan.kind, plan.content_type) == (AttachmentKind.FINANCING_PLAN, "application/pdf")
    assert application.consent_given_at is not None

    # 2. The applicant files the dossier and downloads the receipt.
    receipt = submit_and_download_receipt(page, application)
    refreshed(application)
    assert application.state == S.SUBMITTED
    assert application.reference and application.reference in receipt
    assert last_event(application).transition == Transition.SUBMIT
    assert len(applicant_mails(applicant)) == 1

    # 3. Staff log in with their second factor and ask for a completion.
    staff_page = open_page()
    log_in(staff_page, staff, next_path="/instruction/")
    open_from_dashboard(staff_page)
    field(staff_page, "request_changes-message").fill(
        "Merci de joindre une lettre de soutien de la commune de Loos-en-Gohelle."
    )
    click_and_wait(staff_page, button(staff_page, "Envoyer la demande de compléments"))
    expect(main(staff_page)).to_contain_text("La demande de compléments est envoyée au porteur.")
    assert refreshed(application).state == S.CHANGES_REQUESTED
    event = last_event(application)
    assert (event.transition, event.actor) == (Transition.REQUEST_CHANGES, staff)
    assert len(applicant_mails(applicant)) == 2

    # 4. The applicant adds the document asked for and files the dossier again.
    answer_completion_request(page, application, tmp_path)
    assert refreshed(application).state == S.SUBMITTED
    event = last_event(application)
    assert (event.transition, event.actor) == (Transition.RESUBMIT, applicant)
    assert "lettre de soutien" in event.message
    assert application.attachments.filter(kind=AttachmentKind.SUPPORT_LETTER).count() == 1
    assert len(applicant_mails(applicant)) == 3

    # 5. Staff declare the file eligible with the checklist, then select it.
    open_from_dashboard(staff_page)
    eligibility = staff_page.locator("main form[action$='/recevable/']")
    for answer in eligibility.locator("input[type=radio][value=yes]").all():
        answer.check()
    click_and_wait(staff_page, button(staff_page, "Déclarer le dossier recevable"))
    expect(main(staff_page)).to_contain_text("Le dossier est déclaré recevable")
    assert refreshed(application).state == S.ELIGIBLE
    assert application.eligibility_checklist and all(application.eligibility_checklist.values())
    assert last_event(application).transition == Transition.DECLARE_ELIGIBLE
    assert len(applicant_mails(applicant)) == 4
    click_and_wait(staff_page, button(staff_page, "Retenir le dossier pour l'instruction"))
    expect(main(staff_page)).to_contain_text("Le dossier est retenu pour l'instruction.")
    assert refreshed(application).state == S.IN_REVIEW
    assert last_event(application).transition == Transition.SELECT_FOR_REVIEW
    assert len(applicant_mails(applicant)) == 5

    # 6. Staff put the two reviewers in a committee and assign them automatically.
    click_and_wait(
        staff_page, link(staff_page, "Attribuer des évaluateurs (conflits d'intérêts et charges)")
    )
    tabs = staff_page.get_by_role("navigation", name="Instruction de la vague")
    click_and_wait(staff_page, tabs.get_by_role("link", name="Comités"))
    field(staff_page, "kind").select_option(label="Cercle de qualité")
    field(staff_page, "name").fill("Cercle de qualité 2026")
    for reviewer in reviewers:
        main(staff_page).get_by_label(reviewer.full_name).check()
    click_and_wait(staff_page, button(staff_page, "Créer le comité"))
    expect(main(staff_page)).to_contain_text("Le comité « Cercle de qualité 2026 » est créé.")
    committee = Committee.objects.get(wave=wave)
    assert set(committee.members.all()) == set(reviewers)
    click_and_wait(staff_page, tabs.get_by_role("link", name="Attributions"))
    automatic = staff_page.get_by_role("region", name="Attribution automatique")
    automatic.get_by_label("Évaluateurs par dossier").fill("2")
    automatic.get_by_label("Date limite des évaluations").fill(
        (timezone.localdate() + timedelta(days=21)).isoformat()
    )
    automatic.get_by_label("Comité").select_option(label="Cercle de qualité 2026")
    click_and_wait(staff_page, button(staff_page, "Attribuer automatiquement"))
    expect(main(staff_page)).to_contain_text("2 attributions créées")
    assignments = Assignment.objects.filter(application=application)
    assert {assignment.reviewer for assignment in assignments} == set(reviewers)
    for reviewer in reviewers:
        assert OutboxMail.objects.filter(to=reviewer.email, template="reviewer_event").exists()

    # 7. Each reviewer accepts the confidentiality, declares no conflict and scores the grid.
    reviewing = [
        (reviewers[0], "4", "Favorable", SHARED_COMMENTS[0]),
        (reviewers[1], "3", "Favorable avec réserves", SHARED_COMMENTS[1]),
    ]
    for reviewer, value, opinion, shared_comment in reviewing:
        reviewer_page = open_page()
        log_in(reviewer_page, reviewer, next_path="/evaluations/")
        click_and_wait(reviewer_page, link(reviewer_page, f"Dossier {application.reference}"))
        field(reviewer_page, "confidentiality").check()
        field(reviewer_page, "no_conflict").check()
        click_and_wait(reviewer_page, button(reviewer_page, "J'accepte et j'ouvre le dossier"))
        expect(reviewer_page.locator("h1")).to_contain_text(
            f"Évaluation du dossier {application.reference}"
        )
        scores = reviewer_page.locator("main select[name^='score_']")
        expect(scores).to_have_count(len(grid))
        for score in scores.all():
            score.select_option(value)
        field(reviewer_page, "opinion").select_option(label=opinion)
        field(reviewer_page, "shared_comment").fill(shared_comment)
        field(reviewer_page, "private_comment").fill(PRIVATE_COMMENT)
        click_and_wait(reviewer_page, button(reviewer_page, "Remettre l'évaluation"))
        expect(main(reviewer_page)).to_contain_text("Votre évaluation est remise.")
        assignment = assignments.get(reviewer=reviewer)
        assert assignment.confidentiality_accepted_at is not None
        assert assignment.conflict_declared_at is None
        review = Review.objects.get(assignment=assignment)
        assert review.state == ReviewState.SUBMITTED
        assert {score.value for score in review.scores.all()} == {int(value)}
        reviewer_page.context.close()

    # 8. Staff send the file to the jury.
    open_from_dashboard(staff_page)
    click_and_wait(staff_page, button(staff_page, "Transmettre au jury"))
    expect(main(staff_page)).to_contain_text("Le dossier est transmis au jury.")
    assert refreshed(application).state == S.DELIBERATION
    assert last_event(application).transition == Transition.SEND_TO_JURY

    # 9. A jury member reads the file and both reviews; staff record the decision.
    jury_page = open_page()
    log_in(jury_page, jury, next_path="/jury/")
    click_and_wait(jury_page, link(jury_page, str(wave)))
    click_and_wait(jury_page, link(jury_page, application.reference))
    expect(main(jury_page)).to_contain_text("2 évaluations remises")
    jury_page.context.close()

    open_from_dashboard(staff_page)
    click_and_wait(staff_page, link(staff_page, "Dossier du jury et décision"))
    main(staff_page).get_by_label("Catégorie 1 — Label attribué").check()
    field(staff_page, "motivation").fill(
        "Un projet exemplaire de nature en ville, porté par les habitants."
    )
    main(staff_page).get_by_label(SHARED_COMMENTS[0]).check()
    click_and_wait(staff_page, button(staff_page, "Enregistrer la décision"))
    expect(main(staff_page)).to_contain_text("La décision est enregistrée.")
    decision = JuryDecision.objects.get(application=application)
    assert (decision.outcome, decision.announced_at) == (JuryOutcome.LABEL, None)
    assert decision.shared_reviews.count() == 1
    # Until the announcement, the applicant sees nothing of it.
    page.goto(f"/mon-espace/candidatures/{application.pk}/")
    expect(main(page)).not_to_contain_text("Un projet exemplaire")
    assert refreshed(application).state == S.DELIBERATION
    assert len(applicant_mails(applicant)) == 5

    # 10. The call has closed (results are announced only then); staff announce the wave's
    # results: labelled, certificate rendered, in the catalogue.
    close_call(wave)
    open_from_dashboard(staff_page)
    click_and_wait(staff_page, link(staff_page, "Annonce des résultats de la vague"))
    field(staff_page, "confirm").check()
    click_and_wait(staff_page, button(staff_page, "Annoncer les résultats"))
    expect(main(staff_page)).to_contain_text("1 décision annoncée")
    refreshed(application)
    assert application.state == S.LABELLED
    assert application.announced_at is not None
    assert last_event(application).transition == Transition.ANNOUNCE
    assert len(applicant_mails(applicant)) == 6
    certificate = Certificate.objects.get(application=application)
    assert certificate.is_rendered
    entry = CatalogueEntry.objects.get(source_application=application)
    assert entry.is_published and entry.name == TITLE
    staff_page.context.close()

    # 11. The applicant reads the decision from the mail and downloads the certificate.
    page.goto(mail_link(applicant.email, "application_event", r"https?://\S+/mon-espace/\S+/"))
    expect(main(page)).to_contain_text("Un projet exemplaire de nature en ville")
    expect(main(page)).to_contain_text(SHARED_COMMENTS[0])
    # Only the comment the jury chose to share; never a reviewer's name or private comment.
    for hidden in [SHARED_COMMENTS[1], PRIVATE_COMMENT, *(r.full_name for r in reviewers)]:
        expect(main(page)).not_to_contain_text(hidden)
    assert refreshed(application).decision_read_at is not None
    with page.expect_download() as download:
        link(page, "Télécharger le certificat (PDF)").click()
    certificate_text = pdf_text(download.value.path())
    assert certificate.number in certificate_text
    verification = re.search(r"/verifier/[\w-]+/", re.sub(r"\s+", "", certificate_text))
    assert verification, certificate_text
    assert verification.group(0) == f"/verifier/{certificate.token}/"

    # 12. Anyone opens the verification address, the catalogue and the API.
    visitor = open_page()
    visitor.goto(verification.group(0))
    expect(main(visitor)).to_contain_text("Certificat valide")
    expect(main(visitor)).to_contain_text(TITLE)
    visitor.goto("/projets/")
    field(visitor, "q").fill("forêt comestible")
    click_and_wait(visitor, button(visitor, "Afficher les projets"))
    click_and_wait(visitor, link(visitor, TITLE))
    expect(visitor.locator("h1")).to_have_text(TITLE)
    assert visitor.url.endswith(f"/projets/{entry.slug}/")
    answer = visitor.request.get("/api/projects?q=for%C3%AAt%20comestible")
    assert answer.status == 200
    records = json.loads(answer.text())["results"]
    assert [(record["slug"], record["name"]) for record in records] == [(entry.slug, TITLE)]
