"""May this user act on this follow-up? Object-level predicates of the followup app."""

import rules

from applications.enums import ApplicationState
from label.rules import is_authenticated, is_instruction


@rules.predicate
def is_holder(user, application):
    """The account that filed the application (its holder's account)."""
    return application is not None and application.owner_id == user.pk


@rules.predicate
def is_labelled(user, application):
    return application is not None and application.state == ApplicationState.LABELLED


@rules.predicate
def was_labelled(user, application):
    """Labelled now, or labelled once and since revoked: its follow-up stays readable."""
    return application is not None and application.state in {
        ApplicationState.LABELLED,
        ApplicationState.REVOKED,
    }


is_active_holder = is_authenticated & is_holder

# The holder reads the follow-up of a label they hold or held; acts only while it is labelled.
rules.add_perm("followup.view_followup", (is_active_holder | is_instruction) & was_labelled)
rules.add_perm("followup.act_as_holder", is_active_holder & is_labelled)
rules.add_perm("followup.manage_followup", is_instruction)
