"""Defect 6: the completion request gives its reply deadline; staff hear of a file filed again."""

from datetime import date

import pytest
from django.urls import reverse
from django_fsm import TransitionNotAllowed

from applications import workflow
from applications.enums import ApplicationState as S
from applications.models import Application
from label.enums import Role
from label.models import OutboxMail
from tests.factories import ApplicationFactory
from tests.factories.label import UserFactory


def in_state(state, **kwargs):
    application = ApplicationFactory(complete=True, **kwargs)
    Application.objects.filter(pk=application.pk).update(state=state, reference="EL11-0007")
    return Application.objects.get(pk=application.pk)


@pytest.mark.django_db
def test_completion_request_mail_gives_the_reply_deadline(instruction_user):
    application = in_state(S.SUBMITTED)

    workflow.application_request_changes(
        application=application,
        by=instruction_user,
        message="Ajoutez le plan de financement signé.",
        deadline=date(2027, 3, 15),
    )

    mail = OutboxMail.objects.get(to=application.owner.email)
    assert "au plus tard le 15 mars 2027" in mail.body_text
    assert "au plus tard le 15 mars 2027" in mail.body_html
    assert "Ajoutez le plan de financement signé." in mail.body_text


@pytest.mark.django_db
def test_completion_request_without_deadline_says_none(instruction_user):
    application = in_state(S.SUBMITTED)

    workflow.application_request_changes(
        application=application, by=instruction_user, message="Précisez le calendrier."
    )

    assert "au plus tard" not in OutboxMail.objects.get(to=application.owner.email).body_text


@pytest.mark.django_db
def test_refiling_mails_every_active_member_of_the_instruction_team(applicant, instruction_user):
    other_staff = UserFactory(roles=[Role.INSTRUCTION])
    UserFactory(roles=[Role.INSTRUCTION], is_active=False)
    reviewer = UserFactory(roles=[Role.REVIEWER])
    application = in_state(S.CHANGES_REQUESTED, owner=applicant)

    workflow.application_resubmit(
        application=application, by=applicant, reply="Le budget signé est joint."
    )

    recipients = set(OutboxMail.objects.values_list("to", flat=True))
    assert recipients == {applicant.email, instruction_user.email, other_staff.email}
    assert reviewer.email not in recipients
    staff_mail = OutboxMail.objects.get(to=other_staff.email)
    assert staff_mail.template == "staff_refiled"
    assert "EL11-0007" in staff_mail.subject
    assert "Le budget signé est joint." in staff_mail.body_text
    assert reverse("applications:instruction_detail", args=[application.pk]) in (
        staff_mail.body_text
    )


@pytest.mark.django_db(transaction=True)
def test_refused_refiling_mails_no_one(applicant, instruction_user):
    # An incomplete dossier cannot be filed again: no mail to anyone.
    application = ApplicationFactory(owner=applicant)
    Application.objects.filter(pk=application.pk).update(state=S.CHANGES_REQUESTED)
    application.refresh_from_db()

    with pytest.raises(TransitionNotAllowed):
        workflow.application_resubmit(application=application, by=applicant)

    assert not OutboxMail.objects.exists()
