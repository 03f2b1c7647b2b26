"""Files in deliberation with their reviews, and jury decisions, for the jury's tests."""

import itertools

from django.utils import timezone

from applications.enums import ApplicationState
from label.enums import Role
from reviews.enums import JuryOutcome, Opinion
from reviews.models import JuryDecision
from tests.factories.label import UserFactory
from tests.factories.reviews import (
    AssignmentFactory,
    ReviewerFactory,
    application_in_state,
    review_with_scores,
)

_names = itertools.count(1)


def jury_member(**kwargs):
    """An account with the jury role (and the applicant one every account has); its
    organisation is fixed so that no conflict arises by chance."""
    kwargs.setdefault("organisation", "Conseil de développement")
    return UserFactory(roles=[Role.APPLICANT, Role.JURY], **kwargs)


def file_in_deliberation(wave, *, reviews=(), **kwargs):
    """A complete file in deliberation, with a submitted review per item of `reviews`.

    Each item is a dict: `value` (the score of every criterion), and optionally `reviewer`,
    `opinion`, `shared_comment`, `private_comment`. Returns the application.
    """
    application = application_in_state(ApplicationState.DELIBERATION, wave=wave, **kwargs)
    for spec in reviews:
        spec = dict(spec)
        reviewer = spec.pop("reviewer", None) or ReviewerFactory(
            full_name=f"Évaluatrice {next(_names)}"
        )
        assignment = AssignmentFactory(application=application, reviewer=reviewer, accepted=True)
        review_with_scores(
            assignment,
            spec.pop("value"),
            opinion=spec.pop("opinion", Opinion.FAVORABLE),
            **spec,
        )
    return application


def decision_for(application, *, outcome=JuryOutcome.LABEL, by=None, shared=(), **fields):
    """A pending jury decision on a file (written directly, bypassing the service)."""
    fields.setdefault("motivation", f"Motivation du jury pour {application.reference}.")
    decision = JuryDecision.objects.create(
        application=application,
        outcome=outcome,
        recorded_by=by,
        recorded_at=timezone.now(),
        **fields,
    )
    decision.shared_reviews.set(shared)
    return decision
