"""May this user see or do this in the reviews app? Object-level predicates (DESIGN.md §4).

Reviewers see only the files assigned to them, once they accepted confidentiality and
declared no conflict, and the other reviews of a file only after submitting their own. Staff
(instruction) see everything. Applicants never reach any of these objects: reviewers' names
and private comments are shown on staff and review pages only.
"""

import rules
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from applications.enums import ApplicationState
from label.rules import is_instruction, is_jury_member, is_reviewer
from reviews.enums import REVIEWABLE_STATES, ReviewState


def require_perm(permission, by, obj=None):
    """Refuse the action (PermissionDenied) unless `by` has the permission on `obj`.

    The services of the reviews app call it before they write anything.
    """
    if not by.has_perm(permission, obj):
        raise PermissionDenied(_("Vous n'avez pas le droit d'effectuer cette action."))


@rules.predicate
def has_call_closed(user, wave=None):
    """The wave's call for applications has closed, so its results may be announced."""
    return wave is None or wave.results_may_be_announced


def _own_review(assignment):
    """The review of an assignment, or None (without raising when there is none yet)."""
    try:
        return assignment.review
    except assignment._meta.model.review.RelatedObjectDoesNotExist:
        return None


# --- On an assignment ---------------------------------------------------------------------


@rules.predicate
def is_own_assignment(user, assignment):
    """Is this assignment the user's own?"""
    return assignment is not None and assignment.reviewer_id == user.pk


@rules.predicate
def has_declared_conflict(user, assignment):
    """Has the reviewer declared a conflict of interest on this assignment?"""
    return assignment is not None and assignment.conflict_declared_at is not None


@rules.predicate
def has_accepted_confidentiality(user, assignment):
    """Has the reviewer accepted confidentiality on this assignment?"""
    return assignment is not None and assignment.confidentiality_accepted_at is not None


@rules.predicate
def has_accepted_without_conflict(user, assignment):
    """Accepted confidentiality, and no conflict declared since?"""
    return has_accepted_confidentiality(user, assignment) and not has_declared_conflict(
        user, assignment
    )


@rules.predicate
def has_submitted_review(user, assignment):
    """Is the review of this assignment submitted?"""
    review = _own_review(assignment) if assignment is not None else None
    return review is not None and review.state == ReviewState.SUBMITTED


@rules.predicate
def is_file_under_review(user, assignment):
    """Is the assignment's file still under instruction by reviewers?"""
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
    """Is this review submitted?"""
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
# On a whole application: who may read its reviews (the jury reads them on its own pages,
# under reviews.view_jury_file below).
rules.add_perm("reviews.view_application_reviews", is_instruction | has_submitted_own_review)


# --- The jury (DESIGN.md §4: applications in deliberation, their reviews and the ranking) ------

# States in which a file has been before the jury: in deliberation, or decided since.
JURY_STATES = frozenset(
    {
        ApplicationState.DELIBERATION,
        ApplicationState.LABELLED,
        ApplicationState.DEFERRED,
        ApplicationState.REFUSED,
        ApplicationState.REVOKED,
    }
)


@rules.predicate
def is_in_deliberation(user, application):
    """Is the file in deliberation before the jury?"""
    return application is not None and application.state == ApplicationState.DELIBERATION


@rules.predicate
def has_been_before_the_jury(user, application):
    """Has the file gone before the jury (in deliberation, or decided since)?"""
    return application is not None and application.state in JURY_STATES


@rules.predicate
def is_labelled(user, application):
    """Does the project hold the label?"""
    return application is not None and application.state == ApplicationState.LABELLED


@rules.predicate
def wave_lets_jury_decide(user, application):
    """Has staff delegated the recording of decisions to the jury for this file's wave?"""
    return application is not None and application.wave.jury_may_record_decisions


@rules.predicate
def delegates_to_jury(user, wave):
    """The same, on the wave itself (for its sessions)."""
    return wave is not None and wave.jury_may_record_decisions


@rules.predicate
def has_recused(user, application):
    """Is the member recorded as recused from this file (by the conflict rules or themself)?"""
    if application is None or not user.is_authenticated:
        return False
    return application.recusals.filter(member_id=user.pk).exists()


@rules.predicate
def has_jury_conflict(user, application):
    """Is the member kept away from this file: recused, or in conflict by the rules?

    The rules are the reviewers' (DESIGN.md §4): the holder's organisation, an elected
    mandate in one of the project's communes, a conflict declared on a review assignment.
    """
    if application is None or not user.is_authenticated:
        return False
    if has_recused(user, application):
        return True
    # The review selectors gather the conflict facts for every page; reading them here at
    # call time keeps one rule (selectors sit above rules in the import order, STYLE.md).
    from reviews.conflicts import conflict_map

    return bool(conflict_map([application], [user]))


# Staff who also sit on the jury act as staff: they prepare the deliberation for everyone.
jury_member_without_conflict = is_jury_member & ~is_instruction & ~has_jury_conflict

may_view_jury_file = has_been_before_the_jury & (
    is_instruction | (is_in_deliberation & jury_member_without_conflict)
)
may_record_decision = is_in_deliberation & (
    is_instruction | (wave_lets_jury_decide & jury_member_without_conflict)
)
# On a wave: staff, or the jury when the wave delegates its decisions to it (each file then
# also asks reviews.record_decision, which adds the state and the member's conflicts).
may_record_decisions_of_wave = is_instruction | (is_jury_member & delegates_to_jury)

rules.add_perm("reviews.access_review_area", is_reviewer)
rules.add_perm("reviews.access_jury_area", is_jury_member | is_instruction)
# Jury members declare their organisation and mandates, which the conflict rules read; staff
# are never kept away from a file, so they have nothing to declare there.
rules.add_perm("reviews.declare_jury_interests", is_jury_member)
rules.add_perm("reviews.view_jury_file", may_view_jury_file)
rules.add_perm("reviews.record_decision", may_record_decision)
rules.add_perm("reviews.record_wave_decisions", may_record_decisions_of_wave)
rules.add_perm(
    "reviews.recuse", is_jury_member & ~is_instruction & is_in_deliberation & ~has_recused
)
rules.add_perm("reviews.download_minutes", is_jury_member | is_instruction)
# Sessions are recorded by whoever records the decisions of the wave (object: the wave).
rules.add_perm("reviews.record_jury_session", may_record_decisions_of_wave)
# Results are announced once the call has closed (Wave.results_may_be_announced, the one rule
# of the wave's phase); without a wave, the check is only about the actor (the page's access).
rules.add_perm("reviews.announce_results", is_instruction & has_call_closed)
rules.add_perm("reviews.revoke_label", is_instruction & is_labelled)


# --- The jury in session (issue 16) ------------------------------------------------------------


@rules.predicate
def is_convened(user, session):
    """Was the user convened to this sitting of the jury?"""
    if session is None or not user.is_authenticated:
        return False
    return session.members_convened.filter(pk=user.pk).exists()


# Staff lead a sitting (open it, check members in, move from file to file, open and close the
# votes); the members convened follow it on their own screen and check themselves in.
rules.add_perm("reviews.lead_jury_session", is_instruction)
rules.add_perm("reviews.follow_jury_session", is_instruction | (is_jury_member & is_convened))
