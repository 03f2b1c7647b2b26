"""The living demo: accounts, an announced 10th wave and the open 11th wave with files in
every state, built only through the project's workflow and service functions.

Everything is fixed (names, texts, dates relative to today in Europe/Paris), and each step
first looks for what it would create, so running the demo twice changes nothing. The only
direct writes are the demo accounts and the wave's call dates (the settings staff edit on
the wave page): states, references, history rows, reviews, decisions, certificates and
mails all come from the workflow.
"""

import base64
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts import otp
from applications import services as application_services
from applications import workflow
from applications.enums import ApplicationState, AttachmentKind
from applications.models import Application
from booklets.models import Booklet
from booklets.services import (
    booklet_generate,
    booklet_introduction_save,
    booklet_publish,
    booklet_request,
)
from certificates.models import Certificate, CertificateStatus
from certificates.services import certificate_render
from demo.photos import catalogue_photos_ensure
from label import services as label_services
from label.enums import Role
from label.models import Commune, User, Wave
from reviews.assignment.services import (
    assignment_accept,
    assignment_create,
    assignment_declare_conflict,
)
from reviews.enums import JuryOutcome, Opinion
from reviews.jury.services import jury_decision_record, send_to_jury
from reviews.jury.workflow import label_revoke, wave_announce
from reviews.models import Committee, Criterion, JuryMember
from reviews.models.criteria import default_grid_create
from reviews.scoring.selectors import criterion_list_for_wave
from reviews.scoring.workflow import review_save_draft, review_submit

DEMO_PASSWORD = "demo-euralens"  # noqa: S105 -- published demo password, local use only
# The demo second factor of the staff and jury accounts: base32 of a fixed 20-byte phrase,
# published in the README so that the four accounts can be tried at once (demo only).
DEMO_TOTP_SECRET = base64.b32encode(b"label-euralens-demo!").decode("ascii")

APPLICANT = "candidat@example.org"
STAFF = "instruction@example.org"
REVIEWER = "expert@example.org"
JURY = "jury@example.org"
# A second reviewer without a published password: files get two reviews, and one of them
# can stand when the demo reviewer declares a conflict.
SECOND_REVIEWER = "claire.evaluatrice@example.org"

DEMO_ACCOUNTS = [
    (APPLICANT, "Camille Candidat", "Association Terre d'Artois", Role.APPLICANT),
    (STAFF, "Inès Instruction", "Pôle Métropolitain de l'Artois", Role.INSTRUCTION),
    (REVIEWER, "Émile Expert", "Cercle de qualité", Role.REVIEWER),
    (JURY, "Julie Jury", "Pôle Métropolitain de l'Artois", Role.JURY),
]
# The accounts whose second factor the demo enrols.
OTP_ACCOUNTS = (STAFF, JURY)

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass
class DemoFile:
    """One demo application: who holds it, what it is, and how far it goes."""

    title: str
    holder: str
    commune: str  # INSEE code
    goal: str  # a key of the steps below
    owner: str = ""  # empty: a holder account of its own, without a published password
    outcome: str = ""  # the jury's outcome, for the files that reach a decision
    atouts: str = ""  # the strengths the jury names (certificate, convention, cahier)
    extra: dict = field(default_factory=dict)


# The 10th wave: every file reaches the jury; the announcement gives each its outcome.
WAVE_10_FILES = [
    DemoFile(
        "Ressourcerie du Lensois",
        "Association Terre d'Artois",
        "62498",
        "decided",
        owner=APPLICANT,
        outcome=JuryOutcome.LABEL,
        atouts=(
            "Un lieu de réemploi ouvert à tous, qui forme et emploie des personnes éloignées "
            "de l'emploi ; un réseau de collecte déjà installé dans six communes."
        ),
    ),
    DemoFile(
        "Jardins partagés de la cité 12",
        "Collectif des jardiniers de la cité 12",
        "62510",
        "decided",
        outcome=JuryOutcome.LABEL,
        atouts=(
            "Des habitants qui cultivent ensemble le cœur d'une cité minière ; des ateliers "
            "avec les écoles du quartier."
        ),
    ),
    DemoFile(
        "Vélo-école de Liévin",
        "Association Roulons ensemble",
        "62510",
        "decided",
        outcome=JuryOutcome.ESPOIRS,
        atouts="Une école du vélo pour adultes, adossée aux futurs aménagements cyclables.",
    ),
    DemoFile(
        "Café des aidants de Bruay",
        "Maison des aidants de l'Artois",
        "62178",
        "decided",
        outcome=JuryOutcome.DEFERRED,
    ),
    DemoFile(
        "Serre solaire d'Hénin-Beaumont",
        "SARL Soleil du Nord",
        "62427",
        "decided",
        outcome=JuryOutcome.REFUSED,
    ),
    DemoFile(
        "Atelier de réparation de Carvin",
        "Association Répar'Carvin",
        "62215",
        "revoked",
        outcome=JuryOutcome.LABEL,
    ),
]

# The open 11th wave: a dozen files spread over every state a file can reach before the
# announcement (labelled, deferred, refused and revoked are shown by the 10th wave).
WAVE_11_FILES = [
    DemoFile(
        "Fresque participative de Lens",
        "Association Terre d'Artois",
        "62498",
        "draft",
        owner=APPLICANT,
    ),
    DemoFile("Boîte à livres d'Avion", "Comité des fêtes d'Avion", "62065", "submitted"),
    DemoFile(
        "Composteurs collectifs de Liévin",
        "Association Terre d'Artois",
        "62510",
        "changes_requested",
        owner=APPLICANT,
    ),
    DemoFile("Repair café d'Harnes", "Association Harnes en transition", "62413", "resubmitted"),
    DemoFile("Vente de véhicules d'occasion", "Garage du Centre", "62498", "ineligible"),
    DemoFile(
        "Ateliers cuisine anti-gaspi de Béthune",
        "Épicerie solidaire de Béthune",
        "62119",
        "eligible",
    ),
    DemoFile("Fête de quartier de Noyelles", "Amicale laïque de Noyelles", "62628", "not_selected"),
    DemoFile(
        "Potager pédagogique de Bully",
        "École Jean-Jaurès de Bully-les-Mines",
        "62186",
        "review_pending",
    ),
    DemoFile(
        "Recyclerie de Billy-Berclau", "Association Billy recycle", "62132", "review_conflict"
    ),
    DemoFile("Navettes douces d'Éleu", "Commune d'Éleu-dit-Leauwette", "62291", "reviews_in"),
    DemoFile(
        "Forêt urbaine de Loos-en-Gohelle",
        "Association Loos en forêt",
        "62528",
        "decision_pending",
        outcome=JuryOutcome.LABEL,
    ),
    DemoFile("Tiers-lieu de Noeux-les-Mines", "Coopérative La Fabrique", "62617", "deliberation"),
    DemoFile(
        "Marché de producteurs de Douvrin",
        "Association Douvrin en circuit court",
        "62276",
        "withdrawn",
    ),
]

# What the demo covers: each state, and where it is shown.
DEMOED_STATES = {
    ApplicationState.DRAFT: 11,
    ApplicationState.SUBMITTED: 11,
    ApplicationState.CHANGES_REQUESTED: 11,
    ApplicationState.INELIGIBLE: 11,
    ApplicationState.ELIGIBLE: 11,
    ApplicationState.NOT_SELECTED: 11,
    ApplicationState.IN_REVIEW: 11,
    ApplicationState.DELIBERATION: 11,
    ApplicationState.WITHDRAWN: 11,
    # Only an announcement reaches these, and a wave is announced after its call closes.
    ApplicationState.LABELLED: 10,
    ApplicationState.DEFERRED: 10,
    ApplicationState.REFUSED: 10,
    ApplicationState.REVOKED: 10,
}


def _paris(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


# --- Accounts ---------------------------------------------------------------------------------


def accounts_ensure():
    """The four demo accounts with their roles (a changed password is kept)."""
    label_services.role_groups_ensure()
    for email, full_name, organisation, role in DEMO_ACCOUNTS:
        user = _user(email, full_name, organisation, password=DEMO_PASSWORD)
        label_services.user_grant_role(user=user, role=Role.APPLICANT)
        label_services.user_grant_role(user=user, role=role)
        if role == Role.INSTRUCTION and not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
    reviewer = _user(SECOND_REVIEWER, "Claire Évaluatrice", "Cercle de qualité")
    label_services.user_grant_role(user=reviewer, role=Role.APPLICANT)
    label_services.user_grant_role(user=reviewer, role=Role.REVIEWER)


def _user(email, full_name, organisation, *, password=None):
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "full_name": full_name,
            "organisation": organisation,
            "email_confirmed_at": timezone.now(),
        },
    )
    if created:
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def second_factors_ensure():
    """Enrol the demo second factor of the staff and jury accounts; returns their emails.

    The device gets the printed demo secret, and recovery codes as after an enrolment. An
    account already enrolled keeps its device.
    """
    enrolled = []
    for email in OTP_ACCOUNTS:
        user = User.objects.get(email=email)
        if otp.device_get_confirmed(user) is None:
            otp.device_enrol(user=user, secret=DEMO_TOTP_SECRET)
            otp.recovery_codes_renew(user=user)
        enrolled.append(email)
    return enrolled


# --- Waves ------------------------------------------------------------------------------------


def _wave_ensure(*, number, opens_at, closes_at, title, **extra):
    wave = Wave.objects.filter(number=number).first()
    if wave is not None:
        return wave, False
    wave = label_services.wave_create(
        data={
            "number": number,
            "year": closes_at.year,
            "title": title,
            "opens_at": opens_at,
            "closes_at": closes_at,
            "ceremony_place": "Louvre-Lens",
            "signatory_name": "Le Président du Pôle Métropolitain de l'Artois",
            "signatory_title": "Président",
            "introduction": (
                f"Le Pôle Métropolitain de l'Artois ouvre la {number}e vague du Label Euralens : "
                "associations, habitants, collectivités, entreprises et bailleurs sont invités "
                "à présenter les projets qui portent la transition écologique et sociale du "
                "territoire."
            ),
            "eligibility_text": (
                "Tout porteur de projet situé dans l'une des 150 communes du Pôle Métropolitain "
                "de l'Artois, capable de mener son projet à bien."
            ),
            **extra,
        }
    )
    return wave, True


def review_setup_ensure(wave):
    """The wave's default grid, the two demo reviewers on its Cercle de qualité, and its
    jury: the demo jury account, as its president."""
    default_grid_create(Criterion, wave)
    committee, _created = Committee.objects.get_or_create(
        wave=wave, name="Cercle de qualité", defaults={"kind": "quality"}
    )
    committee.members.add(*User.objects.filter(email__in=(REVIEWER, SECOND_REVIEWER)))
    JuryMember.objects.get_or_create(
        wave=wave, user=User.objects.get(email=JURY), defaults={"president": True}
    )
    return committee


def announced_wave_ensure():
    """The 10th wave, announced: its files were filed while open, reviewed, decided, and the
    call closed before the announcement; labelled projects get their certificates.

    Built only on a database without a 10th wave, before the 11th is opened (one open call
    at a time). Returns the wave, or None when the 11th wave exists without it (a database
    seeded by an older demo: start from an empty database to get it).
    """
    existing = Wave.objects.filter(number=10).first()
    if existing is not None:
        return existing
    if Wave.objects.filter(number=11).exists():
        return None
    today = timezone.localdate()
    # Open while its files are filed (the guard of `submit` reads the clock), then the call
    # is closed a year back, as staff would set it on the wave page.
    wave, _created = _wave_ensure(
        number=10,
        title="Label Euralens — 10e vague",
        opens_at=_paris(today - timedelta(days=420), 9),
        closes_at=_paris(today, 23, 59),
    )
    review_setup_ensure(wave)
    for demo_file in WAVE_10_FILES:
        _application_ensure(wave, demo_file)
    wave.closes_at = _paris(today - timedelta(days=330), 23, 59)
    wave.year = wave.closes_at.year
    wave.ceremony_on = today - timedelta(days=250)
    wave.full_clean()
    wave.save(update_fields=["closes_at", "year", "ceremony_on"])
    staff = User.objects.get(email=STAFF)
    wave_announce(wave=wave, by=staff)
    revoked = Application.objects.get(wave=wave, title="Atelier de réparation de Carvin")
    label_revoke(
        application=revoked,
        by=staff,
        motivation=(
            "L'atelier a cessé son activité et la convention de labellisation n'est plus respectée."
        ),
    )
    return wave


def open_wave_ensure():
    """The 11th wave, open from two weeks ago until three months from now (Paris time),
    with its dozen files."""
    today = timezone.localdate()
    wave, _created = _wave_ensure(
        number=11,
        title="Label Euralens — 11e vague",
        opens_at=_paris(today - timedelta(days=14), 9),
        closes_at=_paris(today + timedelta(days=90), 23, 59),
    )
    review_setup_ensure(wave)
    for demo_file in WAVE_11_FILES:
        _application_ensure(wave, demo_file)
    return wave


def certificates_render_pending():
    """Render now the certificates the announcement issued (no worker needed for the demo)."""
    pending = Certificate.objects.filter(status=CertificateStatus.PENDING).order_by("pk")
    for certificate_id in pending.values_list("pk", flat=True):
        certificate_render(certificate_id=certificate_id)


# --- Applications -----------------------------------------------------------------------------


def _slug(text):
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = "".join(c if c.isalnum() else " " for c in ascii_text.lower()).split()
    return "-".join(words)[:40].strip("-")


def _owner(demo_file):
    if demo_file.owner:
        return User.objects.get(email=demo_file.owner)
    email = f"porteur.{_slug(demo_file.holder)}@example.org"
    user = _user(email, f"Contact {demo_file.holder}", demo_file.holder)
    label_services.user_grant_role(user=user, role=Role.APPLICANT)
    return user


def _dossier_fill(application, owner, demo_file):
    """Fill every section of the dossier as the applicant would, section by section."""
    commune = Commune.objects.get(insee_code=demo_file.commune)
    sections = {
        "porteur": {
            "holder_name": demo_file.holder,
            "holder_type": "association",
            "address": f"1 place de la Mairie, {commune.name}",
            "contact_name": owner.full_name,
            "contact_email": owner.email,
            "contact_phone": "03 21 00 00 00",
        },
        "projet": {
            "title": demo_file.title,
            "summary": f"{demo_file.title} : un projet porté par {demo_file.holder}.",
            "description": (
                f"{demo_file.title} rassemble les habitants de {commune.name} autour d'une "
                "action concrète de transition écologique et sociale."
            ),
            "themes": ["nature", "alimentation"],
            "stage": "definition",
            "communes": [commune],
        },
        "contribution": {
            "contribution_transition": "Moins de déchets, plus de lien social.",
            "contribution_feasibility": "Un local prêté par la commune et une équipe bénévole.",
            "contribution_diffusion": "Portes ouvertes mensuelles et guide méthodologique.",
            "contribution_innovation": "Une gouvernance partagée avec les habitants.",
        },
        "budget": {
            "partners": f"Commune de {commune.name}, Région Hauts-de-France.",
            "total_cost": Decimal("48500.00"),
            "financing_lines": [
                {
                    "source": "Région Hauts-de-France",
                    "amount": Decimal("30000.00"),
                    "secured": True,
                },
                {"source": "Fonds propres", "amount": Decimal("18500.00"), "secured": True},
            ],
            "milestones": "Printemps : chantier participatif ; automne : inauguration.",
            "diffusion_strategy": "Réseaux sociaux, presse locale et bulletin municipal.",
            "expected_support": "Mise en réseau et visibilité.",
        },
        "consentement": {"consent": True},
    }
    for section, values in sections.items():
        application = application_services.application_update_section(
            application=application, by=owner, section=section, values=values
        )
    application_services.attachment_add(
        application=application,
        by=owner,
        kind=AttachmentKind.FINANCING_PLAN,
        upload=SimpleUploadedFile(
            "plan-de-financement.pdf", MINIMAL_PDF, content_type="application/pdf"
        ),
    )
    return application


def _review(application, reviewer, *, due_on, submit=True, opinion=Opinion.FAVORABLE):
    staff = User.objects.get(email=STAFF)
    assignment = assignment_create(
        application=application, reviewer=reviewer, due_on=due_on, by=staff
    )
    assignment_accept(assignment=assignment, by=reviewer)
    criteria = criterion_list_for_wave(application.wave_id)
    scores = {
        c.pk: {"value": c.scale_max - (i % 2), "comment": "Conforme aux attendus."}
        for i, c in enumerate(criteria)
    }
    if submit:
        review_submit(
            assignment=assignment,
            by=reviewer,
            scores=scores,
            opinion=opinion,
            shared_comment="Un projet solide, ancré dans son quartier.",
            private_comment="Vérifier la pérennité du financement régional.",
        )
    else:
        review_save_draft(assignment=assignment, by=reviewer, scores=dict(list(scores.items())[:3]))
    return assignment


def _application_ensure(wave, demo_file):
    """Take one demo file from a new draft to its goal, unless it already exists."""
    existing = Application.objects.filter(wave=wave, title=demo_file.title).first()
    if existing is not None:
        return existing
    owner = _owner(demo_file)
    staff = User.objects.get(email=STAFF)
    reviewer = User.objects.get(email=REVIEWER)
    second = User.objects.get(email=SECOND_REVIEWER)
    today = timezone.localdate()
    goal = demo_file.goal

    application = workflow.application_create(wave=wave, by=owner)
    if goal == "draft":
        # A draft half done: the holder and the project, not yet the budget.
        return application_services.application_update_section(
            application=application,
            by=owner,
            section="projet",
            values={"title": demo_file.title, "summary": "Une fresque peinte avec les habitants."},
        )
    application = _dossier_fill(application, owner, demo_file)
    application = workflow.application_submit(application=application, by=owner)
    if goal == "submitted":
        return application
    if goal in ("changes_requested", "resubmitted"):
        application = workflow.application_request_changes(
            application=application,
            by=staff,
            message="Merci de joindre les devis des travaux annoncés dans le plan de financement.",
            deadline=today + timedelta(days=15),
        )
        if goal == "changes_requested":
            return application
        return workflow.application_resubmit(
            application=application, by=owner, reply="Les devis sont joints au plan de financement."
        )
    if goal == "ineligible":
        return workflow.application_declare_ineligible(
            application=application,
            by=staff,
            motivation="Une activité commerciale courante n'est pas un projet de transition.",
        )
    application = workflow.application_declare_eligible(
        application=application,
        by=staff,
        checklist={code: True for code, _label in wave.eligibility_checklist_items()},
        note="Pièces vérifiées.",
    )
    if goal == "eligible":
        return application
    if goal == "not_selected":
        return workflow.application_not_select(
            application=application,
            by=staff,
            motivation="Le projet est ponctuel : il relève plutôt du soutien aux associations.",
        )
    if goal == "withdrawn":
        return workflow.application_withdraw(application=application, by=owner)
    application = workflow.application_select_for_review(application=application, by=staff)
    due_on = today + timedelta(days=21)
    if goal == "review_pending":
        _review(application, reviewer, due_on=due_on, submit=False)
        _review(application, second, due_on=due_on)
        return application
    if goal == "review_conflict":
        assignment = assignment_create(
            application=application, reviewer=reviewer, due_on=due_on, by=staff
        )
        assignment_declare_conflict(
            assignment=assignment,
            by=reviewer,
            reason="Je siège au conseil d'administration de l'association porteuse.",
        )
        _review(application, second, due_on=due_on)
        return application
    _review(application, reviewer, due_on=due_on)
    _review(application, second, due_on=due_on, opinion=Opinion.FAVORABLE_WITH_RESERVATIONS)
    if goal == "reviews_in":
        return application
    application = send_to_jury(application=application, by=staff)
    if goal == "deliberation":
        return application
    jury_decision_record(
        application=application,
        by=staff,
        outcome=demo_file.outcome,
        motivation="Le jury salue un projet exemplaire, ancré dans son territoire.",
        atouts=demo_file.atouts or None,
    )
    return Application.objects.get(pk=application.pk)


def followup_ensure():
    """One labelled demo project in follow-up: its convention accepted, a first report sent.

    Safe to run again: nothing is added once a convention of the demo is accepted.
    """
    from followup.models import Convention
    from followup.reports import (
        first_report_year,
        indicator_add,
        report_get_or_create_draft,
        report_save_draft,
        report_send,
    )
    from followup.services import convention_accept, convention_get_or_create

    if Convention.objects.filter(accepted_at__isnull=False).exists():
        return None
    application = (
        Application.objects.filter(state=ApplicationState.LABELLED)
        .select_related("owner", "wave")
        .order_by("pk")
        .first()
    )
    if application is None:
        return None
    holder = application.owner
    convention = convention_accept(
        convention=convention_get_or_create(application),
        by=holder,
        name=holder.full_name,
        capacity="Président·e de la structure porteuse",
    )
    volunteers = indicator_add(
        application=application, by=holder, name="Bénévoles", unit="personnes"
    )
    plots = indicator_add(
        application=application, by=holder, name="Parcelles attribuées", unit="parcelles"
    )
    report = report_get_or_create_draft(
        application=application, year=first_report_year(application), by=holder
    )
    report_save_draft(
        report=report,
        by=holder,
        achievements="Deux friches aménagées en jardins, une fête des récoltes ouverte à tous.",
        difficulties="Un été sec : l'arrosage a demandé plus de bénévoles que prévu.",
        values={volunteers.pk: 37, plots.pk: 24},
    )
    report_send(report=report, by=holder)
    return convention


BOOKLET_INTRODUCTION = (
    "Chaque année, le Label Euralens distingue des projets qui font la transition écologique "
    "et sociale du territoire du Pôle Métropolitain de l'Artois.\n\n"
    "Ce cahier présente les projets labellisés de la 10e vague : qui les porte, où ils se "
    "trouvent, et ce que le jury a retenu de chacun."
)


def booklet_ensure():
    """The 10th wave's Cahier du label, generated now and published, so that
    /projets/cahiers/ shows one; nothing is done once the wave has a version."""
    wave = Wave.objects.get(number=10)
    if Booklet.objects.filter(wave=wave).exists():
        return None
    staff = User.objects.get(email=STAFF)
    booklet_introduction_save(wave=wave, introduction=BOOKLET_INTRODUCTION, by=staff)
    booklet = booklet_request(wave=wave, by=staff)
    # Generated here rather than by the worker: the demo must have it at once.
    booklet = booklet_generate(booklet_id=booklet.pk) or booklet
    booklet.refresh_from_db()
    return booklet_publish(booklet=booklet, by=staff) if booklet.is_done else booklet


def demo_build():
    """Build the whole demo (accounts, second factors, both waves); safe to run again.

    Returns the emails whose second factor is the demo one.
    """
    accounts_ensure()
    enrolled = second_factors_ensure()
    announced_wave_ensure()
    followup_ensure()
    catalogue_photos_ensure(User.objects.get(email=STAFF))
    booklet_ensure()
    open_wave_ensure()
    return enrolled
