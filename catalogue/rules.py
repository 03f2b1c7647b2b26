"""May this user act on this catalogue entry? Object-level predicates of the catalogue app."""

import rules

from applications.enums import ApplicationState
from label.rules import is_authenticated, is_instruction


@rules.predicate
def is_entry_holder(user, entry):
    """The account that filed the application the entry was published from."""
    application = getattr(entry, "source_application", None) if entry is not None else None
    return application is not None and application.owner_id == user.pk


@rules.predicate
def is_labelled_entry(user, entry):
    """A published entry whose label is still held (not withdrawn)."""
    application = getattr(entry, "source_application", None) if entry is not None else None
    return (
        entry.is_published
        and application is not None
        and application.state == ApplicationState.LABELLED
    )


# The holder of a labelled project proposes its photo; the instruction team decides.
rules.add_perm("catalogue.propose_photo", is_authenticated & is_entry_holder & is_labelled_entry)
rules.add_perm("catalogue.review_photos", is_instruction)


@rules.predicate
def may_propose_photo_of_its_entry(user, photo):
    """The holder who may propose a photo of the photo's project (and so see their proposal)."""
    return photo is not None and user.has_perm("catalogue.propose_photo", photo.entry)


# A proposed photo is not public before approval: its holder and the instruction team see it.
rules.add_perm("catalogue.view_proposed_photo", is_instruction | may_propose_photo_of_its_entry)
