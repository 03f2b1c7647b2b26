"""The reviews app's lines of the staff to-do (applications.todo), registered on import.

ReviewsConfig.ready() imports this module, which registers its lines at its end.

Reviews overdue, files whose reviews are all in (ready for the jury), and decisions still
missing before the ceremony. Each selector answers in one query, whatever the wave's size.
"""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext

from applications.enums import ApplicationState
from applications.models import Application
from applications.rules import STAFF_VISIBLE
from applications.todo import register_todo_line, staff_table_url
from reviews.enums import ReviewState
from reviews.models import Assignment


def _rows(queryset):
    return queryset.order_by("reference", "pk").values_list("pk", "reference", "title")


def _missing_review(today=None):
    """Active assignments of the outer file whose review is not submitted (due by `today`)."""
    missing = Assignment.objects.active().filter(application_id=OuterRef("pk"))
    missing = missing.exclude(review__state=ReviewState.SUBMITTED)
    if today is not None:
        missing = missing.filter(due_on__lt=today)
    return missing


def application_list_with_overdue_reviews(wave):
    """Files under review with at least one review past its due date and not handed in."""
    return _rows(
        Application.objects.filter(
            STAFF_VISIBLE, wave=wave, state=ApplicationState.IN_REVIEW
        ).filter(Exists(_missing_review(today=timezone.localdate())))
    )


def application_list_reviews_all_in(wave):
    """Files under review whose every (active) assigned review is handed in: for the jury."""
    assigned = Assignment.objects.active().filter(application_id=OuterRef("pk"))
    return _rows(
        Application.objects.filter(STAFF_VISIBLE, wave=wave, state=ApplicationState.IN_REVIEW)
        .filter(Exists(assigned))
        .filter(~Exists(_missing_review()))
    )


def application_list_decision_missing(wave):
    """Files in deliberation without a recorded jury decision."""
    return _rows(
        Application.objects.filter(
            STAFF_VISIBLE, wave=wave, state=ApplicationState.DELIBERATION
        ).filter(Q(jury_decision__isnull=True))
    )


def _decisions_text(count, wave):
    text = ngettext(
        "%(count)s dossier en délibération sans décision du jury",
        "%(count)s dossiers en délibération sans décision du jury",
        count,
    ) % {"count": count}
    if wave.ceremony_on:
        text += " " + gettext("(cérémonie le %(date)s)") % {
            "date": formats.date_format(wave.ceremony_on, "j F Y")
        }
    return text


def register_todo_lines():
    """Add the reviews' lines to the staff to-do (called from ReviewsConfig.ready())."""
    register_todo_line(
        "reviews_overdue",
        application_list_with_overdue_reviews,
        lambda count, wave: (
            ngettext(
                "%(count)s dossier dont une évaluation est en retard",
                "%(count)s dossiers dont une évaluation est en retard",
                count,
            )
            % {"count": count}
        ),
        lambda wave: reverse("reviews:assignments", kwargs={"wave_pk": wave.pk}),
        order=30,
    )
    register_todo_line(
        "reviews_all_in",
        application_list_reviews_all_in,
        lambda count, wave: (
            ngettext(
                "%(count)s dossier aux évaluations toutes remises, à transmettre au jury",
                "%(count)s dossiers aux évaluations toutes remises, à transmettre au jury",
                count,
            )
            % {"count": count}
        ),
        lambda wave: staff_table_url(wave, ApplicationState.IN_REVIEW),
        order=40,
    )
    register_todo_line(
        "decisions_missing",
        application_list_decision_missing,
        _decisions_text,
        lambda wave: reverse("reviews:jury_wave", kwargs={"wave_pk": wave.pk}),
        order=50,
    )


register_todo_lines()
