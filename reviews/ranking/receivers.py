"""Keep the kept rankings honest: any save or deletion of what a ranking reads bumps the
ranking version (reviews/ranking/selectors.py), so the next ranking page computes afresh.

Model signals rather than calls in each service: the ranking reads applications, assignments,
reviews, scores, criteria and waves, written by many services of several apps, and a signal
cannot be forgotten by the next one. Bulk writes send no signal; none of the portal's bulk
writes touch what the ranking reads (scores are bulk-written in drafts, and a review only
counts once its submission saves it).
"""

from django.db.models.signals import post_delete, post_save

from applications.models import Application
from label.models import Wave
from reviews.enums import RANKED_STATES
from reviews.models import Assignment, Criterion, Review, Score
from reviews.ranking.selectors import ranking_touch


def _touch(sender, **kwargs):
    ranking_touch()


def _application_touch(sender, instance, update_fields=None, **kwargs):
    # A draft's autosave (state untouched, not ranked) cannot change any ranking: no bump on
    # the busiest write of deadline day.
    if instance.state in RANKED_STATES or update_fields is None or "state" in update_fields:
        ranking_touch()


def connect():
    """Connect the receivers (called once by the reviews app's ready())."""
    for model in (Assignment, Review, Score, Criterion, Wave):
        uid = f"reviews.ranking.touch.{model.__name__}"
        post_save.connect(_touch, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(_touch, sender=model, dispatch_uid=uid + ".delete")
    post_save.connect(
        _application_touch, sender=Application, dispatch_uid="reviews.ranking.touch.app.save"
    )
    post_delete.connect(_touch, sender=Application, dispatch_uid="reviews.ranking.touch.app.del")
