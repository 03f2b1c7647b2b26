"""May this user act on this application? Object-level predicates of the applications app."""

import rules
from django.db.models import Q

from applications.enums import DECIDED_STATES, ApplicationState
from label.rules import is_authenticated, is_instruction

# A draft belongs to its author until it is filed: staff may count drafts, never read them.
# The same rule in its two forms, asked by every staff read: `is_filed` for one object, and
# `STAFF_VISIBLE` for a queryset (the selectors and the exports filter with it).
STAFF_VISIBLE = ~Q(state=ApplicationState.DRAFT)


def is_filed_state(state):
    """Has a file in this state been filed (so that staff may read it)?"""
    return state != ApplicationState.DRAFT


@rules.predicate
def is_owner(user, application):
    return application is not None and application.owner_id == user.pk


@rules.predicate
def is_editable(user, application):
    return application is not None and application.is_editable


@rules.predicate
def is_withdrawable(user, application):
    return application is not None and application.is_withdrawable


@rules.predicate
def is_filed(user, application):
    return application is not None and is_filed_state(application.state)


@rules.predicate
def is_decided(user, application):
    return application is not None and application.state in DECIDED_STATES


@rules.predicate
def reads_the_file_elsewhere(user, application):
    """May the user read this file on a page of a higher app: the jury's file page (a member
    not kept away from it), or the file of a reviewer's assignment (accepted, no conflict)?

    The reviews app's own permissions are asked by name: the documents follow the page's rule
    without this app importing the one above it (the layers, pyproject.toml).
    """
    if application is None or not user.is_authenticated:
        return False
    if user.has_perm("reviews.view_jury_file", application):
        return True
    assignments = getattr(application, "assignments", None)
    if assignments is None:
        return False
    return any(
        user.has_perm("reviews.open_file", assignment)
        for assignment in assignments.filter(reviewer_id=user.pk)
    )


is_owner_and_active = is_authenticated & is_owner
is_instruction_on_filed = is_instruction & is_filed

# Applicant's moves and pages
rules.add_perm("applications.view_application", is_owner_and_active | is_instruction_on_filed)
rules.add_perm("applications.change_application", is_owner_and_active & is_editable)
rules.add_perm("applications.submit_application", is_owner_and_active)
rules.add_perm("applications.resubmit_application", is_owner_and_active)
rules.add_perm("applications.withdraw_application", is_owner_and_active & is_withdrawable)
rules.add_perm("applications.message_application", is_owner_and_active | is_instruction_on_filed)
rules.add_perm("applications.read_decision", is_owner_and_active & is_decided)
rules.add_perm("applications.carry_over_application", is_owner_and_active)
# The dossier's documents: whoever reads the file (owner, instruction past its second factor,
# a reviewer or jury member who may open it). Messages' attachments stay with view_application.
rules.add_perm(
    "applications.download_attachment",
    is_owner_and_active | is_instruction_on_filed | reads_the_file_elsewhere,
)

# Instruction's moves (DESIGN.md §3 "by instruction")
rules.add_perm("applications.instruct_application", is_instruction_on_filed)

# Exports of the staff table (applications/exports.py): any instruction staff member past the
# second factor may follow and download an export of the wave, not only the one who asked,
# since the table it copies is theirs to read too.
rules.add_perm("applications.view_export_job", is_instruction)
