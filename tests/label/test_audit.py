"""The audit trail: what is recorded, that it is append-only, and its admin list."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from applications.enums import ApplicationState as S
from label.audit import AUDITED_READS
from label.models import AuditAction, AuditEvent
from label.models.audit import AppendOnlyError
from tests.applications.test_exports import export
from tests.applications.test_instruction_dashboard import staff_application
from tests.conftest import DEMO_PASSWORD, login
from tests.factories import AssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"


@pytest.fixture
def filed(open_wave, applicant):
    return staff_application(open_wave, number=7, owner=applicant, state=S.SUBMITTED)


def events(**filters):
    return list(AuditEvent.objects.filter(**filters).order_by("pk"))


# --- Append-only -----------------------------------------------------------------------------


def test_an_event_cannot_be_changed_or_deleted():
    event = AuditEvent.objects.create(action=AuditAction.LOGIN)

    event.name = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(name="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()

    assert AuditEvent.objects.get(pk=event.pk).name == ""


def test_deleting_an_account_keeps_its_events(applicant):
    AuditEvent.objects.create(action=AuditAction.LOGIN, actor=applicant)
    user_id = applicant.pk

    applicant.delete()

    assert AuditEvent.objects.get().actor_id == user_id


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_a_raw_update():
    from django.db import DatabaseError, transaction

    event = AuditEvent.objects.create(action=AuditAction.LOGIN)

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE label_auditevent SET name = 'x' WHERE id = %s", [event.pk])

    assert AuditEvent.objects.get(pk=event.pk).name == ""


# --- Reads ------------------------------------------------------------------------------------


def test_the_staff_page_of_a_file_is_recorded_with_who_and_from_where(
    client, instruction_user, filed
):
    login(client, instruction_user)

    client.get(
        reverse("applications:instruction_detail", kwargs={"pk": filed.pk}),
        HTTP_USER_AGENT=BROWSER,
        REMOTE_ADDR="192.0.2.10",
    )

    (event,) = events(action=AuditAction.VIEW)
    assert event.actor_id == instruction_user.pk
    assert event.name == "applications:instruction_detail"
    assert (event.object_type, event.object_id) == ("application", str(filed.pk))
    assert (event.application_id, event.application_reference) == (filed.pk, "EL11-0007")
    assert event.ip_address == "192.0.2.10" and event.user_agent == BROWSER
    assert event.status_code == 200


def test_a_document_download_is_recorded(client, instruction_user, filed):
    attachment = filed.attachments.get()
    login(client, instruction_user)

    response = client.get(
        reverse(
            "applications:attachment_download",
            kwargs={"pk": filed.pk, "attachment_pk": attachment.pk},
        )
    )
    # Read to the end: the test client then closes the file as a WSGI server would.
    assert b"".join(response.streaming_content)

    (event,) = events(action=AuditAction.DOWNLOAD)
    assert (event.object_type, event.object_id) == ("attachment", str(attachment.pk))
    assert event.application_reference == "EL11-0007"
    assert event.extra["objects"] == {"application": filed.pk}


def test_the_owner_downloading_the_receipt_is_recorded(client, applicant, filed):
    login(client, applicant)

    client.get(reverse("applications:receipt", kwargs={"pk": filed.pk}))

    (event,) = events(action=AuditAction.DOWNLOAD)
    assert event.actor_id == applicant.pk and event.name == "applications:receipt"


def test_an_export_is_recorded(client, instruction_user, filed):
    login(client, instruction_user)

    # The export is written in the background: its file's download is the recorded read.
    response = export(client, {"format": "csv"})

    (event,) = events(action=AuditAction.EXPORT)
    assert event.name == "applications:instruction_export_download"
    assert event.extra["path"] == response.wsgi_request.path


def test_a_reviewer_opening_a_file_is_recorded_against_the_file(client, filed):
    from applications.models import Application

    Application.objects.filter(pk=filed.pk).update(state=S.IN_REVIEW)
    assignment = AssignmentFactory(application=filed, accepted=True)
    login(client, assignment.reviewer)

    response = client.get(reverse("reviews:review", kwargs={"pk": assignment.pk}))

    (event,) = events(action=AuditAction.VIEW)
    assert response.status_code == 200
    assert (event.object_type, event.object_id) == ("assignment", str(assignment.pk))
    assert event.application_id == filed.pk


def test_refused_reads_and_the_owners_own_pages_are_not_reads(client, applicant, filed, reviewer):
    login(client, applicant)
    client.get(reverse("applications:detail", kwargs={"pk": filed.pk}))
    login(Client(), reviewer).get(
        reverse("applications:instruction_detail", kwargs={"pk": filed.pk})
    )
    Client().get(reverse("applications:instruction_detail", kwargs={"pk": filed.pk}))

    assert not events(action=AuditAction.VIEW)


def test_the_admin_change_page_of_a_file_is_a_read(client, roles, filed):
    admin = UserFactory(is_staff=True, is_superuser=True)
    login(client, admin)

    client.get(reverse("admin:applications_application_change", args=[filed.pk]))
    client.get(reverse("admin:applications_application_changelist"))

    (event,) = events(action=AuditAction.VIEW)
    assert event.object_type == "applications.application"
    assert event.application_reference == "EL11-0007"


# --- Staff actions ------------------------------------------------------------------------------


def test_every_staff_form_is_recorded_with_its_url_name(client, instruction_user, filed):
    login(client, instruction_user)

    client.post(
        reverse("applications:instruction_note", kwargs={"pk": filed.pk}),
        {"note-body": "Pièce à vérifier."},
    )

    (event,) = events(action=AuditAction.STAFF_ACTION)
    assert event.name == "applications:instruction_note"
    assert event.status_code == 302
    assert event.application_reference == "EL11-0007"
    assert event.extra["method"] == "POST"
    # The posted text is in the file, not in the trail.
    assert "Pièce à vérifier" not in str(event.extra)


def test_a_refused_attempt_at_a_staff_form_is_recorded_too(client, applicant, filed):
    login(client, applicant)

    client.post(
        reverse("applications:instruction_declare_ineligible", kwargs={"pk": filed.pk}),
        {"declare_ineligible-motivation": "Non."},
    )

    (event,) = events(action=AuditAction.STAFF_ACTION)
    assert event.actor_id == applicant.pk and event.status_code == 403


def test_an_applicants_own_form_is_not_a_staff_action(client, applicant, filed):
    login(client, applicant)

    client.post(reverse("applications:detail", kwargs={"pk": filed.pk}), {"body": "Bonjour"})

    assert not events(action=AuditAction.STAFF_ACTION)


def test_login_and_logout_are_recorded(client, applicant):
    client.post(reverse("accounts:login"), {"username": applicant.email, "password": DEMO_PASSWORD})
    client.post(reverse("accounts:logout"))

    assert [event.action for event in events(actor=applicant)] == [
        AuditAction.LOGIN,
        AuditAction.LOGOUT,
    ]


# --- Coverage of the pages that show files -----------------------------------------------------

# URL names that hand over a file or its documents, by their look; each must be audited.
SHOWS_A_FILE = re.compile(
    r"(download|attachment|receipt|export|zip|minutes|instruction_detail|staff_review|"
    r"^review$|jury_file|certificate_history)"
)


def _route_names():
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace in {
            "applications",
            "reviews",
            "label",
        }:
            for pattern in entry.url_patterns:
                if getattr(pattern, "name", None):
                    yield f"{entry.namespace}:{pattern.name}"


def test_every_page_that_shows_a_file_is_audited():
    """A new download or file page must be added to label.audit.AUDITED_READS."""
    missing = [
        name
        for name in _route_names()
        if SHOWS_A_FILE.search(name.split(":", 1)[1])
        and name not in AUDITED_READS
        and not name.endswith(("attachment_delete", "privacy_export"))
    ]

    assert missing == []


# --- The admin list ----------------------------------------------------------------------------


def test_administrators_list_and_filter_the_trail(client, roles, instruction_user, filed):
    admin = UserFactory(is_staff=True, is_superuser=True)
    login(Client(), instruction_user).get(
        reverse("applications:instruction_detail", kwargs={"pk": filed.pk})
    )
    AuditEvent.objects.create(action=AuditAction.LOGIN, actor=admin)
    login(client, admin)
    url = reverse("admin:label_auditevent_changelist")

    by_actor = client.get(url, {"actor": instruction_user.pk})
    by_action = client.get(url, {"action": AuditAction.VIEW})
    by_file = client.get(url, {"q": "EL11-0007"})
    by_link = client.get(url, {"application_reference": "EL11-0007"})
    by_date = client.get(url, {"created_at__gte": "2000-01-01 00:00:00+00:00"})

    view = events(action=AuditAction.VIEW)
    assert {event.actor_id for event in by_actor.context["cl"].result_list} == {instruction_user.pk}
    assert view[0] in by_actor.context["cl"].result_list
    assert list(by_action.context["cl"].result_list) == view
    assert list(by_file.context["cl"].result_list) == view
    assert list(by_link.context["cl"].result_list) == view
    assert 'href="?application_reference=EL11-0007"' in by_action.content.decode()
    assert by_date.context["cl"].result_count == AuditEvent.objects.count()
    assert client.get(reverse("admin:label_auditevent_add")).status_code == 403


def test_the_admin_cannot_delete_events(client, roles):
    admin = UserFactory(is_staff=True, is_superuser=True)
    event = AuditEvent.objects.create(action=AuditAction.LOGIN)
    login(client, admin)

    response = client.post(
        reverse("admin:label_auditevent_delete", args=[event.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
