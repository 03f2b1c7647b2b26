"""May this user see or do this in the reviews app? Object-level predicates (DESIGN.md §4).

Reviewers see only the files assigned to them, once they accepted confidentiality and
declared no conflict, and the other reviews of a file only after submitting their own. Staff
(instruction) see everything. Applicants never reach any of these objects: reviewers' names
and private comments are shown on staff and review pages only.
"""

import rules

from label.rules import is_instruction, is_reviewer
from reviews.enums import REVIEWABLE_STATES, ReviewState


def _own_review(assignment):
    """The review of an assignment, or None (without raising when there is none yet)."""
    try:
        return assignment.review
    except assignment._meta.model.review.RelatedObjectDoesNotExist:
        return None


# --- On an assignment ---------------------------------------------------------------------


@rules.predicate
def is_own_assignment(user, assignment):
    return assignment is not None and assignment.reviewer_id == user.pk


@rules.predicate
def has_declared_conflict(user, assignment):
    return assignment is not None and assignment.conflict_declared_at is not None


@rules.predicate
def has_accepted_confidentiality(user, assignment):
    return assignment is not None and assignment.confidentiality_accepted_at is not None


@rules.predicate
def has_accepted_without_conflict(user, assignment):
    return has_accepted_confidentiality(user, assignment) and not has_declared_conflict(
        user, assignment
    )


@rules.predicate
def has_submitted_review(user, assignment):
    review = _own_review(assignment) if assignment is not None else None
    return review is not None and review.state == ReviewState.SUBMITTED


@rules.predicate
def is_file_under_review(user, assignment):
    return assignment is not None and assignment.application.state in REVIEWABLE_STATES


# --- On an application ---------------------------------------------------------------------


@rules.predicate
def is_assigned_reviewer(user, application):
    """Is the user a reviewer of this file, without a declared conflict?"""
    if application is None or not user.is_authenticated:
        return False
    return application.assignments.active().filter(reviewer_id=user.pk).exists()


@rules.predicate
def has_submitted_own_review(user, application):
    """Has the user submitted their own review of this file (and no conflict since)?"""
    if application is None or not user.is_authenticated:
        return False
    return (
        application.assignments.active()
        .filter(reviewer_id=user.pk, review__state=ReviewState.SUBMITTED)
        .exists()
    )


# --- On a review -------------------------------------------------------------------------------


@rules.predicate
def is_submitted_review(user, review):
    return review is not None and review.state == ReviewState.SUBMITTED


own_live_assignment = is_reviewer & is_own_assignment & ~has_declared_conflict

# Staff pages of a wave: grid, committees, assignments, ranking; moves they make.
rules.add_perm("reviews.manage_reviews", is_instruction)
rules.add_perm("reviews.reopen_review", is_instruction & is_submitted_review)
# The reviewer's side of an assignment.
rules.add_perm("reviews.view_assignment", is_instruction | own_live_assignment)
rules.add_perm(
    "reviews.accept_assignment",
    own_live_assignment & ~has_accepted_confidentiality & is_file_under_review,
)
rules.add_perm("reviews.declare_conflict", own_live_assignment & ~has_submitted_review)
rules.add_perm("reviews.open_file", own_live_assignment & has_accepted_confidentiality)
rules.add_perm(
    "reviews.change_review",
    own_live_assignment
    & has_accepted_confidentiality
    & ~has_submitted_review
    & is_file_under_review,
)
rules.add_perm(
    "reviews.view_other_reviews",
    own_live_assignment & has_accepted_confidentiality & has_submitted_review,
)
# On a whole application: who may read its reviews (the jury area will add the jury).
rules.add_perm("reviews.view_application_reviews", is_instruction | has_submitted_own_review)
