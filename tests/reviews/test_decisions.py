"""Jury decisions: who records them, what they may share, and that they stay invisible to
the applicant (pages, receipt, API, catalogue) until the wave's results are announced."""

import io
from html import unescape

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pypdf import PdfReader

from applications.enums import ApplicationState
from applications.models import Application
from catalogue.models import CatalogueEntry
from label.enums import Role
from label.models import OutboxMail
from reviews.enums import JuryOutcome
from reviews.jury import services
from reviews.jury.selectors import decision_for_applicant
from reviews.models import JuryDecision, Recusal, Review
from tests.conftest import login
from tests.factories import UserFactory
from tests.factories.jury import decision_for, file_in_deliberation, jury_member
from tests.factories.reviews import ReviewerFactory

pytestmark = pytest.mark.django_db

SECRET_MOTIVATION = "Motivation confidentielle : projet exemplaire, label mérité."
SECRET_CONDITIONS = "Sous réserve de la convention signée avec la commune."


def _html(response):
    return unescape(response.content.decode())


def _post_decision(client, application, **data):
    payload = {
        "outcome": JuryOutcome.LABEL,
        "motivation": SECRET_MOTIVATION,
        "conditions": SECRET_CONDITIONS,
        **data,
    }
    return client.post(reverse("reviews:jury_decision", args=[application.pk]), payload)


@pytest.fixture
def staff(roles):
    return UserFactory(roles=[Role.APPLICANT, Role.INSTRUCTION])


def _shared_review(application):
    return Review.objects.get(
        assignment__application=application, shared_comment="Un projet exemplaire à diffuser."
    )


# --- Recording --------------------------------------------------------------------------------


def test_staff_records_a_pending_decision_with_shared_comments(client, staff, deliberation):
    strong = deliberation[0]
    shared = _shared_review(strong)
    login(client, staff)

    response = _post_decision(client, strong, shared_reviews=[shared.pk])

    assert response.status_code == 302
    decision = JuryDecision.objects.get(application=strong)
    assert decision.outcome == JuryOutcome.LABEL
    assert decision.motivation == SECRET_MOTIVATION
    assert decision.conditions == SECRET_CONDITIONS
    assert list(decision.shared_reviews.all()) == [shared]
    assert (decision.recorded_by, decision.announced_at) == (staff, None)
    strong.refresh_from_db()
    assert strong.state == ApplicationState.DELIBERATION  # nothing applied yet
    assert strong.announced_at is None


def test_recording_again_changes_the_pending_decision(client, staff, deliberation):
    strong = deliberation[0]
    decision_for(strong, outcome=JuryOutcome.REFUSED, shared=[_shared_review(strong)])
    login(client, staff)

    _post_decision(client, strong, outcome=JuryOutcome.ESPOIRS, conditions="")

    decision = JuryDecision.objects.get(application=strong)
    assert (decision.outcome, decision.conditions) == (JuryOutcome.ESPOIRS, "")
    assert list(decision.shared_reviews.all()) == []
    assert JuryDecision.objects.count() == 1


def test_decision_form_offers_only_comments_for_the_applicant(client, staff, deliberation):
    login(client, staff)

    html = _html(client.get(reverse("reviews:jury_file", args=[deliberation[0].pk])))

    form = html[
        html.index('action="/jury/dossiers/') : html.index("Enregistrer la décision</button>")
    ]
    assert "Un projet exemplaire à diffuser." in form
    assert "Gouvernance solide." in form
    assert "Réservé au jury" not in form
    assert "Évaluatrice Nommée" not in form


def test_jury_records_decisions_when_the_wave_delegates_them(client, deliberation, wave):
    wave.jury_may_record_decisions = True
    wave.save()
    member = jury_member()
    login(client, member)

    response = _post_decision(client, deliberation[1], outcome=JuryOutcome.DEFERRED)

    assert response.status_code == 302
    decision = JuryDecision.objects.get(application=deliberation[1])
    assert (decision.outcome, decision.recorded_by) == (JuryOutcome.DEFERRED, member)


def test_jury_without_delegation_gets_no_form_and_a_hand_made_post_is_refused(client, deliberation):
    login(client, jury_member())
    page = client.get(reverse("reviews:jury_file", args=[deliberation[0].pk]))
    assert "Enregistrer la décision</button>" not in _html(page)

    response = _post_decision(client, deliberation[0])

    assert response.status_code == 403
    assert not JuryDecision.objects.exists()


def test_recused_jury_member_cannot_decide_even_with_delegation(client, deliberation, wave):
    wave.jury_may_record_decisions = True
    wave.save()
    member = jury_member()
    Recusal.objects.create(
        wave=wave, application=deliberation[0], member=member, reason="Lien familial."
    )
    login(client, member)

    response = _post_decision(client, deliberation[0])

    assert response.status_code == 403
    assert not JuryDecision.objects.exists()
    assert SECRET_MOTIVATION not in _html(response)


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.REVIEWER])
def test_decision_post_by_other_roles_is_refused(client, deliberation, role, roles):
    login(client, UserFactory(roles=[Role.APPLICANT, role]))

    response = _post_decision(client, deliberation[0])

    assert response.status_code == 403
    assert not JuryDecision.objects.exists()


def test_owner_cannot_decide_on_their_own_file(client, deliberation, applicant):
    login(client, applicant)

    assert _post_decision(client, deliberation[0]).status_code == 403
    assert not JuryDecision.objects.exists()


def test_decision_requires_a_motivation(client, staff, deliberation):
    login(client, staff)

    response = _post_decision(client, deliberation[0], motivation="   ")

    assert response.status_code == 400
    assert not JuryDecision.objects.exists()
    assert "Motivation" in _html(response)


def test_decision_with_unknown_outcome_is_refused(client, staff, deliberation):
    login(client, staff)

    response = _post_decision(client, deliberation[0], outcome="categorie-4")

    assert response.status_code == 400
    assert not JuryDecision.objects.exists()


def test_hand_made_post_cannot_share_another_file_review(client, staff, deliberation):
    strong, middle, _weak = deliberation
    login(client, staff)

    response = _post_decision(client, middle, shared_reviews=[_shared_review(strong).pk])

    assert response.status_code == 400
    assert not JuryDecision.objects.exists()


def test_service_refuses_a_review_without_comment_for_the_applicant(staff, wave):
    application = file_in_deliberation(
        wave, reviews=[{"value": 3, "private_comment": "Seulement pour le jury."}]
    )
    review = Review.objects.get(assignment__application=application)

    with pytest.raises(ValidationError):
        services.jury_decision_record(
            application=application,
            by=staff,
            outcome=JuryOutcome.REFUSED,
            motivation="Projet trop fragile.",
            shared_reviews=[review],
        )

    assert not JuryDecision.objects.exists()


def test_service_refuses_a_file_not_in_deliberation(staff, deliberation):
    strong = deliberation[0]
    Application.objects.filter(pk=strong.pk).update(state=ApplicationState.LABELLED)

    with pytest.raises(ValidationError):
        services.jury_decision_record(
            application=strong, by=staff, outcome=JuryOutcome.LABEL, motivation="Trop tard."
        )

    assert not JuryDecision.objects.exists()


def test_service_refuses_someone_outside_the_jury(deliberation, roles):
    outsider = ReviewerFactory()

    with pytest.raises(PermissionDenied):
        services.jury_decision_record(
            application=deliberation[0], by=outsider, outcome=JuryOutcome.LABEL, motivation="x"
        )

    assert not JuryDecision.objects.exists()


def test_announced_decision_can_no_longer_change(staff, deliberation):
    from django.utils import timezone

    strong = deliberation[0]
    decision_for(strong, announced_at=timezone.now())

    with pytest.raises(ValidationError):
        services.jury_decision_record(
            application=strong, by=staff, outcome=JuryOutcome.REFUSED, motivation="Changement."
        )

    assert JuryDecision.objects.get().outcome == JuryOutcome.LABEL


# --- Invisible until announced -------------------------------------------------------------------


def test_pending_decision_is_invisible_to_the_applicant_everywhere(
    client, deliberation, applicant, settings
):
    strong = deliberation[0]
    decision_for(
        strong,
        motivation=SECRET_MOTIVATION,
        conditions=SECRET_CONDITIONS,
        shared=[_shared_review(strong)],
    )
    login(client, applicant)
    secrets = [SECRET_MOTIVATION, SECRET_CONDITIONS, "Label attribué"]

    pages = {
        "home": client.get(reverse("applications:applicant_home")),
        "detail": client.get(reverse("applications:detail", args=[strong.pk])),
        "catalogue": client.get(reverse("catalogue:list")),
        "catalogue search": client.get(reverse("catalogue:list"), {"q": strong.title}),
        "api projects": client.get("/api/projects", {"q": strong.title}),
        "api waves": client.get("/api/waves"),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        text = _html(response)
        for secret in secrets:
            assert secret not in text, (name, secret)
    # (the search page repeats the query in its field, so it is checked on the list)
    for name in ("catalogue", "api projects"):
        assert strong.title not in _html(pages[name]), name
    assert "Un projet exemplaire à diffuser." not in _html(pages["detail"])

    receipt = client.get(reverse("applications:receipt", args=[strong.pk]))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(receipt.content)).pages)
    assert strong.reference in text
    assert "Motivation confidentielle" not in text
    assert "Catégorie" not in text

    assert decision_for_applicant(strong) is None
    assert not CatalogueEntry.objects.filter(source_application=strong).exists()
    assert not OutboxMail.objects.filter(recipient=applicant).exists()
    assert mail.outbox == []
    strong.refresh_from_db()
    assert strong.decision_read_at is None
