"""The score columns of the staff export (applications.exports), registered at start-up.

The applications app never imports this app: reviews registers its columns from
ReviewsConfig.ready(), with a prefetch that loads the submitted reviews and their scores of
every exported application in two queries, whatever the length of the export.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from reviews.scoring import arithmetic

SUBMITTED_ATTR = "submitted_assignments_for_export"


def _prefetch_scores(queryset):
    from reviews.enums import ReviewState
    from reviews.models import Assignment, Score

    already = any(
        getattr(lookup, "to_attr", None) == SUBMITTED_ATTR
        for lookup in queryset._prefetch_related_lookups
    )
    if already:
        return queryset
    return queryset.prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.active()
            .filter(review__state=ReviewState.SUBMITTED)
            .select_related("review")
            .prefetch_related(
                Prefetch("review__scores", queryset=Score.objects.select_related("criterion"))
            ),
            to_attr=SUBMITTED_ATTR,
        )
    )


def application_score_summary(application):
    """The summary of an application's submitted reviews (from the export's prefetch)."""
    cached = getattr(application, "_score_summary", None)
    if cached is not None:
        return cached
    assignments = getattr(application, SUBMITTED_ATTR, None)
    if assignments is None:
        # Not prefetched (a single application): read it directly.
        from applications.models import Application

        application = _prefetch_scores(Application.objects.filter(pk=application.pk)).get()
        assignments = getattr(application, SUBMITTED_ATTR)
    totals = []
    for assignment in assignments:
        scores = list(assignment.review.scores.all())
        specs = [
            arithmetic.CriterionSpec(
                id=score.criterion_id,
                weight=score.criterion.weight,
                scale_max=score.criterion.scale_max,
                counts_in_ranking=score.criterion.counts_in_ranking,
            )
            for score in scores
        ]
        totals.append(arithmetic.review_total({s.criterion_id: s.value for s in scores}, specs))
    summary = arithmetic.summarise(totals)
    application._score_summary = summary
    return summary


def _rounded(value):
    return None if value is None else round(value, 1)


def register_score_export_columns():
    """Add the number of reviews, their mean and median to the staff export."""
    from applications.exports import register_export_column

    register_export_column(
        "review_count",
        _("Évaluations remises"),
        lambda application: application_score_summary(application).count,
        prefetch=_prefetch_scores,
    )
    register_export_column(
        "score_mean",
        _("Note moyenne (sur 100)"),
        lambda application: _rounded(application_score_summary(application).mean),
        prefetch=_prefetch_scores,
    )
    register_export_column(
        "score_median",
        _("Note médiane (sur 100)"),
        lambda application: _rounded(application_score_summary(application).median),
        prefetch=_prefetch_scores,
    )
