"""seed_demo: the demo accounts, the announced 10th wave, the open 11th wave with files in
every state, the communes; built through the workflow; idempotent; local only."""

import time
from io import StringIO

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from pypdf import PdfReader

from accounts import otp
from applications.enums import ApplicationState, Transition
from applications.models import Application
from booklets.models import Booklet, BookletStatus
from certificates.models import Certificate, CertificateStatus
from demo import seed
from label.enums import Role, WavePhase
from label.models import Commune, OutboxMail, User, Wave
from reviews.enums import ReviewState
from reviews.models import Assignment, JuryDecision, JuryMember, Review

pytestmark = pytest.mark.django_db

DEMO_ROLES = {
    "candidat@example.org": {Role.APPLICANT},
    "instruction@example.org": {Role.APPLICANT, Role.INSTRUCTION},
    "expert@example.org": {Role.APPLICANT, Role.REVIEWER},
    "jury@example.org": {Role.APPLICANT, Role.JURY},
}


def _seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def _demo_state():
    users = User.objects.filter(email__in=DEMO_ROLES).order_by("email")
    return {
        "users": [
            (u.email, u.password, frozenset(u.groups.values_list("name", flat=True))) for u in users
        ],
        "waves": list(Wave.objects.values_list("pk", "number", "opens_at", "closes_at")),
        "communes": Commune.objects.count(),
    }


def test_seed_demo_creates_the_four_accounts_with_their_roles():
    output = _seed("--force")

    assert "Demo data ready" in output
    for email, roles in DEMO_ROLES.items():
        user = User.objects.get(email=email)
        assert user.is_active
        assert user.email_confirmed_at is not None
        assert set(user.groups.values_list("name", flat=True)) == {r.value for r in roles}
        request = RequestFactory().post("/comptes/connexion/", REMOTE_ADDR="127.0.0.1")
        assert authenticate(request, username=email, password="demo-euralens") == user
    assert User.objects.get(email="instruction@example.org").is_staff is True
    assert User.objects.get(email="candidat@example.org").is_staff is False
    assert not User.objects.filter(is_superuser=True).exists()


def test_seed_demo_opens_the_eleventh_wave_and_loads_the_150_communes():
    _seed("--force")

    wave = Wave.objects.get(number=11)
    assert wave.phase == WavePhase.OPEN
    assert Wave.objects.current() == wave
    assert Commune.objects.count() == 150
    assert Commune.objects.filter(name="Lens", epci="CALL").exists()


def test_seed_demo_twice_changes_nothing():
    _seed("--force")
    first = _demo_state()

    _seed("--force")

    assert _demo_state() == first
    assert User.objects.filter(email__in=DEMO_ROLES).count() == 4
    assert Wave.objects.filter(number=11).count() == 1


def test_seed_demo_keeps_a_changed_demo_password():
    _seed("--force")
    user = User.objects.get(email="jury@example.org")
    user.set_password("change-par-la-presidente")
    user.save()

    _seed("--force")

    user.refresh_from_db()
    assert user.check_password("change-par-la-presidente")


def test_seed_demo_refuses_with_debug_off_and_creates_nothing(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        _seed()

    assert not User.objects.filter(email__in=DEMO_ROLES).exists()
    assert not Wave.objects.exists()


def test_seed_demo_runs_with_debug_on_without_force(settings):
    settings.DEBUG = True

    _seed()

    assert User.objects.filter(email__in=DEMO_ROLES).count() == 4


# --- The living demo: both waves, built through the workflow ------------------------------


def _row_counts():
    """Rows of every model of the project, by model label."""
    return {
        model._meta.label: model._default_manager.count()
        for model in django_apps.get_models()
        if model._meta.app_label
        in {"label", "accounts", "applications", "reviews", "certificates", "catalogue"}
    }


def test_seed_demo_twice_leaves_every_table_as_it_was():
    _seed("--force")
    first = _row_counts()

    _seed("--force")

    assert _row_counts() == first
    assert first["applications.Application"] == len(seed.WAVE_10_FILES) + len(seed.WAVE_11_FILES)


def test_seed_demo_shows_every_state_in_the_wave_that_the_design_says():
    _seed("--force")

    states_by_wave = {
        number: set(Application.objects.filter(wave__number=number).values_list("state", flat=True))
        for number in (10, 11)
    }

    # Every state is demoed, and where DEMOED_STATES says: the four that only an
    # announcement reaches are in the announced 10th wave, all others in the open 11th.
    assert set(seed.DEMOED_STATES) == set(ApplicationState)
    for state, number in seed.DEMOED_STATES.items():
        assert state in states_by_wave[number], (state, number)
    assert len(Application.objects.filter(wave__number=11)) >= 12


def test_seed_demo_builds_files_through_the_workflow():
    _seed("--force")

    wave = Wave.objects.get(number=11)
    filed = Application.objects.filter(wave=wave).exclude(state=ApplicationState.DRAFT)
    for application in filed:
        assert application.reference.startswith("EL11-")
        assert application.events.filter(transition=Transition.SUBMIT).exists()
    refiled = Application.objects.get(wave=wave, title="Repair café d'Harnes")
    assert list(refiled.events.order_by("pk").values_list("transition", flat=True)) == [
        Transition.CREATE,
        Transition.SUBMIT,
        Transition.REQUEST_CHANGES,
        Transition.RESUBMIT,
    ]
    # Mails of the moves are real outbox rows, to the holders.
    assert OutboxMail.objects.filter(to=refiled.owner.email).count() >= 3


def test_seed_demo_gives_every_role_work_in_the_open_wave():
    _seed("--force")
    wave = Wave.objects.get(number=11)
    expert = User.objects.get(email="expert@example.org")

    pending = Review.objects.get(
        assignment__reviewer=expert, assignment__application__title="Potager pédagogique de Bully"
    )
    assert pending.state == ReviewState.DRAFT
    assert Review.objects.filter(
        assignment__reviewer=expert,
        assignment__application__wave=wave,
        state=ReviewState.SUBMITTED,
    ).exists()
    conflict = Assignment.objects.get(
        reviewer=expert, application__title="Recyclerie de Billy-Berclau"
    )
    assert conflict.conflict_declared_at is not None
    decision = JuryDecision.objects.get(application__title="Forêt urbaine de Loos-en-Gohelle")
    assert decision.announced_at is None
    assert decision.application.state == ApplicationState.DELIBERATION
    assert Application.objects.filter(
        wave=wave, state=ApplicationState.DELIBERATION, jury_decision__isnull=True
    ).exists()
    jury = JuryMember.objects.get(wave=wave)
    assert (jury.user.email, jury.president) == ("jury@example.org", True)
    mine = Application.objects.filter(owner__email="candidat@example.org")
    assert set(mine.values_list("state", flat=True)) >= {
        ApplicationState.DRAFT,
        ApplicationState.CHANGES_REQUESTED,
        ApplicationState.LABELLED,
    }


def test_seed_demo_announces_the_tenth_wave_with_rendered_certificates():
    _seed("--force")

    wave = Wave.objects.get(number=10)
    assert wave.phase == WavePhase.ANNOUNCED
    assert wave.closes_at < wave.results_announced_at
    labelled = Application.objects.filter(wave=wave, state=ApplicationState.LABELLED)
    assert labelled.count() == 3
    for application in labelled:
        certificate = Certificate.objects.get(application=application)
        assert certificate.status == CertificateStatus.RENDERED
        with certificate.file.open("rb") as handle:
            text = " ".join(page.extract_text() for page in PdfReader(handle).pages)
        assert certificate.number in text
    revoked = Application.objects.get(wave=wave, state=ApplicationState.REVOKED)
    assert revoked.events.filter(transition=Transition.REVOKE).exists()


def test_seed_demo_enrols_the_demo_second_factor_of_staff_and_jury():
    output = _seed("--force")

    assert seed.DEMO_TOTP_SECRET in output
    for email in ("instruction@example.org", "jury@example.org"):
        user = User.objects.get(email=email)
        device = otp.device_get_confirmed(user)
        assert otp.base32_secret(device) == seed.DEMO_TOTP_SECRET
        assert otp.device_verify(
            user=user, code=otp.totp(seed.DEMO_TOTP_SECRET, at=_later()), at=_later()
        )
    assert otp.device_get_confirmed(User.objects.get(email="candidat@example.org")) is None


def _later():
    # A step after the one used to confirm the device, which may not be used twice.
    return time.time() + otp.STEP_SECONDS


def test_seed_demo_publishes_the_cahier_of_the_tenth_wave_with_the_jurys_atouts():
    _seed("--force")

    booklet = Booklet.objects.get(wave__number=10)
    assert booklet.published_at is not None
    assert booklet.status == BookletStatus.DONE
    with booklet.file.open("rb") as stored:
        text = "\n".join(page.extract_text() for page in PdfReader(stored).pages)

    assert "Ressourcerie du Lensois" in text
    assert "un réseau de collecte déjà installé" in text
