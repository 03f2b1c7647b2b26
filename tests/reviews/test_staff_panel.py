"""The review panel of the staff application page, the hand-over to the jury, the export."""

import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from applications.enums import ApplicationState
from applications.exports import export_columns_for, export_rows
from applications.models import Application, ApplicationEvent
from reviews.jury import services
from tests.conftest import login
from tests.factories import AssignmentFactory
from tests.factories.reviews import application_in_state, review_with_scores

pytestmark = pytest.mark.django_db


def _staff_page(client, application):
    return client.get(reverse("applications:instruction_detail", kwargs={"pk": application.pk}))


def test_panel_shows_assignments_conflicts_reviews_and_the_jury_form(
    client, instruction_user, file_in_review, make_reviewer
):
    done = AssignmentFactory(
        application=file_in_review, reviewer=make_reviewer(full_name="Ada Note")
    )
    review_with_scores(done, 4, private_comment="Réservé au jury", shared_comment="Bravo")
    AssignmentFactory(
        application=file_in_review,
        reviewer=make_reviewer(full_name="Cy Conflit"),
        conflicted=True,
        conflict_reason="Salarié du porteur",
    )
    AssignmentFactory(application=file_in_review, reviewer=make_reviewer(full_name="Pat Attente"))
    login(client, instruction_user)

    body = _staff_page(client, file_in_review).content.decode()

    assert "Ada Note" in body and "Évaluation remise" in body
    assert "Cy Conflit" in body and "Salarié du porteur" in body
    assert "Pat Attente" in body
    assert "Réservé au jury" in body
    assert "80,0" in body  # 4 / 5 everywhere
    assert reverse("reviews:send_to_jury", kwargs={"pk": file_in_review.pk}) in body
    assert "1 évaluation attendue n'est pas remise." in body
    assert reverse("reviews:assignments", kwargs={"wave_pk": file_in_review.wave_id}) in body


def test_send_to_jury_refuses_pending_reviews_unless_waived(
    client, instruction_user, file_in_review
):
    AssignmentFactory(application=file_in_review)
    login(client, instruction_user)
    url = reverse("reviews:send_to_jury", kwargs={"pk": file_in_review.pk})

    refused = client.post(url, {"note": ""}, follow=True)

    file_in_review.refresh_from_db()
    assert file_in_review.state == ApplicationState.IN_REVIEW
    assert "ne sont pas remises" in refused.content.decode()

    client.post(url, {"waive_missing": "on", "note": "Évaluateur injoignable."})

    file_in_review.refresh_from_db()
    assert file_in_review.state == ApplicationState.DELIBERATION
    assert file_in_review.missing_reviews_waived is True
    event = ApplicationEvent.objects.get(application=file_in_review, transition="send_to_jury")
    assert event.internal_note == "Évaluateur injoignable."


def test_send_to_jury_with_every_review_in(client, instruction_user, file_in_review):
    review_with_scores(AssignmentFactory(application=file_in_review), 3)
    login(client, instruction_user)

    response = client.post(reverse("reviews:send_to_jury", kwargs={"pk": file_in_review.pk}))

    assert response.status_code == 302
    file_in_review.refresh_from_db()
    assert file_in_review.state == ApplicationState.DELIBERATION
    assert file_in_review.missing_reviews_waived is False


def test_send_to_jury_twice_tells_the_second_that_the_state_changed(
    client, instruction_user, file_in_review
):
    login(client, instruction_user)
    url = reverse("reviews:send_to_jury", kwargs={"pk": file_in_review.pk})
    client.post(url)

    second = client.post(url, follow=True)

    assert "son état a changé" in second.content.decode()
    assert ApplicationEvent.objects.filter(transition="send_to_jury").count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_two_staff_sending_to_jury_at_once_one_wins_on_postgresql(instruction_user, wave):
    from django.contrib.auth import get_user_model

    from label.enums import Role
    from tests.factories import UserFactory

    file = application_in_state(wave=wave)
    other = UserFactory(roles=[Role.INSTRUCTION])
    users = [get_user_model().objects.get(pk=instruction_user.pk), other]
    barrier = threading.Barrier(2)
    outcomes = []

    def move(user):
        try:
            barrier.wait()
            services.send_to_jury(application=Application.objects.get(pk=file.pk), by=user)
            outcomes.append("ok")
        except Exception as error:  # noqa: BLE001 -- the loser's exception is the result
            outcomes.append(type(error).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=move, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["TransitionNotAllowed", "ok"]
    assert ApplicationEvent.objects.filter(application=file, transition="send_to_jury").count() == 1


def test_export_has_score_columns_in_constant_queries(
    wave, make_reviewer, django_assert_max_num_queries
):
    from tests.factories.reviews import build_reviewed_wave

    files = build_reviewed_wave(wave, applications=20, reviews_per_application=3)
    columns = export_columns_for(["reference", "review_count", "score_mean", "score_median"])

    with django_assert_max_num_queries(4):
        rows = list(export_rows(Application.objects.filter(wave=wave).order_by("pk"), columns))

    assert rows[0] == [
        "Référence",
        "Évaluations remises",
        "Note moyenne (sur 100)",
        "Note médiane (sur 100)",
    ]
    assert len(rows) == 1 + len(files)
    assert all(row[1] == 3 and 0 <= row[2] <= 100 for row in rows[1:])


def test_applicant_never_sees_reviewers_names_or_private_comments(
    client, applicant, file_in_review, make_reviewer
):
    reviewer = make_reviewer(full_name="Nom Secret")
    review_with_scores(
        AssignmentFactory(application=file_in_review, reviewer=reviewer),
        4,
        shared_comment="Retour partagé",
        private_comment="Commentaire privé",
    )
    Application.objects.filter(pk=file_in_review.pk).update(state=ApplicationState.REFUSED)
    file_in_review.refresh_from_db()
    login(client, applicant)

    body = client.get(
        reverse("applications:detail", kwargs={"pk": file_in_review.pk})
    ).content.decode()

    assert "Nom Secret" not in body
    assert "Commentaire privé" not in body
    from django.template.loader import render_to_string

    fragment = render_to_string("reviews/_applicant_feedback.html", {"application": file_in_review})
    assert "Retour partagé" in fragment
    assert "Nom Secret" not in fragment and "Commentaire privé" not in fragment


def test_applicant_feedback_waits_for_the_decision(file_in_review):
    review_with_scores(AssignmentFactory(application=file_in_review), 4, shared_comment="Bravo")
    from django.template.loader import render_to_string

    fragment = render_to_string("reviews/_applicant_feedback.html", {"application": file_in_review})

    assert "Bravo" not in fragment
