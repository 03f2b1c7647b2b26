"""HTML and JavaScript typed into every text field of a dossier (and the texts around it) are
shown as text on every page that shows them, in the receipt PDF, and in the mails."""

import io

import pytest
from django.db import models
from django.urls import reverse
from pypdf import PdfReader

from applications.enums import ApplicationState as S
from applications.models import Application, ApplicationEvent, Attachment, Message
from callforms.declaration import form_for
from label.models import OutboxMail, User
from tests.conftest import login
from tests.factories import AssignmentFactory
from tests.factories.reviews import grid_for
from tests.privacy.test_privacy import application_in

pytestmark = pytest.mark.django_db

SHORT_PAYLOAD = "<img src=x onerror=alert(1)>"
# Fields that are not free text, or too short to hold markup.
NOT_FREE_TEXT = {"reference", "search_text", "themes_index", "state", "siret", "postcode"}


def payload(name):
    return f"<script>alert('xss-{name}')</script><b onmouseover=alert(1)>{name}</b>"


def text_fields():
    """The free-text fields of an application, with the markup each can hold."""
    fields = {}
    for field in Application._meta.concrete_fields:
        if not isinstance(field, (models.CharField, models.TextField)):
            continue
        if field.name in NOT_FREE_TEXT or field.choices:
            continue
        limit = field.max_length or 10_000
        if len(payload(field.name)) <= limit:
            fields[field.name] = payload(field.name)
        elif len(SHORT_PAYLOAD) <= limit:
            fields[field.name] = SHORT_PAYLOAD
    return fields


def text_answers(application):
    """The answers of the file with markup in every text answer and table text cell."""
    answers = dict(application.answers or {})
    for question in form_for(application.wave).answer_questions():
        if question.kind in ("short_text", "long_text"):
            answers[question.key] = payload(question.key)
        elif question.kind == "table" and answers.get(question.key):
            answers[question.key] = [
                {**row, "source": payload("financing")} for row in answers[question.key]
            ]
    return answers


RAW_MARKERS = ("<script>alert(", "<b onmouseover", "<img src=x")


def assert_no_raw_markup(html, where):
    for marker in RAW_MARKERS:
        assert marker not in html, f"{where}: {marker!r} rendered as markup"


def poison(application, *, staff=None):
    """Put markup in every free text of a file and of what hangs on it."""
    Application.objects.filter(pk=application.pk).update(
        **text_fields(), answers=text_answers(application)
    )
    Attachment.objects.filter(application=application).update(original_name=payload("document"))
    Message.objects.create(
        application=application, author=application.owner, body=payload("message")
    )
    ApplicationEvent.objects.create(
        application=application,
        transition="request_changes",
        from_state=S.SUBMITTED,
        to_state=S.CHANGES_REQUESTED,
        actor=staff,
        message=payload("event"),
        internal_note=payload("note"),
    )
    if staff is not None:
        application.staff_notes.create(author=staff, body=payload("staffnote"))
    return Application.objects.get(pk=application.pk)


@pytest.fixture
def evil_owner(applicant):
    User.objects.filter(pk=applicant.pk).update(
        full_name=payload("owner")[:150], organisation=payload("organisation")
    )
    applicant.refresh_from_db()
    return applicant


@pytest.fixture
def files(evil_owner, open_wave, instruction_user):
    grid_for(open_wave)
    return {
        state: poison(
            application_in(state, owner=evil_owner, wave=open_wave), staff=instruction_user
        )
        for state in (S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.DELIBERATION)
    }


def test_the_payloads_reach_every_free_text_field():
    fields = text_fields()

    assert {"title", "summary", "holder_name", "contact_name"} <= set(fields)


@pytest.mark.django_db
def test_the_payloads_reach_every_text_answer(applicant, open_wave):
    answers = text_answers(application_in(S.DRAFT, owner=applicant, wave=open_wave))

    assert {"description", "contribution_transition", "partners", "expected_support"} <= set(
        answers
    )
    assert answers["financing_lines"][0]["source"] == payload("financing")


def _pages_of_applicant(files):
    draft, filed = files[S.DRAFT], files[S.SUBMITTED]
    pages = [
        reverse("applications:applicant_home"),
        reverse("applications:detail", kwargs={"pk": filed.pk}),
        reverse("applications:detail", kwargs={"pk": draft.pk}),
        reverse("applications:dossier_summary", kwargs={"pk": draft.pk}),
        reverse("applications:submit", kwargs={"pk": draft.pk}),
        reverse("applications:withdraw", kwargs={"pk": filed.pk}),
        reverse("privacy:delete"),
        reverse("accounts:profile"),
    ]
    for section in ("porteur", "projet", "contribution", "budget", "pieces", "consentement"):
        pages.append(reverse("applications:dossier", kwargs={"pk": draft.pk, "section": section}))
    return pages


def test_applicant_pages_show_markup_as_text(client, evil_owner, files):
    login(client, evil_owner)

    for url in _pages_of_applicant(files):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert_no_raw_markup(html, url)
    detail = client.get(reverse("applications:detail", kwargs={"pk": files[S.SUBMITTED].pk}))
    assert "&lt;script&gt;alert(&#x27;xss-title&#x27;)" in detail.content.decode()


def test_staff_pages_show_markup_as_text(client, instruction_user, files):
    login(client, instruction_user)
    pages = [
        reverse("applications:instruction_home"),
        reverse("applications:instruction_detail", kwargs={"pk": files[S.SUBMITTED].pk}),
        reverse("applications:instruction_detail", kwargs={"pk": files[S.IN_REVIEW].pk}),
        reverse("reviews:ranking", kwargs={"wave_pk": files[S.SUBMITTED].wave_id}),
        reverse("reviews:jury_file", kwargs={"pk": files[S.DELIBERATION].pk}),
    ]

    for url in pages:
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert_no_raw_markup(html, url)
    detail = client.get(pages[1]).content.decode()
    for name in ("title", "description", "staffnote", "note", "message", "financing", "owner"):
        assert f"alert(&#x27;xss-{name}&#x27;)" in detail, name


def test_reviewer_page_shows_markup_as_text(client, files):
    assignment = AssignmentFactory(application=files[S.IN_REVIEW], accepted=True)
    login(client, assignment.reviewer)

    response = client.get(reverse("reviews:review", kwargs={"pk": assignment.pk}))

    html = response.content.decode()
    assert response.status_code == 200
    assert_no_raw_markup(html, "review")
    assert "alert(&#x27;xss-description&#x27;)" in html


def test_jury_page_shows_markup_as_text(client, jury_member, files):
    login(client, jury_member)

    response = client.get(reverse("reviews:jury_file", kwargs={"pk": files[S.DELIBERATION].pk}))

    assert response.status_code == 200
    assert_no_raw_markup(response.content.decode(), "jury")


def test_the_receipt_pdf_prints_markup_as_text(client, evil_owner, files):
    login(client, evil_owner)

    response = client.get(reverse("applications:receipt", kwargs={"pk": files[S.SUBMITTED].pk}))

    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
    ).replace("\n", "")
    assert "<script>alert('xss-title')</script>" in text
    # pypdf may drop the spaces between words: compare without them.
    assert "<bonmouseover=alert(1)>holder_name</b>" in text.replace(" ", "")
    assert "<script>alert('xss-contact_name')</script>" in text


def test_mails_escape_markup_in_their_html(client, instruction_user, files):
    login(client, instruction_user)

    client.post(
        reverse("applications:instruction_message", kwargs={"pk": files[S.SUBMITTED].pk}),
        {"message-body": payload("staffmail")},
    )

    mail = OutboxMail.objects.get()
    assert_no_raw_markup(mail.body_html, "mail")
    assert "&lt;script&gt;alert(&#x27;xss-staffmail&#x27;)" in mail.body_html


def test_markup_typed_in_the_form_is_kept_as_typed(client, evil_owner, files):
    """Nothing is stripped on the way in (the person's text is theirs): output escapes it."""
    draft = files[S.DRAFT]
    login(client, evil_owner)

    client.post(
        reverse("applications:dossier", kwargs={"pk": draft.pk, "section": "projet"}),
        {"title": "<script>alert('saisi')</script>"},
    )

    assert Application.objects.get(pk=draft.pk).title == "<script>alert('saisi')</script>"
