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

# Instruction's moves (DESIGN.md §3 "by instruction")
rules.add_perm("applications.instruct_application", is_instruction_on_filed)
