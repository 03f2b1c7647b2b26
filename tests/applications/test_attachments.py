"""Documents of the dossier: upload through the editor, download, removal, access."""

import hashlib
import socket

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications import services
from applications.enums import ApplicationState, AttachmentKind
from applications.models import Application, Attachment, Message
from tests.applications.test_uploads import BUILDERS, EICAR_MARK, FakeClamd, build_exe
from tests.conftest import login
from tests.factories import ApplicationFactory, AttachmentFactory, UserFactory
from tests.factories.applications import MINIMAL_PDF

pytestmark = pytest.mark.django_db


def pieces_url(application):
    return reverse("applications:dossier", kwargs={"pk": application.pk, "section": "pieces"})


def download_url(attachment):
    return reverse(
        "applications:attachment_download",
        kwargs={"pk": attachment.application_id, "attachment_pk": attachment.pk},
    )


def delete_url(attachment):
    return reverse(
        "applications:attachment_delete",
        kwargs={"pk": attachment.application_id, "attachment_pk": attachment.pk},
    )


def upload(client, application, content, name="document.pdf", kind=AttachmentKind.OTHER):
    return client.post(
        pieces_url(application),
        {"kind": kind, "file": SimpleUploadedFile(name, content, content_type="application/pdf")},
        follow=True,
    )


def in_state(application, state):
    Application.objects.filter(pk=application.pk).update(state=state)
    return Application.objects.get(pk=application.pk)


@pytest.fixture
def draft(applicant, open_wave):
    return ApplicationFactory(owner=applicant, wave=open_wave)


@pytest.fixture
def client_in(client, applicant):
    return login(client, applicant)


# --- Upload ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("extension", sorted(BUILDERS))
def test_upload_accepts_each_allowed_type_recognised_from_content(
    client_in, applicant, draft, extension
):
    content = BUILDERS[extension]()

    response = upload(client_in, draft, content, name=f"Pièce {extension}.bin")

    attachment = Attachment.objects.get(application=draft)
    stored = attachment.file.name
    assert attachment.extension == extension
    assert attachment.original_name == f"Pièce {extension}.bin.{extension}"
    assert attachment.size == len(content)
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.uploaded_by == applicant
    assert stored.startswith("private/attachments/") and stored.endswith(f".{extension}")
    assert "Pièce" not in stored  # a random name, never the uploaded one
    with default_storage.open(stored, "rb") as handle:
        assert handle.read() == content
    assert "est ajoutée" in response.content.decode()


def test_upload_of_the_financing_plan_completes_the_pieces_section(client_in, draft):
    upload(client_in, draft, MINIMAL_PDF, kind=AttachmentKind.FINANCING_PLAN)

    html = client_in.get(pieces_url(draft)).content.decode()
    assert "Joignez la pièce obligatoire" not in html.split("<h1")[1].split("</form>")[0]
    assert Attachment.objects.filter(application=draft, kind="financing_plan").exists()


def test_upload_refuses_an_executable_renamed_pdf(client_in, draft):
    response = upload(client_in, draft, build_exe(), name="plan-de-financement.pdf")

    html = response.content.decode()
    assert not Attachment.objects.filter(application=draft).exists()
    assert "programme exécutable" in html
    assert 'id="resume-erreurs"' in html


def test_upload_refuses_a_file_over_the_size_limit(client_in, draft, settings):
    settings.ATTACHMENT_MAX_SIZE = 200

    response = upload(client_in, draft, MINIMAL_PDF + b"%" * 300)

    assert not Attachment.objects.filter(application=draft).exists()
    assert "la limite est de 200" in response.content.decode()


def test_upload_refuses_a_file_beyond_the_total_of_the_application(client_in, draft, settings):
    settings.APPLICATION_ATTACHMENTS_MAX_TOTAL = len(MINIMAL_PDF) * 2 + 10
    upload(client_in, draft, MINIMAL_PDF)
    upload(client_in, draft, MINIMAL_PDF)

    response = upload(client_in, draft, MINIMAL_PDF)

    assert Attachment.objects.filter(application=draft).count() == 2
    assert "place restante" in response.content.decode()


def test_upload_total_counts_the_documents_of_messages_too(applicant, draft, settings):
    settings.APPLICATION_ATTACHMENTS_MAX_TOTAL = len(MINIMAL_PDF) + 10
    AttachmentFactory(application=draft, size=len(MINIMAL_PDF))

    with pytest.raises(ValidationError):
        services.attachment_add(
            application=draft,
            by=applicant,
            kind=AttachmentKind.OTHER,
            upload=SimpleUploadedFile("b.pdf", MINIMAL_PDF),
        )


def test_upload_without_kind_or_file_says_so(client_in, draft):
    response = client_in.post(pieces_url(draft), {"kind": ""}, follow=True)

    html = response.content.decode()
    assert "Choisissez le type de la pièce." in html
    assert "Choisissez un fichier à joindre." in html
    assert not Attachment.objects.exists()


def test_upload_to_a_submitted_application_is_refused(client_in, applicant, open_wave):
    application = in_state(
        ApplicationFactory(owner=applicant, wave=open_wave, complete=True),
        ApplicationState.SUBMITTED,
    )

    upload(client_in, application, MINIMAL_PDF)

    assert application.attachments.count() == 1  # the factory's financing plan only


def test_upload_to_another_accounts_application_answers_404(client, draft):
    login(client, UserFactory())

    response = upload(client, draft, MINIMAL_PDF)

    assert response.status_code == 404
    assert not Attachment.objects.exists()


def test_attachment_add_scans_the_file_with_clamd(applicant, draft, settings):
    fake = FakeClamd(socket.AF_INET, ("127.0.0.1", 0))
    settings.CLAMD_SOCKET = ""
    settings.CLAMD_HOST, settings.CLAMD_PORT = fake.address
    try:
        with pytest.raises(ValidationError) as refused:
            services.attachment_add(
                application=draft,
                by=applicant,
                kind=AttachmentKind.OTHER,
                upload=SimpleUploadedFile("x.pdf", MINIMAL_PDF + EICAR_MARK),
            )
    finally:
        fake.close()

    assert refused.value.code == "infected"
    assert fake.received == [MINIMAL_PDF + EICAR_MARK]
    assert not Attachment.objects.exists()


# --- Download -------------------------------------------------------------------------------------


def test_owner_downloads_with_safe_headers(client_in, draft):
    attachment = AttachmentFactory(application=draft, original_name="Plan de financement.pdf")

    response = client_in.get(download_url(attachment))

    assert b"".join(response.streaming_content) == MINIMAL_PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Plan de financement.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert "sandbox" in response["Content-Security-Policy"]


def test_instruction_staff_download_any_filed_application(client, instruction_user, draft):
    Application.objects.filter(pk=draft.pk).update(state="submitted")
    attachment = AttachmentFactory(application=draft)
    login(client, instruction_user)

    response = client.get(download_url(attachment))

    assert b"".join(response.streaming_content) == MINIMAL_PDF


def test_instruction_staff_cannot_download_a_draft_document(client, instruction_user, draft):
    # A draft belongs to its author until filed (issue 11, defect 7).
    attachment = AttachmentFactory(application=draft, original_name="brouillon.pdf")
    login(client, instruction_user)

    response = client.get(download_url(attachment))

    assert response.status_code == 404
    assert "brouillon.pdf" not in response.content.decode()


def test_another_user_gets_404_for_a_document(client, draft):
    attachment = AttachmentFactory(application=draft, original_name="secret.pdf")
    login(client, UserFactory())

    response = client.get(download_url(attachment))

    assert response.status_code == 404
    assert "secret.pdf" not in response.content.decode()


def test_document_under_another_application_id_answers_404(client_in, applicant, draft, open_wave):
    other_own = ApplicationFactory(owner=applicant, wave=open_wave)
    attachment = AttachmentFactory(application=ApplicationFactory(wave=open_wave))

    response = client_in.get(
        reverse(
            "applications:attachment_download",
            kwargs={"pk": other_own.pk, "attachment_pk": attachment.pk},
        )
    )

    assert response.status_code == 404


def test_anonymous_download_goes_to_login(client, draft):
    attachment = AttachmentFactory(application=draft)

    response = client.get(download_url(attachment))

    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


def test_download_of_a_missing_file_answers_404(client_in, draft):
    attachment = AttachmentFactory(application=draft)
    default_storage.delete(attachment.file.name)

    assert client_in.get(download_url(attachment)).status_code == 404


# --- Removal --------------------------------------------------------------------------------------


def test_delete_asks_for_confirmation_first(client_in, draft):
    attachment = AttachmentFactory(application=draft, original_name="lettre.pdf")

    response = client_in.get(delete_url(attachment))

    html = response.content.decode()
    assert "Voulez-vous vraiment supprimer la pièce « lettre.pdf »" in html
    assert 'method="post"' in html
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_delete_removes_the_row_and_the_file_after_commit(
    client_in, draft, django_capture_on_commit_callbacks
):
    attachment = AttachmentFactory(application=draft)
    stored = attachment.file.name

    with django_capture_on_commit_callbacks(execute=True):
        response = client_in.post(delete_url(attachment))

    assert response.url == pieces_url(draft)
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert not default_storage.exists(stored)


def test_delete_is_refused_once_the_application_is_submitted(client_in, applicant, open_wave):
    application = ApplicationFactory(owner=applicant, wave=open_wave, complete=True)
    attachment = application.attachments.get()
    application = in_state(application, ApplicationState.SUBMITTED)

    response = client_in.post(delete_url(attachment))

    assert response.url == reverse("applications:detail", kwargs={"pk": application.pk})
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    assert default_storage.exists(attachment.file.name)


def test_delete_is_allowed_while_changes_are_requested(client_in, applicant, open_wave):
    application = ApplicationFactory(owner=applicant, wave=open_wave, complete=True)
    attachment = application.attachments.get()
    in_state(application, ApplicationState.CHANGES_REQUESTED)

    client_in.post(delete_url(attachment))

    assert not Attachment.objects.filter(pk=attachment.pk).exists()


def test_delete_by_another_user_answers_404(client, draft):
    attachment = AttachmentFactory(application=draft)
    login(client, UserFactory())

    assert client.get(delete_url(attachment)).status_code == 404
    assert client.post(delete_url(attachment)).status_code == 404
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_document_of_a_message_is_not_listed_nor_removable_from_the_dossier(
    client_in, applicant, draft
):
    attachment = AttachmentFactory(application=draft, original_name="reponse.pdf")
    Message.objects.create(application=draft, author=applicant, body="Voici", attachment=attachment)

    page = client_in.get(pieces_url(draft)).content.decode()

    assert "reponse.pdf" not in page
    assert client_in.post(delete_url(attachment)).status_code == 404
    with pytest.raises(ValidationError):
        services.attachment_remove(attachment=attachment, by=applicant)
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_pieces_page_lists_documents_with_their_hash_and_links(client_in, draft):
    attachment = AttachmentFactory(application=draft, original_name="photo-friche.pdf")

    html = client_in.get(pieces_url(draft)).content.decode()

    assert "photo-friche.pdf" in html
    assert attachment.sha256 in html
    assert download_url(attachment) in html
    assert delete_url(attachment) in html
    assert 'enctype="multipart/form-data"' in html
