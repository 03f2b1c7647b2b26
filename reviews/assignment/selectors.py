"""Reads about who reviews what: committees, reviewers and their loads, conflicts of interest,
the assignment board. Each owns its select_related / prefetch_related; the board reads a
fixed number of queries whatever the number of files or reviewers.
"""

from django.db.models import Count, Prefetch

from applications.enums import ApplicationState
from applications.models import Application
from label.enums import Role
from label.models import User
from reviews.conflicts import conflict_map
from reviews.models import Assignment, Committee, ReviewerProfile


def committee_list_for_wave(wave):
    """The committees of a wave with their members."""
    return list(
        Committee.objects.filter(wave=wave).prefetch_related(
            Prefetch("members", queryset=User.objects.order_by("full_name", "email"))
        )
    )


def reviewer_candidates():
    """Active accounts with the reviewer role: who may sit on a committee."""
    return User.objects.filter(is_active=True, groups__name=Role.REVIEWER).order_by(
        "full_name", "email"
    )


def reviewer_list_for_wave(wave, committee=None):
    """Active reviewers sitting on a committee of the wave (or on the given committee)."""
    committees = Committee.objects.filter(wave=wave)
    if committee is not None:
        committees = committees.filter(pk=committee.pk)
    return list(reviewer_candidates().filter(committees__in=committees).distinct().order_by("pk"))


def reviewer_committee_map(wave):
    """{reviewer pk: the first committee of the wave they sit on}, for new assignments."""
    through = Committee.members.through
    first = {}
    rows = through.objects.filter(committee__wave=wave).order_by("committee_id")
    for reviewer_id, committee_id in rows.values_list("user_id", "committee_id"):
        first.setdefault(reviewer_id, committee_id)
    return first


def reviewer_profile_get(user):
    """The reviewer's declarations, or an unsaved empty profile."""
    profile = ReviewerProfile.objects.filter(user=user).first()
    return profile or ReviewerProfile(user=user, organisation=user.organisation)


def reviewer_loads(wave):
    """{reviewer pk: number of live assignments in the wave}."""
    return dict(
        Assignment.objects.active()
        .filter(application__wave=wave)
        .values_list("reviewer_id")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("reviewer_id", "count")
    )


def assignment_get_for_review(pk):
    """One assignment with everything its review page shows."""
    return (
        Assignment.objects.select_related("application", "application__wave", "reviewer")
        .prefetch_related("application__communes", "application__attachments")
        .filter(pk=pk)
        .first()
    )


def assignment_board_for_wave(wave):
    """The files under instruction of a wave with their assignments and excluded reviewers.

    Returns (rows, reviewers): each row has the application, its assignments (with review)
    and the committee members who may not review it, with why. A fixed number of queries.
    """
    applications = list(
        Application.objects.filter(wave=wave, state=ApplicationState.IN_REVIEW)
        .prefetch_related(
            "communes",
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("reviewer", "review").order_by(
                    "conflict_declared_at", "pk"
                ),
            ),
        )
        .order_by("reference", "pk")
    )
    reviewers = reviewer_list_for_wave(wave)
    conflicts = conflict_map(applications, reviewers)
    names = {reviewer.pk: reviewer for reviewer in reviewers}
    rows = []
    for application in applications:
        assigned = {assignment.reviewer_id for assignment in application.assignments.all()}
        excluded = [
            (names[reviewer_pk], reasons)
            for (application_pk, reviewer_pk), reasons in sorted(conflicts.items())
            if application_pk == application.pk
            and reviewer_pk in names
            and reviewer_pk not in assigned
        ]
        rows.append(
            {
                "application": application,
                "assignments": list(application.assignments.all()),
                "live_count": sum(1 for a in application.assignments.all() if not a.has_conflict),
                "excluded": excluded,
            }
        )
    return rows, reviewers
