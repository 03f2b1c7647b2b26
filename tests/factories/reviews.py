"""Factories of the review process: grids, committees, assignments, reviews with scores."""

import itertools
from datetime import timedelta

import factory
from django.utils import timezone

from applications.enums import ApplicationState
from applications.models import Application
from label.enums import Role
from label.models import User
from label.services import user_grant_role
from reviews.enums import CommitteeKind, Opinion, ReviewState
from reviews.models import Assignment, Committee, Criterion, Review, Score
from reviews.models.criteria import default_grid_create
from tests.factories.applications import ApplicationFactory
from tests.factories.label import UserFactory, WaveFactory

_references = itertools.count(1)
_people = itertools.count(1)


def grid_for(wave):
    """The wave's grid, the default one created if it has none; criteria in order."""
    default_grid_create(Criterion, wave)
    return list(Criterion.objects.filter(wave=wave).order_by("position", "code"))


def application_in_state(state=ApplicationState.IN_REVIEW, **kwargs):
    """A complete application forced into a state, with a reference (bypassing the workflow)."""
    application = ApplicationFactory(complete=True, **kwargs)
    reference = f"{application.wave.short_code}-{next(_references):04d}"
    Application.objects.filter(pk=application.pk).update(state=state, reference=reference)
    return Application.objects.get(pk=application.pk)


class ReviewerFactory(UserFactory):
    """An account with the reviewer role (and the applicant one every account has)."""

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if not create:
            return
        for role in extracted if extracted is not None else [Role.APPLICANT, Role.REVIEWER]:
            user_grant_role(user=self, role=role)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    wave = factory.SubFactory(WaveFactory, number=11)
    group = "A"
    code = factory.Sequence(lambda n: f"X{n}")
    label = factory.Sequence(lambda n: f"Critère {n}")
    weight = 1
    scale_max = 5
    position = factory.Sequence(lambda n: n)


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee
        skip_postgeneration_save = True

    wave = factory.SubFactory(WaveFactory, number=11)
    kind = CommitteeKind.QUALITY
    name = factory.Sequence(lambda n: f"Cercle de qualité {n}")

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.add(*extracted)


class AssignmentFactory(factory.django.DjangoModelFactory):
    """A reviewer on a file under instruction; `accepted=True` once confidentiality is accepted."""

    class Meta:
        model = Assignment

    application = factory.LazyFunction(application_in_state)
    reviewer = factory.SubFactory(ReviewerFactory)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))

    class Params:
        accepted = factory.Trait(confidentiality_accepted_at=factory.LazyFunction(timezone.now))
        conflicted = factory.Trait(
            conflict_declared_at=factory.LazyFunction(timezone.now),
            conflict_reason="Administrateur de l'association porteuse.",
        )


def review_with_scores(assignment, values, *, submitted=True, opinion=Opinion.FAVORABLE, **fields):
    """A review of the assignment with scores: `values` is {criterion: value} or one value for
    every criterion of the wave's grid. Written directly, bypassing the workflow."""
    if not isinstance(values, dict):
        criteria = Criterion.objects.filter(wave_id=assignment.application.wave_id)
        values = {criterion: values for criterion in criteria}
    review = Review.objects.create(
        assignment=assignment,
        state=ReviewState.SUBMITTED if submitted else ReviewState.DRAFT,
        submitted_at=timezone.now() if submitted else None,
        opinion=opinion,
        **fields,
    )
    Score.objects.bulk_create(
        Score(review=review, criterion=criterion, value=value)
        for criterion, value in values.items()
    )
    return review


def build_reviewed_wave(wave, *, applications, reviews_per_application, reviewers=None, seed=1):
    """A wave with many files under review, each with submitted reviews, in bulk inserts.

    For query-count guards and the ranking bench: `applications` files, each reviewed by
    `reviews_per_application` of `reviewers` reviewers (twice as many as needed by default),
    scores drawn from a seeded generator. Returns the files.
    """
    import random

    from django.contrib.auth.models import Group

    rng = random.Random(seed)  # noqa: S311 -- reproducible test data, not secrets
    criteria = grid_for(wave)
    owner = UserFactory()
    reviewer_count = reviewers or max(reviews_per_application * 2, 1)
    people = User.objects.bulk_create(
        User(email=f"evaluateur-{n}@example.org", full_name=f"Évaluateur {n}")
        for n in (next(_people) for _ in range(reviewer_count))
    )
    Group.objects.get_or_create(name=Role.REVIEWER)[0].user_set.add(*people)
    start = Application.objects.filter(wave=wave).count()
    files = Application.objects.bulk_create(
        Application(
            wave=wave,
            owner=owner,
            state=ApplicationState.IN_REVIEW,
            reference=f"{wave.short_code}-{start + n + 1:04d}",
            reference_number=start + n + 1,
            title=f"Projet {start + n + 1}",
            holder_name=f"Porteur {start + n + 1}",
        )
        for n in range(applications)
    )
    due_on = timezone.localdate() + timedelta(days=14)
    assignments = Assignment.objects.bulk_create(
        Assignment(
            application=file,
            reviewer=people[(index * reviews_per_application + k) % reviewer_count],
            due_on=due_on,
            confidentiality_accepted_at=timezone.now(),
        )
        for index, file in enumerate(files)
        for k in range(reviews_per_application)
    )
    now = timezone.now()
    reviews = Review.objects.bulk_create(
        Review(
            assignment=assignment,
            state=ReviewState.SUBMITTED,
            submitted_at=now,
            opinion=Opinion.FAVORABLE,
        )
        for assignment in assignments
    )
    Score.objects.bulk_create(
        Score(review=review, criterion=criterion, value=rng.randint(0, criterion.scale_max))
        for review in reviews
        for criterion in criteria
    )
    from reviews.ranking.selectors import ranking_touch

    ranking_touch()  # bulk_create sends no signal, which would say the reviews changed
    return files
