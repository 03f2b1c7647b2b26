"""Withdrawing a label: the confirmation page, the move, and its effects everywhere (catalogue,
API, certificate verification, the holder's mail and page)."""

from html import unescape

import pytest
from django.core import mail
from django.urls import reverse

from applications.enums import ApplicationState, Transition
from applications.models import Application, ApplicationEvent
from catalogue.models import CatalogueEntry
from certificates.models import Certificate
from label.enums import Role
from reviews.enums import JuryOutcome
from reviews.jury import workflow
from tests.conftest import login
from tests.factories import UserFactory
from tests.factories.jury import decision_for, file_in_deliberation, jury_member
from tests.factories.label import close_call

pytestmark = pytest.mark.django_db

BREACH = "La convention d'accompagnement n'a pas été respectée : aucune action depuis un an."


def _html(response):
    return unescape(response.content.decode())


@pytest.fixture
def staff(roles):
    return UserFactory(roles=[Role.APPLICANT, Role.INSTRUCTION])


@pytest.fixture
def labelled(wave, applicant, staff, django_capture_on_commit_callbacks):
    """A project labelled by a real announcement: catalogue entry and certificate included."""
    close_call(wave)
    application = file_in_deliberation(
        wave, owner=applicant, title="Ferme urbaine de Lens", reviews=[{"value": 5}]
    )
    decision_for(application, outcome=JuryOutcome.LABEL, motivation="Projet remarquable.")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.wave_announce(wave=wave, by=staff)
    mail.outbox.clear()
    return Application.objects.get(pk=application.pk)


def _revoke(client, application, motivation=BREACH):
    return client.post(
        reverse("reviews:revoke_label", args=[application.pk]), {"motivation": motivation}
    )


def test_staff_panel_links_to_the_withdrawal_of_a_label(client, staff, labelled):
    login(client, staff)

    html = _html(client.get(reverse("applications:instruction_detail", args=[labelled.pk])))

    assert reverse("reviews:revoke_label", args=[labelled.pk]) in html


def test_confirmation_page_says_what_will_happen(client, staff, labelled):
    login(client, staff)

    response = client.get(reverse("reviews:revoke_label", args=[labelled.pk]))

    html = _html(response)
    assert response.status_code == 200
    assert "le projet sort du catalogue public" in html
    assert "label retiré" in html
    assert 'name="motivation"' in html


def test_revocation_requires_a_motivation(client, staff, labelled):
    login(client, staff)

    response = _revoke(client, labelled, motivation="  ")

    assert response.status_code == 400
    labelled.refresh_from_db()
    assert labelled.state == ApplicationState.LABELLED
    assert CatalogueEntry.objects.get(source_application=labelled).is_published


def test_revocation_withdraws_the_label_everywhere(
    client, staff, labelled, applicant, django_capture_on_commit_callbacks
):
    entry = CatalogueEntry.objects.get(source_application=labelled)
    certificate = Certificate.objects.get(application=labelled)
    assert client.get(entry.get_absolute_url()).status_code == 200
    login(client, staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = _revoke(client, labelled)

    assert response.status_code == 302
    labelled.refresh_from_db()
    assert labelled.state == ApplicationState.REVOKED
    assert labelled.revoked_at is not None
    assert labelled.closing_motivation == BREACH
    event = ApplicationEvent.objects.get(application=labelled, transition=Transition.REVOKE)
    assert (event.actor, event.message) == (staff, BREACH)
    entry.refresh_from_db()
    assert not entry.is_published
    # The holder is mailed with the motivation.
    assert [message.to for message in mail.outbox] == [[applicant.email]]
    assert "Retrait du label" in mail.outbox[0].subject
    assert BREACH in mail.outbox[0].body

    client.logout()
    assert client.get(entry.get_absolute_url()).status_code == 404
    assert client.get(f"/api/projects/{entry.slug}").status_code == 404
    catalogue = _html(client.get(reverse("catalogue:list")))
    assert labelled.title not in catalogue
    verification = client.get(reverse("certificates:verify", args=[certificate.token]))
    assert verification.status_code == 200
    assert "Label retiré le" in _html(verification)

    login(client, applicant)
    page = _html(client.get(reverse("applications:detail", args=[labelled.pk])))
    assert "Label retiré" in page
    assert BREACH in page
    assert "Décision du jury annoncée le" in page  # the original decision stays readable
    assert "Projet remarquable." in page


def test_a_file_that_is_not_labelled_cannot_be_revoked(client, staff, wave):
    refused = file_in_deliberation(wave, reviews=[{"value": 1}])
    Application.objects.filter(pk=refused.pk).update(state=ApplicationState.REFUSED)
    login(client, staff)

    page = client.get(reverse("reviews:revoke_label", args=[refused.pk]))
    response = _revoke(client, refused)

    assert "il n'y a pas de label à retirer" in _html(page)
    assert response.status_code == 400
    refused.refresh_from_db()
    assert refused.state == ApplicationState.REFUSED
    assert not ApplicationEvent.objects.filter(transition=Transition.REVOKE).exists()


@pytest.mark.parametrize("who", ["jury", "owner"])
def test_only_staff_may_revoke(client, labelled, applicant, who):
    login(client, jury_member() if who == "jury" else applicant)

    assert client.get(reverse("reviews:revoke_label", args=[labelled.pk])).status_code == 403
    assert _revoke(client, labelled).status_code == 403
    labelled.refresh_from_db()
    assert labelled.state == ApplicationState.LABELLED
    assert CatalogueEntry.objects.get(source_application=labelled).is_published


def test_revocation_of_an_unknown_file_is_not_found(client, staff):
    login(client, staff)

    assert client.get(reverse("reviews:revoke_label", args=[999999])).status_code == 404
