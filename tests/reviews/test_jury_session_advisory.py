"""Advisory panels (« Jury jeunes »): opinions per shortlisted file, seen in session and cited
in the minutes (issue 16)."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pypdf import PdfReader

from label.enums import Role
from reviews.jury import sessions
from reviews.models import AdvisoryOpinion, AdvisoryPanel
from tests.conftest import login
from tests.factories import UserFactory
from tests.factories.jury import jury_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def student(roles):
    return UserFactory(roles=[Role.APPLICANT], full_name="Lou Lycéenne", organisation="Lycée")


@pytest.fixture
def panel(wave, student):
    panel = AdvisoryPanel.objects.create(wave=wave, name="Jury jeunes")
    panel.members.set([student])
    return panel


def test_panel_member_gives_an_opinion_on_the_page(client, panel, student, deliberation):
    strong = deliberation[0]
    login(client, student)
    page = client.get(reverse("reviews:advisory_panel", args=[panel.pk])).content.decode()
    assert strong.title in page

    client.post(
        reverse("reviews:advisory_panel", args=[panel.pk]),
        {
            "application": strong.pk,
            f"a{strong.pk}-opinion": "reserved",
            f"a{strong.pk}-comment": "Bien, mais le budget inquiète.",
        },
    )

    opinion = AdvisoryOpinion.objects.get(application=strong, member=student)
    assert (opinion.opinion, opinion.comment) == ("reserved", "Bien, mais le budget inquiète.")


def test_non_member_is_refused(client, panel, deliberation, roles):
    outsider = UserFactory(roles=[Role.APPLICANT])
    login(client, outsider)
    assert client.get(reverse("reviews:advisory_panel", args=[panel.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        sessions.advisory_opinion_give(
            panel=panel, application=deliberation[0], member=outsider, opinion="favourable"
        )
    assert not AdvisoryOpinion.objects.exists()


def test_member_in_conflict_gives_no_opinion(panel, student, deliberation):
    student.organisation = deliberation[0].holder_name
    student.save()
    with pytest.raises(ValidationError, match="conflit"):
        sessions.advisory_opinion_give(
            panel=panel, application=deliberation[0], member=student, opinion="favourable"
        )
    assert not AdvisoryOpinion.objects.exists()


def test_opinions_appear_in_session_and_minutes(
    client, panel, student, deliberation, wave, instruction_user
):
    strong = deliberation[0]
    sessions.advisory_opinion_give(
        panel=panel,
        application=strong,
        member=student,
        opinion="favourable",
        comment="Les jeunes du quartier y participent.",
    )
    members = [jury_member(full_name="Paule Présidente"), jury_member(full_name="Marc Membre")]
    session = sessions.jury_session_open(
        wave=wave,
        by=instruction_user,
        held_on=datetime.date(2027, 6, 20),
        place="Lens",
        members_convened=members,
        president=members[0],
    )
    sessions.session_go_to(
        session=session, item=session.items.get(application=strong), by=instruction_user
    )

    login(client, members[1])
    html = client.get(reverse("reviews:jury_session_screen", args=[session.pk])).json()["html"]
    assert "Jury jeunes — Favorable : Les jeunes du quartier y participent." in html

    response = client.get(reverse("reviews:jury_session_minutes", args=[session.pk]))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(b"".join(response))).pages)
    assert "Jury jeunes — Favorable : Les jeunes du quartier y participent." in " ".join(
        text.split()
    )
