"""The staff's to-do on /instruction/: one line per pending kind of work, counts and links."""

from datetime import date, timedelta

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from applications.enums import ApplicationState as S
from applications.models import Application
from applications.todo import todo_for_wave
from tests.conftest import login
from tests.factories import ApplicationFactory, WaveFactory
from tests.factories.jury import decision_for
from tests.factories.reviews import AssignmentFactory, application_in_state, review_with_scores

HOME = reverse("applications:instruction_home")


def refiled(wave):
    application = application_in_state(S.SUBMITTED, wave=wave)
    Application.objects.filter(pk=application.pk).update(
        submitted_at=timezone.now() - timedelta(days=10),
        last_submitted_at=timezone.now(),
    )
    return application


def first_filing(wave):
    application = application_in_state(S.SUBMITTED, wave=wave)
    Application.objects.filter(pk=application.pk).update(last_submitted_at=F("submitted_at"))
    return application


def by_key(entries):
    return {entry.key: entry for entry in entries}


@pytest.fixture
def staff_client(client, instruction_user):
    return login(client, instruction_user)


def test_todo_lines_come_in_order_with_the_reviews_lines_registered(open_wave):
    keys = [entry.key for entry in todo_for_wave(open_wave)]

    assert keys == [
        "refiled",
        "awaiting_eligibility",
        "reviews_overdue",
        "reviews_all_in",
        "decisions_missing",
        "catalogue_photos_pending",
    ]
    assert all(entry.count == 0 for entry in todo_for_wave(open_wave))


def test_todo_counts_each_kind_of_pending_work(open_wave):
    again = refiled(open_wave)
    first = first_filing(open_wave)
    ApplicationFactory(complete=True, wave=open_wave)  # a draft: nobody's work yet
    late = AssignmentFactory(
        application=application_in_state(S.IN_REVIEW, wave=open_wave),
        due_on=timezone.localdate() - timedelta(days=1),
    )
    done = AssignmentFactory(application=application_in_state(S.IN_REVIEW, wave=open_wave))
    review_with_scores(done, 3)
    AssignmentFactory(application=application_in_state(S.IN_REVIEW, wave=open_wave))  # not due
    waiting = application_in_state(S.DELIBERATION, wave=open_wave)
    decision_for(application_in_state(S.DELIBERATION, wave=open_wave))
    refiled(WaveFactory(number=12))  # another wave's work is not counted here

    entries = by_key(todo_for_wave(open_wave))

    assert [f[0] for f in entries["refiled"].files] == [again.reference]
    assert [f[0] for f in entries["awaiting_eligibility"].files] == [first.reference]
    assert [f[0] for f in entries["reviews_overdue"].files] == [late.application.reference]
    assert [f[0] for f in entries["reviews_all_in"].files] == [done.application.reference]
    assert [f[0] for f in entries["decisions_missing"].files] == [waiting.reference]
    assert entries["refiled"].count == 1
    assert entries["refiled"].files[0][2] == reverse(
        "applications:instruction_detail", args=[again.pk]
    )


def test_a_conflicted_reviewer_does_not_hold_a_file_back(open_wave):
    application = application_in_state(S.IN_REVIEW, wave=open_wave)
    review_with_scores(AssignmentFactory(application=application), 4)
    AssignmentFactory(
        application=application, conflicted=True, due_on=date.today() - timedelta(days=3)
    )

    entries = by_key(todo_for_wave(open_wave))

    assert entries["reviews_all_in"].count == 1
    assert entries["reviews_overdue"].count == 0


def test_todo_on_the_dashboard_names_the_work_and_links_to_it(staff_client, open_wave):
    open_wave.ceremony_on = date(2027, 6, 12)
    open_wave.save(update_fields=["ceremony_on"])
    again = refiled(open_wave)
    application_in_state(S.DELIBERATION, wave=open_wave)

    html = staff_client.get(HOME).content.decode()

    assert "À faire" in html
    assert "1 dossier complété et déposé à nouveau, à réexaminer" in html
    assert reverse("applications:instruction_detail", args=[again.pk]) in html
    assert "1 dossier en délibération sans décision du jury (cérémonie le 12 juin 2027)" in html
    assert reverse("reviews:jury_wave", kwargs={"wave_pk": open_wave.pk}) in html
    # A line with nothing to do stays, without a link.
    assert 'data-todo="reviews_overdue"' in html
    assert (
        reverse("reviews:assignments", kwargs={"wave_pk": open_wave.pk}) + '"'
        not in html.split('data-todo="reviews_overdue"')[1].split("</li>")[0]
    )


@pytest.mark.parametrize("count", [1, 50])
def test_todo_query_count_is_constant(open_wave, django_assert_num_queries, count):
    for _ in range(count):
        refiled(open_wave)
        AssignmentFactory(
            application=application_in_state(S.IN_REVIEW, wave=open_wave),
            due_on=timezone.localdate() - timedelta(days=1),
        )
        application_in_state(S.DELIBERATION, wave=open_wave)

    # One query per line: five of the wave's files, one of the photos awaiting staff.
    with django_assert_num_queries(6):
        entries = by_key(todo_for_wave(open_wave))

    assert entries["refiled"].count == count
    assert entries["reviews_overdue"].count == count
    assert entries["decisions_missing"].count == count
    assert len(entries["refiled"].files) == min(count, 5)
