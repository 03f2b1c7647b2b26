"""Documents of a file for its readers: a reviewer of it, a jury member not kept away from it,
instruction past its second factor; every download audited (issue 17)."""

import pytest
from django.urls import reverse

from applications.enums import ApplicationState
from applications.models import Message
from label.enums import Role
from label.models import AuditAction, AuditEvent
from reviews.models import Recusal
from tests.conftest import login
from tests.factories import AssignmentFactory, UserFactory
from tests.factories.applications import AttachmentFactory
from tests.factories.jury import jury_member
from tests.factories.reviews import ReviewerFactory, application_in_state

pytestmark = pytest.mark.django_db


def _url(attachment):
    return reverse(
        "applications:attachment_download", args=[attachment.application_id, attachment.pk]
    )


@pytest.fixture
def in_deliberation(open_wave):
    application = application_in_state(ApplicationState.DELIBERATION, wave=open_wave)
    return application, AttachmentFactory(application=application)


@pytest.fixture
def in_review(open_wave):
    application = application_in_state(ApplicationState.IN_REVIEW, wave=open_wave)
    return application, AttachmentFactory(application=application)


def _downloads(client, attachment):
    response = client.get(_url(attachment))
    if response.status_code == 200:
        b"".join(response.streaming_content)
    return response.status_code


def test_a_jury_member_downloads_a_document_of_a_file_in_deliberation(
    client, roles, in_deliberation
):
    _application, attachment = in_deliberation
    member = jury_member()
    login(client, member)

    assert _downloads(client, attachment) == 200
    event = AuditEvent.objects.get(action=AuditAction.DOWNLOAD, actor=member)
    assert event.name == "applications:attachment_download"
    assert (event.object_type, event.object_id) == ("attachment", str(attachment.pk))


def test_a_recused_jury_member_does_not(client, roles, in_deliberation):
    application, attachment = in_deliberation
    member = jury_member()
    Recusal.objects.create(
        wave=application.wave, application=application, member=member, reason="Ma sœur."
    )
    login(client, member)

    assert _downloads(client, attachment) == 404


def test_a_jury_member_without_the_second_factor_does_not(client, roles, in_deliberation):
    _application, attachment = in_deliberation
    login(client, jury_member(), otp_verified=False)

    assert client.get(_url(attachment)).status_code in {302, 404}


def test_a_jury_member_does_not_read_a_file_not_before_the_jury(client, roles, in_review):
    _application, attachment = in_review
    login(client, jury_member())

    assert _downloads(client, attachment) == 404


def test_an_assigned_reviewer_who_accepted_downloads(client, roles, in_review):
    application, attachment = in_review
    reviewer = ReviewerFactory()
    AssignmentFactory(application=application, reviewer=reviewer, accepted=True)
    login(client, reviewer)

    assert _downloads(client, attachment) == 200
    assert AuditEvent.objects.filter(action=AuditAction.DOWNLOAD, actor=reviewer).count() == 1


@pytest.mark.parametrize("assignment", ["none", "not_accepted", "conflicted"])
def test_other_reviewers_do_not(client, roles, in_review, assignment):
    application, attachment = in_review
    reviewer = ReviewerFactory()
    if assignment == "not_accepted":
        AssignmentFactory(application=application, reviewer=reviewer)
    elif assignment == "conflicted":
        AssignmentFactory(
            application=application, reviewer=reviewer, accepted=True, conflicted=True
        )
    login(client, reviewer)

    assert _downloads(client, attachment) == 404


def test_a_reviewer_does_not_read_a_message_attachment(client, roles, in_review):
    application, _attachment = in_review
    reviewer = ReviewerFactory()
    AssignmentFactory(application=application, reviewer=reviewer, accepted=True)
    private = AttachmentFactory(application=application, original_name="rib.pdf")
    Message.objects.create(
        application=application, author=application.owner, body="Mon RIB.", attachment=private
    )
    login(client, reviewer)

    assert _downloads(client, private) == 404


def test_instruction_downloads_only_past_the_second_factor(client, roles, in_review):
    _application, attachment = in_review
    staff = UserFactory(roles=[Role.INSTRUCTION])

    login(client, staff, otp_verified=False)
    assert client.get(_url(attachment)).status_code in {302, 404}

    login(client, staff)
    assert _downloads(client, attachment) == 200


def test_another_applicant_does_not(client, roles, in_review):
    _application, attachment = in_review
    login(client, UserFactory(roles=[Role.APPLICANT]))

    assert _downloads(client, attachment) == 404


@pytest.mark.parametrize(
    "name",
    [
        "followup:convention_pdf",
        "followup:staff_convention_pdf",
        "followup:photo_file",
        "followup:staff_export",
    ],
)
def test_the_follow_up_reads_are_audited(name):
    from label.audit import AUDITED_READS

    assert name in AUDITED_READS


def test_a_report_photo_is_recorded_with_its_file():
    from django.urls import resolve

    from label.audit import describe_target

    match = resolve(reverse("followup:photo_file", args=[987654]))

    object_type, object_id, application_id, _others = describe_target(match)

    assert (object_type, object_id, application_id) == ("report_photo", 987654, None)


def test_the_jury_file_page_links_its_documents(client, roles, in_deliberation):
    application, attachment = in_deliberation
    login(client, jury_member())

    page = client.get(reverse("reviews:jury_file", args=[application.pk])).content.decode()

    assert f'href="{_url(attachment)}"' in page
