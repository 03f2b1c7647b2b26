"""The person's rights: the download of their data, the deletion of their account, the notice."""

import io
import json
import zipfile

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from accounts import otp
from accounts.models import RecoveryCode, TOTPDevice
from applications.enums import ApplicationState as S
from applications.models import Application, ApplicationEvent, Attachment, Message
from label.models import AuditAction, AuditEvent, OutboxMail, User
from privacy import services
from tests.conftest import DEMO_PASSWORD, login
from tests.factories import ApplicationFactory, AttachmentFactory, UserFactory
from tests.factories.applications import MINIMAL_PDF

pytestmark = pytest.mark.django_db

INTERNAL_NOTE = "Note interne : porteur peu fiable"


def application_in(state, *, owner, wave=None, **fields):
    """A complete application of `owner` put straight into a state (the workflow is tested
    elsewhere), with a reference once filed."""
    extra = {"wave": wave} if wave is not None else {}
    application = ApplicationFactory(complete=True, owner=owner, **extra, **fields)
    values = {"state": state}
    if state != S.DRAFT:
        number = Application.objects.exclude(reference=None).count() + 1
        values.update(reference=f"EL11-{number:04d}", reference_number=number)
    Application.objects.filter(pk=application.pk).update(**values)
    return Application.objects.get(pk=application.pk)


@pytest.fixture
def files(applicant, open_wave, instruction_user):
    """The applicant's draft, file under examination and refused file; another's file."""
    draft = application_in(S.DRAFT, owner=applicant, wave=open_wave, title="Brouillon du verger")
    in_progress = application_in(
        S.SUBMITTED, owner=applicant, wave=open_wave, title="Ressourcerie en cours"
    )
    refused = application_in(S.REFUSED, owner=applicant, wave=open_wave, title="Four à pain")
    ApplicationEvent.objects.create(
        application=refused,
        transition="announce",
        from_state=S.DELIBERATION,
        to_state=S.REFUSED,
        actor=instruction_user,
        message="Projet non retenu cette année.",
        internal_note=INTERNAL_NOTE,
    )
    Message.objects.create(application=refused, author=applicant, body="Ma réponse au jury.")
    Message.objects.create(
        application=refused, author=instruction_user, from_instruction=True, body="Bonjour."
    )
    staff_document = AttachmentFactory(
        application=refused, original_name="note-de-l-equipe.pdf", uploaded_by=instruction_user
    )
    others = application_in(S.SUBMITTED, owner=UserFactory(), wave=open_wave, title="Pas à moi")
    return {
        "draft": draft,
        "in_progress": in_progress,
        "refused": refused,
        "staff_document": staff_document,
        "others": others,
    }


# --- Download ---------------------------------------------------------------------------------


def _zip(response):
    """The archive of a download, read to the end: the test client then closes the response
    (and its temporary file) as a WSGI server would. Closing it by hand would also close the
    test database's connection on PostgreSQL."""
    content = b"".join(response.streaming_content)
    return zipfile.ZipFile(io.BytesIO(content))


def test_export_holds_the_account_files_and_documents_as_json(client, applicant, files):
    login(client, applicant)

    response = client.get(reverse("privacy:export"))

    archive = _zip(response)
    data = json.loads(archive.read("donnees.json"))
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "private, no-store"
    assert data["account"]["email"] == applicant.email
    titles = {item["title"] for item in data["applications"]}
    assert titles == {"Brouillon du verger", "Ressourcerie en cours", "Four à pain"}
    refused = next(item for item in data["applications"] if item["title"] == "Four à pain")
    assert refused["contact_name"] == "Camille Martin"
    assert refused["state"] == "refused"
    answers = {answer["key"]: answer for answer in refused["answers"]}
    plan = answers["financing_lines"]
    assert plan["question"] == "Plan de financement"
    assert {line["amount"] for line in plan["value"]} == {"12000.00", "8000.00"}
    assert answers["stage"]["display"] == "En définition"
    assert refused["communes"][0]["insee_code"] == "62498"
    assert [m["body"] for m in refused["messages"]] == ["Ma réponse au jury.", "Bonjour."]
    assert "Projet non retenu cette année." in [e["message"] for e in refused["timeline"]]
    assert "LISEZMOI.txt" in archive.namelist()


def test_export_ships_the_persons_documents_but_not_staff_notes_or_others_files(
    client, applicant, files
):
    login(client, applicant)

    archive = _zip(client.get(reverse("privacy:export")))

    raw = archive.read("donnees.json").decode()
    documents = [name for name in archive.namelist() if name.startswith("pieces/")]
    assert INTERNAL_NOTE not in raw
    assert "Pas à moi" not in raw
    assert "note-de-l-equipe" not in raw
    # The financing plan of each of the three dossiers, with its content.
    assert len(documents) == 3
    assert all(archive.read(name) == MINIMAL_PDF for name in documents)


def test_export_paths_cannot_leave_the_archive_folder(client, applicant, open_wave):
    application = application_in(S.DRAFT, owner=applicant, wave=open_wave)
    Attachment.objects.filter(application=application).update(original_name="../../etc/passwd")
    login(client, applicant)

    archive = _zip(client.get(reverse("privacy:export")))

    names = [name for name in archive.namelist() if name.startswith("pieces/")]
    assert names and all(".." not in name and name.count("/") == 2 for name in names)


def test_export_is_audited(client, applicant, files):
    login(client, applicant)

    _zip(client.get(reverse("privacy:export")))

    event = AuditEvent.objects.get(action=AuditAction.DATA_EXPORT)
    assert event.actor_id == applicant.pk
    assert event.extra["applications"] == 3


def test_export_needs_a_login(client, files):
    response = client.get(reverse("privacy:export"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- Deletion ---------------------------------------------------------------------------------


def test_confirmation_page_tells_what_goes_and_what_stays(client, applicant, files):
    login(client, applicant)

    html = client.get(reverse("privacy:delete")).content.decode()

    assert "Brouillon du verger" in html
    assert "Ressourcerie en cours" in html and "retiré" in html
    assert "Four à pain" in html
    assert "Ce que le Pôle métropolitain conserve" in html
    assert "Pas à moi" not in html


def test_a_wrong_password_deletes_nothing(client, applicant, files):
    login(client, applicant)

    response = client.post(reverse("privacy:delete"), {"password": "pas-le-bon", "confirm": "on"})

    applicant.refresh_from_db()
    assert response.status_code == 200
    assert applicant.is_active and applicant.email.endswith("@example.org")
    assert Application.objects.filter(owner=applicant).count() == 3


def test_deletion_needs_the_explicit_tick(client, applicant, files):
    login(client, applicant)

    client.post(reverse("privacy:delete"), {"password": DEMO_PASSWORD})

    assert Application.objects.filter(pk=files["draft"].pk).exists()


def test_deletion_with_kept_files_anonymises_the_account(
    client, applicant, files, django_capture_on_commit_callbacks
):
    otp.recovery_codes_renew(user=applicant)
    otp.device_enrol(user=applicant, secret=otp.random_secret())
    draft_file = files["draft"].attachments.get().file
    storage, draft_path = draft_file.storage, draft_file.name
    email = applicant.email
    login(client, applicant)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("privacy:delete"), {"password": DEMO_PASSWORD, "confirm": "on"}
        )

    applicant.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == reverse("label:home")
    assert SESSION_KEY not in client.session
    assert applicant.email.endswith(f"@{services.ANONYMISED_EMAIL_DOMAIN}")
    assert applicant.full_name == services.ANONYMISED_NAME
    assert (applicant.organisation, applicant.phone) == ("", "")
    assert not applicant.is_active and not applicant.has_usable_password()
    assert not applicant.groups.exists()
    assert not User.objects.filter(email=email).exists()
    assert not Application.objects.filter(pk=files["draft"].pk).exists()
    assert not storage.exists(draft_path)
    withdrawn = Application.objects.get(pk=files["in_progress"].pk)
    assert withdrawn.state == S.WITHDRAWN
    assert withdrawn.events.filter(transition="withdraw").exists()
    refused = Application.objects.get(pk=files["refused"].pk)
    assert (refused.contact_name, refused.contact_email, refused.contact_phone) == ("", "", "")
    assert refused.holder_name == "Association Terre d'Artois"
    assert refused.messages.get(body="Ma réponse au jury.").author is None
    assert not TOTPDevice.objects.filter(user=applicant).exists()
    assert not RecoveryCode.objects.filter(device__user=applicant).exists()
    assert Application.objects.get(pk=files["others"].pk).contact_name == "Camille Martin"
    assert AuditEvent.objects.filter(action=AuditAction.ACCOUNT_DELETED).count() == 1


def test_the_anonymised_account_cannot_log_in_again(client, applicant, files):
    email = applicant.email
    login(client, applicant)
    client.post(reverse("privacy:delete"), {"password": DEMO_PASSWORD, "confirm": "on"})

    response = client.post(
        reverse("accounts:login"), {"username": email, "password": DEMO_PASSWORD}
    )

    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_deletion_without_kept_files_removes_the_account_row(
    client, applicant, open_wave, django_capture_on_commit_callbacks
):
    draft = application_in(S.DRAFT, owner=applicant, wave=open_wave)
    OutboxMail.objects.create(
        to=applicant.email, subject="x", body_text="x", recipient=applicant, status="sent"
    )
    login(client, applicant)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("privacy:delete"), {"password": DEMO_PASSWORD, "confirm": "on"})

    assert not User.objects.filter(pk=applicant.pk).exists()
    assert not Application.objects.filter(pk=draft.pk).exists()
    assert not OutboxMail.objects.filter(to=applicant.email).exists()


@pytest.mark.parametrize("account", ["instruction_user", "reviewer", "jury_member"])
def test_staff_roles_cannot_delete_their_own_account(request, client, account):
    user = request.getfixturevalue(account)
    login(client, user)

    page = client.get(reverse("privacy:delete"))
    client.post(reverse("privacy:delete"), {"password": DEMO_PASSWORD, "confirm": "on"})

    user.refresh_from_db()
    assert "Pour le fermer, écrivez" in page.content.decode()
    assert user.is_active and user.email.endswith("@example.org")


def test_service_refuses_staff_roles(instruction_user):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.account_delete(user=instruction_user)


def test_expressions_of_interest_of_the_person_are_deleted(applicant):
    from applications.models import ExpressionOfInterest

    ExpressionOfInterest.objects.create(email=applicant.email.upper(), message="Prévenez-moi")
    ExpressionOfInterest.objects.create(email="quelquun@example.org")

    services.account_delete(user=applicant)

    assert list(ExpressionOfInterest.objects.values_list("email", flat=True)) == [
        "quelquun@example.org"
    ]


# --- Pages --------------------------------------------------------------------------------------


def test_my_data_page_links_the_download_and_the_deletion(client, applicant, files):
    login(client, applicant)

    html = client.get(reverse("privacy:my_data")).content.decode()

    assert reverse("privacy:export") in html
    assert reverse("privacy:delete") in html


def test_privacy_notice_tells_the_configured_periods_and_its_processors(client, settings):
    settings.RETENTION_DRAFT_MONTHS = 18
    settings.RETENTION_CLOSED_FILE_YEARS = 7
    settings.RETENTION_PHOTO_FILE_DAYS = 45
    settings.PRIVACY_PROCESSORS = "Hébergeur Exemple, en France"

    html = client.get(reverse("privacy:notice")).content.decode()

    assert "18 mois" in html and "7 ans" in html
    assert "le fichier est supprimé 45 jours après la décision" in " ".join(html.split())
    assert "Texte à compléter" not in html
    assert "Hébergeur Exemple, en France" in html
    assert "délégué à la protection des données" in html


def test_a_staff_uploaded_document_is_kept_out_of_the_export_data(applicant, files):
    data, documents = services.account_export_data(applicant)

    assert files["staff_document"].pk not in {attachment.pk for attachment, _path in documents}
    assert len(data["applications"]) == 3
