"""The convention d'accompagnement: model text, PDF, acceptance online, countersignature."""

import hashlib
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from applications.enums import ApplicationState
from applications.models import Application
from followup.enums import ConventionStatus, SupportKind
from followup.models import Convention
from followup.services import (
    convention_accept,
    convention_get_or_create,
    convention_model_get,
    convention_render_pdf,
)
from label.models import AuditEvent, OutboxMail
from tests.conftest import login
from tests.factories import UserFactory
from tests.factories.certificates import labelled_application

pytestmark = pytest.mark.django_db


def pdf_text(content):
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def accept(client, project, **data):
    payload = {"name": "Camille Martin", "capacity": "Présidente", "read_and_accepted": "on"}
    payload.update(data)
    return client.post(
        reverse("followup:convention_accept", args=[project.pk]),
        payload,
        REMOTE_ADDR="203.0.113.7",
    )


def test_convention_pdf_carries_project_commitments_and_support(holder_client, project):
    model = convention_model_get(project.wave)
    model.holder_commitments = "Planter cent arbres fruitiers.\nOuvrir les jardins le dimanche."
    model.save()

    response = holder_client.get(reverse("followup:convention_pdf", args=[project.pk]))

    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert project.title in text
    assert "Association Terre d'Artois" in text
    assert "Planter cent arbres fruitiers." in text
    assert "Engagements du Pôle Métropolitain" in text
    assert "Mise en réseau avec d'autres projets labellisés" in text
    assert "pas encore acceptée" in text


def test_holder_accepts_convention_freezes_pdf_and_keeps_proof(holder_client, project, holder):
    holder_client.post(
        reverse("followup:support_choice", args=[project.pk]),
        {"support": [SupportKind.COMMUNICATION, SupportKind.METHOD]},
    )

    response = accept(holder_client, project)

    assert response.status_code == 302
    convention = Convention.objects.get(application=project)
    assert convention.status == ConventionStatus.ACCEPTED
    assert convention.accepted_name == "Camille Martin"
    assert convention.accepted_capacity == "Présidente"
    assert convention.accepted_ip == "203.0.113.7"
    assert convention.accepted_by == holder
    with convention.pdf.open("rb") as stored:
        content = stored.read()
    assert hashlib.sha256(content).hexdigest() == convention.sha256
    text = pdf_text(content)
    assert "Camille Martin, Présidente" in text
    assert "Appui méthodologique" in text
    assert "Mise en réseau" not in text
    event = AuditEvent.objects.get(name="followup:convention_accept")
    assert event.actor == holder
    assert event.ip_address == "203.0.113.7"
    assert event.extra["capacity"] == "Présidente"
    assert event.application_id == project.pk


def test_accepted_convention_does_not_change_when_the_model_does(holder_client, project):
    accept(holder_client, project)
    convention = Convention.objects.get(application=project)
    frozen = convention.sha256
    model = convention_model_get(project.wave)
    model.preamble = "Un tout autre préambule."
    model.save()

    response = holder_client.get(reverse("followup:convention_pdf", args=[project.pk]))

    assert hashlib.sha256(response.content).hexdigest() == frozen
    assert "Un tout autre préambule." not in pdf_text(response.content)


def test_accept_without_capacity_or_reading_is_refused(holder_client, project):
    response = accept(holder_client, project, capacity="", read_and_accepted="")

    assert response.status_code == 400
    assert Convention.objects.get(application=project).accepted_at is None
    page = response.content.decode()
    assert 'href="#id_capacity"' in page
    assert 'href="#id_read_and_accepted"' in page


def test_accept_twice_keeps_first_acceptance(holder_client, project):
    accept(holder_client, project)
    accept(holder_client, project, name="Quelqu'un d'autre")

    assert Convention.objects.get(application=project).accepted_name == "Camille Martin"


def test_other_account_cannot_see_or_accept_convention(client, roles, project):
    stranger = UserFactory()
    login(client, stranger)

    assert client.get(reverse("followup:holder", args=[project.pk])).status_code == 404
    assert client.get(reverse("followup:convention_pdf", args=[project.pk])).status_code == 404
    accept(client, project)

    assert not Convention.objects.filter(application=project, accepted_at__isnull=False).exists()


def test_revoked_label_convention_cannot_be_accepted(holder_client, project):
    Application.objects.filter(pk=project.pk).update(state=ApplicationState.REVOKED)

    accept(holder_client, project)

    assert not Convention.objects.filter(application=project, accepted_at__isnull=False).exists()


def test_staff_countersigns_and_holder_is_told(holder_client, project, instruction_user, client):
    accept(holder_client, project)
    staff_mails = OutboxMail.objects.filter(template="followup_convention_accepted")
    assert list(staff_mails.values_list("to", flat=True)) == [instruction_user.email]
    login(client, instruction_user)

    client.post(reverse("followup:countersign", args=[project.pk]))

    convention = Convention.objects.get(application=project)
    assert convention.status == ConventionStatus.COUNTERSIGNED
    assert convention.countersigned_by == instruction_user
    mail = OutboxMail.objects.get(template="followup_convention_countersigned")
    assert mail.to == project.owner.email


def test_countersign_before_acceptance_is_refused(staff_client, project):
    staff_client.post(reverse("followup:countersign", args=[project.pk]))

    assert convention_get_or_create(project).status == ConventionStatus.PENDING


def test_holder_cannot_countersign(holder_client, project):
    accept(holder_client, project)

    holder_client.post(reverse("followup:countersign", args=[project.pk]))

    assert Convention.objects.get(application=project).status == ConventionStatus.ACCEPTED


def test_staff_edit_model_text_of_a_wave(staff_client, project):
    url = reverse("followup:convention_model", args=[project.wave.pk])
    data = {
        "preamble": "Préambule de la onzième vague.",
        "holder_commitments": "Un engagement.",
        "pma_commitments": "Un autre.",
        "revocation_clause": "Article 5 — retrait.",
        "duration_years": "2",
    }

    staff_client.post(url, data)

    model = convention_model_get(project.wave)
    assert model.preamble == "Préambule de la onzième vague."
    assert model.duration_years == 2


def test_holder_cannot_edit_model_text(holder_client, project):
    url = reverse("followup:convention_model", args=[project.wave.pk])

    holder_client.post(url, {"preamble": "Piraté", "duration_years": "1"})

    assert convention_model_get(project.wave).preamble != "Piraté"


def test_public_page_says_convention_in_progress_until_accepted(
    client, holder, project, django_capture_on_commit_callbacks
):
    from catalogue.services import catalogue_entry_publish_from_application

    entry = catalogue_entry_publish_from_application(project)
    url = entry.get_absolute_url()
    assert "convention en cours" in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        convention_accept(
            convention=convention_get_or_create(project),
            by=holder,
            name="Camille Martin",
            capacity="Présidente",
        )

    page = client.get(url).content.decode()
    assert "convention en cours" not in page
    assert "signée" in page


def test_other_labelled_project_not_followed_by_holder(holder_client, roles):
    other = labelled_application()

    response = holder_client.get(reverse("followup:holder", args=[other.pk]))

    assert response.status_code == 404


def test_jury_atouts_in_convention_and_on_public_page(holder_client, project):
    from catalogue.services import catalogue_entry_publish_from_application
    from tests.factories.jury import decision_for

    decision_for(project, atouts="Gouvernance partagée exemplaire avec les habitants.")
    entry = catalogue_entry_publish_from_application(project)

    pdf = holder_client.get(reverse("followup:convention_pdf", args=[project.pk])).content
    page = Client().get(entry.get_absolute_url()).content.decode()

    assert "Gouvernance partagée exemplaire" in pdf_text(pdf)
    assert "Atouts — ont été reconnus dans ce projet" in page
    assert "Gouvernance partagée exemplaire avec les habitants." in page


def test_convention_stays_french_when_first_opened_in_english(holder_client, project):
    """The model text and the PDF's title are French even from an English session."""
    with translation.override("en"):
        model = convention_model_get(project.wave)
        content = convention_render_pdf(convention_get_or_create(project))

    assert model.preamble.startswith("Le Pôle Métropolitain de l'Artois")
    assert "Mener le projet conformément au dossier" in model.holder_commitments
    metadata = PdfReader(BytesIO(content)).metadata
    assert metadata.title.startswith("Convention d'accompagnement")
