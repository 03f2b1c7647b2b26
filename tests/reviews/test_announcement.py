"""The announcement of a wave's results: the confirmation page, what one POST applies in one
transaction, blocking, idempotency, the broker down, and what the applicant then reads."""

import logging
from contextlib import contextmanager
from html import unescape

import pytest
from django.core import mail
from django.urls import reverse

from applications.enums import ApplicationState, Transition
from applications.models import Application, ApplicationEvent
from catalogue.models import CatalogueEntry
from certificates import receivers as certificate_receivers
from certificates.models import Certificate, CertificateStatus
from certificates.services import certificate_sweep
from config.celery import app as project_celery_app
from config.celery import make_celery_app
from label.enums import Award, OutboxStatus, Role
from label.models import OutboxMail, WaveMailText
from label.services import outbox_sweep
from reviews.enums import JuryOutcome
from reviews.jury import workflow
from reviews.models import JuryDecision, Review
from tests.conftest import login
from tests.factories import UserFactory
from tests.factories.jury import decision_for, file_in_deliberation, jury_member
from tests.factories.label import close_call

pytestmark = pytest.mark.django_db

LABEL_MOTIVATION = "Un projet exemplaire de jardins partagés, porté par les habitants."
LABEL_CONDITIONS = "Sous réserve de la convention signée avec la ville de Lens."


def _html(response):
    return unescape(response.content.decode())


@pytest.fixture
def staff(roles):
    return UserFactory(roles=[Role.APPLICANT, Role.INSTRUCTION], full_name="Inès Instruction")


@pytest.fixture
def decided(deliberation, wave):
    """Four files in deliberation, each with a pending decision: label (with conditions and
    one shared comment), Espoirs, Catégorie 2 and Catégorie 3. The call has closed."""
    close_call(wave)
    strong, middle, weak = deliberation
    refused = file_in_deliberation(wave, title="Parking minute", reviews=[{"value": 0}])
    shared = Review.objects.get(
        assignment__application=strong, shared_comment="Un projet exemplaire à diffuser."
    )
    decision_for(
        strong,
        outcome=JuryOutcome.LABEL,
        motivation=LABEL_MOTIVATION,
        conditions=LABEL_CONDITIONS,
        shared=[shared],
    )
    decision_for(middle, outcome=JuryOutcome.ESPOIRS)
    decision_for(weak, outcome=JuryOutcome.DEFERRED)
    decision_for(refused, outcome=JuryOutcome.REFUSED)
    return strong, middle, weak, refused


def _announce(client, wave, **data):
    return client.post(reverse("reviews:announce", args=[wave.pk]), {"confirm": "on", **data})


def _snapshot(wave):
    """Everything an announcement may change."""
    wave.refresh_from_db()
    return (
        list(Application.objects.order_by("pk").values_list("pk", "state", "award")),
        list(JuryDecision.objects.order_by("pk").values_list("pk", "announced_at")),
        ApplicationEvent.objects.filter(transition=Transition.ANNOUNCE).count(),
        OutboxMail.objects.count(),
        CatalogueEntry.objects.count(),
        Certificate.objects.count(),
        wave.results_announced_at,
    )


# --- The confirmation page --------------------------------------------------------------------


def test_confirmation_page_lists_what_the_announcement_will_do(client, staff, decided, wave):
    strong, middle, weak, refused = decided
    login(client, staff)

    response = client.get(reverse("reviews:announce", args=[wave.pk]))

    html = _html(response)
    assert response.status_code == 200
    for application, label in (
        (strong, "Catégorie 1 — Label attribué"),
        (middle, "Label Espoirs"),
        (weak, "Catégorie 2 — Pris en considération"),
        (refused, "Catégorie 3 — Non retenu"),
    ):
        row = html[html.index(application.reference) :]
        assert label in row[: row.index("</tr>")]
    assert "4 e-mails aux porteurs" in html
    assert "2 certificats générés et 2 projets publiés au catalogue" in html
    assert 'name="confirm"' in html
    assert not Application.objects.filter(state=ApplicationState.LABELLED).exists()


def test_confirmation_page_previews_the_mail_of_each_outcome_before_the_button(
    client, staff, decided, wave
):
    """Issue 11, defect 3: each outcome's mail as its holder will read it, with a link to
    adjust its text; the wave's own text when staff wrote one."""
    strong, middle, weak, refused = decided
    WaveMailText.objects.create(
        wave=wave,
        kind=JuryOutcome.REFUSED.value,
        subject="Réponse du jury pour %(reference)s",
        body="Merci, %(holder)s, pour « %(title)s ».",
    )
    login(client, staff)

    html = _html(client.get(reverse("reviews:announce", args=[wave.pk])))

    previews_at = html.index("Les e-mails que recevront les porteurs")
    assert previews_at < html.index('name="confirm"')
    previews = html[previews_at : html.index('name="confirm"')].replace("\u00a0", " ")
    assert f"Votre projet {strong.reference} reçoit le Label Euralens" in previews
    assert f"Bonjour {strong.owner.full_name}," in previews
    assert f"« {strong.title} »" in previews
    assert f"Votre projet {middle.reference} reçoit le Label Espoirs" in previews
    assert f"Aperçu avec le dossier {weak.reference}" in previews
    assert f"Réponse du jury pour {refused.reference}" in previews
    assert f"Merci, {refused.holder_name}, pour « {refused.title} »." in previews
    assert LABEL_MOTIVATION not in previews  # the motivation is read in the holder's space
    mail_texts = reverse("label:wave_mail_texts", kwargs={"pk": wave.pk})
    for outcome in JuryOutcome:
        assert f'href="{mail_texts}#courrier-{outcome.value}"' in previews
    assert previews.count("Modifier ce texte") == 4


def test_an_outcome_without_a_file_is_previewed_with_sample_values(client, staff, wave):
    close_call(wave)
    only = file_in_deliberation(wave, title="Seul dossier", reviews=[{"value": 3}])
    decision_for(only, outcome=JuryOutcome.DEFERRED, motivation="À retravailler.")
    login(client, staff)

    html = _html(client.get(reverse("reviews:announce", args=[wave.pk])))

    assert f"Aperçu avec le dossier {only.reference}" in html
    assert html.count("valeurs d'exemple") == 3
    assert "Bonjour Camille Martin," in html


def test_file_without_decision_blocks_and_is_listed(client, staff, decided, wave):
    late = file_in_deliberation(wave, title="Dossier sans décision", reviews=[{"value": 2}])
    login(client, staff)
    before = _snapshot(wave)

    page = client.get(reverse("reviews:announce", args=[wave.pk]))
    response = _announce(client, wave)

    assert "L'annonce est bloquée" in _html(page)
    assert late.reference in _html(page)
    assert 'name="confirm"' not in _html(page)
    assert response.status_code == 400
    assert late.reference in _html(response)
    assert _snapshot(wave) == before


def test_announcement_needs_the_confirmation_box(client, staff, decided, wave):
    login(client, staff)
    before = _snapshot(wave)

    response = client.post(reverse("reviews:announce", args=[wave.pk]), {})

    assert response.status_code == 400
    assert _snapshot(wave) == before


@pytest.mark.parametrize("who", ["jury", "applicant", "reviewer"])
def test_only_staff_may_announce(client, decided, wave, who, roles):
    user = {
        "jury": jury_member,
        "applicant": lambda: UserFactory(roles=[Role.APPLICANT]),
        "reviewer": lambda: UserFactory(roles=[Role.APPLICANT, Role.REVIEWER]),
    }[who]()
    login(client, user)
    before = _snapshot(wave)

    assert client.get(reverse("reviews:announce", args=[wave.pk])).status_code == 403
    assert _announce(client, wave).status_code == 403
    assert _snapshot(wave) == before


# --- The announcement ------------------------------------------------------------------------


def test_announcement_applies_every_decision_mails_and_publishes(
    client, staff, decided, wave, django_capture_on_commit_callbacks
):
    strong, middle, weak, refused = decided
    login(client, staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = _announce(client, wave)

    assert response.status_code == 302
    expected = {
        strong.pk: (ApplicationState.LABELLED, Award.LABEL),
        middle.pk: (ApplicationState.LABELLED, Award.ESPOIRS),
        weak.pk: (ApplicationState.DEFERRED, ""),
        refused.pk: (ApplicationState.REFUSED, ""),
    }
    for pk, (state, award) in expected.items():
        application = Application.objects.get(pk=pk)
        assert (application.state, application.award) == (state, award)
        assert application.announced_at is not None
        event = ApplicationEvent.objects.get(
            application=application, transition=Transition.ANNOUNCE
        )
        assert (event.from_state, event.to_state, event.actor) == ("deliberation", state, staff)
    assert Application.objects.get(pk=strong.pk).closing_motivation == LABEL_MOTIVATION
    assert not JuryDecision.objects.filter(announced_at__isnull=True).exists()
    wave.refresh_from_db()
    assert wave.results_announced_at is not None

    # One mail per applicant, sent (Celery runs in-process in the tests).
    rows = OutboxMail.objects.filter(template="application_event")
    assert rows.count() == 4
    assert set(rows.values_list("status", flat=True)) == {OutboxStatus.SENT}
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        Application.objects.filter(pk__in=expected).values_list("owner__email", flat=True)
    )
    # Each holder gets the wave's mail of their outcome (issue 11, defect 3).
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert "reçoit le Label Euralens" in subjects[strong.owner.email]
    assert "reçoit le Label Espoirs" in subjects[middle.owner.email]
    assert "Décision du jury" in subjects[weak.owner.email]
    assert all(LABEL_MOTIVATION not in message.body for message in mail.outbox)

    # Labelled projects only: a published catalogue entry and a rendered certificate each.
    entries = CatalogueEntry.objects.filter(source_application__isnull=False)
    assert {(e.source_application_id, e.award, e.is_published) for e in entries} == {
        (strong.pk, Award.LABEL, True),
        (middle.pk, Award.ESPOIRS, True),
    }
    entry = entries.get(source_application=strong)
    assert (entry.name, entry.wave_number, entry.source_reference) == (
        strong.title,
        wave.number,
        strong.reference,
    )
    assert [commune.insee_code for commune in entry.communes.all()] == ["62498"]
    assert client.get(entry.get_absolute_url()).status_code == 200
    certificates = Certificate.objects.order_by("sequence")
    assert [c.application_id for c in certificates] == sorted([strong.pk, middle.pk])
    assert {c.status for c in certificates} == {CertificateStatus.RENDERED}


def test_announcing_twice_does_nothing_the_second_time(
    client, staff, decided, wave, django_capture_on_commit_callbacks
):
    login(client, staff)
    with django_capture_on_commit_callbacks(execute=True):
        _announce(client, wave)
    after_first = _snapshot(wave)
    sent = len(mail.outbox)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse("reviews:announce", args=[wave.pk]), {"confirm": "on"}, follow=True
        )

    assert "Rien à annoncer" in _html(response)
    assert _snapshot(wave) == after_first
    assert callbacks == []
    assert len(mail.outbox) == sent
    assert workflow.wave_announce(wave=wave, by=staff).nothing_announced


def test_failed_announcement_leaves_nothing(
    staff, decided, wave, monkeypatch, django_capture_on_commit_callbacks
):
    strong, middle, _weak, _refused = decided
    calls = []
    real_issue = certificate_receivers.certificate_issue

    def issue_then_fail(**kwargs):
        calls.append(kwargs["application"].pk)
        if len(calls) == 2:
            raise RuntimeError("storage unavailable while issuing the second certificate")
        return real_issue(**kwargs)

    monkeypatch.setattr(certificate_receivers, "certificate_issue", issue_then_fail)
    before = _snapshot(wave)

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        workflow.wave_announce(wave=wave, by=staff)

    assert len(calls) == 2  # the first labelled project went all the way through
    assert _snapshot(wave) == before
    assert callbacks == []
    assert mail.outbox == []
    assert not Application.objects.exclude(state=ApplicationState.DELIBERATION).exists()


@contextmanager
def _broker_down():
    """Celery not eager, its broker a closed port: publishing fails as when Redis is down."""
    broken = make_celery_app("label_euralens_broker_down_jury", set_as_current=False)
    broken.conf.update(broker_url="redis://127.0.0.1:1/0", task_always_eager=False)
    broken.set_current()
    try:
        yield broken
    finally:
        project_celery_app.set_current()
        broken.close()


def test_broker_down_decisions_applied_and_the_sweeps_send_later(
    client, staff, decided, wave, settings, caplog, django_capture_on_commit_callbacks
):
    strong, middle, _weak, _refused = decided
    login(client, staff)

    with (
        caplog.at_level(logging.WARNING),
        _broker_down(),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = _announce(client, wave)

    assert response.status_code == 302
    assert Application.objects.filter(state=ApplicationState.LABELLED).count() == 2
    assert not JuryDecision.objects.filter(announced_at__isnull=True).exists()
    rows = OutboxMail.objects.filter(template="application_event")
    assert rows.count() == 4
    assert set(rows.values_list("status", "attempts")) == {(OutboxStatus.PENDING, 0)}
    assert mail.outbox == []
    assert set(Certificate.objects.values_list("status", flat=True)) == {CertificateStatus.PENDING}
    assert "the sweep will retry" in caplog.text

    # The broker is back; the periodic sweeps catch up.
    settings.CERTIFICATE_SWEEP_AFTER = 0
    assert outbox_sweep() == 4
    assert certificate_sweep() == 2

    assert set(rows.values_list("status", flat=True)) == {OutboxStatus.SENT}
    assert len(mail.outbox) == 4
    assert set(Certificate.objects.values_list("status", flat=True)) == {CertificateStatus.RENDERED}


# --- After the announcement --------------------------------------------------------------------


@pytest.fixture
def announced(decided, wave, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.wave_announce(wave=wave, by=staff)
    return decided


def test_applicant_reads_decision_motivation_conditions_and_chosen_comments(
    client, announced, applicant
):
    strong = announced[0]
    login(client, applicant)

    html = _html(client.get(reverse("applications:detail", args=[strong.pk])))

    # The decision comes first: the state's badge, then the award (issue 11, defect 14).
    strong.refresh_from_db()
    assert "Labellisée" in html
    assert strong.award and strong.get_award_display() in html
    assert LABEL_MOTIVATION in html
    assert LABEL_CONDITIONS in html
    assert "Un projet exemplaire à diffuser." in html  # the comment the jury chose
    assert "Gouvernance solide." not in html  # shared by its reviewer, not chosen by the jury
    assert "Réservé au jury" not in html
    assert "Évaluatrice Nommée" not in html


def test_first_opening_by_the_owner_is_recorded_once(client, announced, applicant, staff):
    strong = announced[0]
    login(client, staff)
    staff_page = client.get(reverse("applications:instruction_detail", args=[strong.pk]))
    assert "Le porteur n'a pas encore ouvert la décision." in _html(staff_page)
    strong.refresh_from_db()
    assert strong.decision_read_at is None  # staff reading the file is not the holder's

    login(client, applicant)
    client.get(reverse("applications:detail", args=[strong.pk]))
    strong.refresh_from_db()
    first = strong.decision_read_at
    client.get(reverse("applications:detail", args=[strong.pk]))
    strong.refresh_from_db()

    assert first is not None
    assert strong.decision_read_at == first
    login(client, staff)
    panel = _html(client.get(reverse("applications:instruction_detail", args=[strong.pk])))
    assert "Décision lue par le porteur le" in panel
    announce_page = _html(client.get(reverse("reviews:announce", args=[strong.wave_id])))
    assert "pas encore" in announce_page  # the three other holders
    assert "Rien à annoncer" in announce_page


def test_opening_before_the_announcement_records_nothing(client, decided, applicant):
    strong = decided[0]
    login(client, applicant)

    client.get(reverse("applications:detail", args=[strong.pk]))

    strong.refresh_from_db()
    assert strong.decision_read_at is None


def test_jury_board_lists_announced_files_and_staff_see_read_receipts(
    client, announced, wave, staff
):
    login(client, staff)

    html = _html(client.get(reverse("reviews:jury_wave", args=[wave.pk])))

    assert "Décisions annoncées" in html
    assert "Lue par le porteur" in html
    assert "Aucun dossier de cette vague n'est en délibération." in html


def test_confirmation_page_lists_files_outside_deliberation_and_why_they_do_not_block(
    client, staff, decided, wave
):
    from tests.factories.reviews import application_in_state

    filed = application_in_state(ApplicationState.SUBMITTED, wave=wave, title="Jamais examiné")
    reviewing = application_in_state(ApplicationState.IN_REVIEW, wave=wave, title="En cours")
    application_in_state(ApplicationState.DRAFT, wave=wave, title="Brouillon privé")
    login(client, staff)

    html = " ".join(_html(client.get(reverse("reviews:announce", args=[wave.pk]))).split())

    assert "2 dossiers de la vague ne sont pas en délibération" in html
    assert f"{filed.reference}</a> Jamais examiné — <strong>Déposée</strong>" in html
    assert f"{reviewing.reference}</a> En cours — <strong>En instruction</strong>" in html
    assert "pas encore examiné" in html and "pas transmis au jury" in html
    assert "Brouillon privé" not in html
    assert 'name="confirm"' in html
