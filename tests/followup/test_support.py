"""Support requests: the holder asks, staff answer and own the request, mails go by the outbox."""

import pytest
from django.urls import reverse

from applications.enums import ApplicationState
from applications.models import Application
from followup.enums import SupportKind, SupportRequestStatus
from followup.models import SupportRequest
from label.models import OutboxMail
from tests.conftest import login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def ask(client, project, **data):
    payload = {
        "kind": SupportKind.COMMUNICATION,
        "subject": "Kit du logo",
        "body": "Pourriez-vous nous envoyer le kit du logo et ses règles d'usage ?",
    }
    payload.update(data)
    return client.post(reverse("followup:request_create", args=[project.pk]), payload)


def test_holder_asks_for_communication_support_staff_are_mailed(
    holder_client, project, instruction_user
):
    ask(holder_client, project)

    support_request = SupportRequest.objects.get(application=project)
    assert support_request.kind == SupportKind.COMMUNICATION
    assert support_request.status == SupportRequestStatus.OPEN
    assert [m.body for m in support_request.messages.all()] == [
        "Pourriez-vous nous envoyer le kit du logo et ses règles d'usage ?"
    ]
    mail = OutboxMail.objects.get(template="followup_request_new")
    assert mail.to == instruction_user.email
    assert "Kit du logo" in mail.body_text


def test_request_without_subject_is_refused_with_field_error(holder_client, project):
    response = ask(holder_client, project, subject="")

    assert not SupportRequest.objects.exists()
    assert 'href="#id_subject"' in response.content.decode()


def test_staff_answer_takes_ownership_and_mails_holder(holder_client, project, instruction_user):
    ask(holder_client, project)
    support_request = SupportRequest.objects.get()
    login(holder_client, instruction_user)

    holder_client.post(
        reverse("followup:staff_request_message", args=[support_request.pk]),
        {"body": "Voici le kit : logo et charte."},
    )

    support_request.refresh_from_db()
    assert support_request.status == SupportRequestStatus.IN_PROGRESS
    assert support_request.owner == instruction_user
    last = support_request.messages.last()
    assert last.from_staff and last.body == "Voici le kit : logo et charte."
    mail = OutboxMail.objects.get(template="followup_request_reply")
    assert mail.to == project.owner.email


def test_holder_reply_goes_to_the_staff_owner_only(holder_client, project, holder, roles):
    ask(holder_client, project)
    support_request = SupportRequest.objects.get()
    owner = UserFactory(roles=["instruction"])
    UserFactory(roles=["instruction"])
    SupportRequest.objects.filter(pk=support_request.pk).update(
        owner=owner, status=SupportRequestStatus.CLOSED
    )

    holder_client.post(
        reverse("followup:request_message", args=[support_request.pk]), {"body": "Merci !"}
    )

    support_request.refresh_from_db()
    assert support_request.status == SupportRequestStatus.OPEN
    mails = OutboxMail.objects.filter(template="followup_request_message")
    assert list(mails.values_list("to", flat=True)) == [owner.email]


def test_staff_set_status_and_owner(staff_client, project, holder, instruction_user):
    from followup.services import support_request_create

    support_request = support_request_create(
        application=project, by=holder, kind=SupportKind.NETWORKING, subject="Réseau", body="?"
    )
    prefix = f"r{support_request.pk}"

    staff_client.post(
        reverse("followup:request_update", args=[support_request.pk]),
        {f"{prefix}-status": SupportRequestStatus.CLOSED, f"{prefix}-owner": instruction_user.pk},
    )

    support_request.refresh_from_db()
    assert support_request.status == SupportRequestStatus.CLOSED
    assert support_request.owner == instruction_user


def test_holder_cannot_update_request_or_write_as_staff(holder_client, project):
    ask(holder_client, project)
    support_request = SupportRequest.objects.get()

    holder_client.post(
        reverse("followup:request_update", args=[support_request.pk]),
        {f"r{support_request.pk}-status": SupportRequestStatus.CLOSED},
    )
    holder_client.post(
        reverse("followup:staff_request_message", args=[support_request.pk]), {"body": "x"}
    )

    support_request.refresh_from_db()
    assert support_request.status == SupportRequestStatus.OPEN
    assert support_request.messages.count() == 1


def test_stranger_cannot_write_in_a_thread(client, holder_client, project, roles):
    ask(holder_client, project)
    support_request = SupportRequest.objects.get()
    login(client, UserFactory())

    response = client.post(
        reverse("followup:request_message", args=[support_request.pk]), {"body": "Intrus"}
    )

    assert response.status_code == 404
    assert support_request.messages.count() == 1


def test_revoked_label_cannot_ask_for_support(holder_client, project):
    Application.objects.filter(pk=project.pk).update(state=ApplicationState.REVOKED)

    ask(holder_client, project)

    assert not SupportRequest.objects.exists()


def test_rolled_back_request_sends_no_mail(project, holder, roles, instruction_user):
    from django.db import transaction

    from followup.services import support_request_create

    with pytest.raises(RuntimeError), transaction.atomic():
        support_request_create(
            application=project, by=holder, kind=SupportKind.METHOD, subject="x", body="y"
        )
        raise RuntimeError

    assert not OutboxMail.objects.exists()
    assert not SupportRequest.objects.exists()


def test_application_page_links_to_the_followup(holder_client, project):
    page = holder_client.get(reverse("applications:detail", args=[project.pk])).content.decode()

    assert reverse("followup:holder", args=[project.pk]) in page


def test_applicant_home_links_to_the_followup(holder_client, project):
    page = holder_client.get(reverse("applications:applicant_home")).content.decode()

    assert reverse("followup:holder", args=[project.pk]) in page
