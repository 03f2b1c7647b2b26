"""Reads of the applications app: each owns its select_related / prefetch_related."""

from django.db.models import Prefetch

from applications.enums import Transition
from applications.models import Application, ApplicationEvent, Attachment, Message


def application_list_for_owner(user):
    """The applications of an account, newest first, with what the list shows of each.

    The wave and the carried-over draft come in the same query, so the list costs the same
    number of queries whatever its length.
    """
    return (
        Application.objects.owned_by(user)
        .select_related("wave", "carried_over_to", "carried_over_from")
        .order_by("-created_at", "-pk")
    )


def application_get_for_owner(user, pk):
    """One application of the account with its wave, or None (another's is never found)."""
    return (
        Application.objects.owned_by(user)
        .select_related("wave", "owner", "carried_over_to", "carried_over_from")
        .prefetch_related(
            "communes",
            "financing_lines",
            Prefetch("attachments", queryset=Attachment.objects.order_by("kind", "created_at")),
        )
        .filter(pk=pk)
        .first()
    )


def application_event_list_public(application):
    """The timeline the applicant sees: every move, without internal notes or staff names.

    Only what the template may show is loaded: the internal note is deferred, and the actor
    is reduced to "was it the owner?" (``by_owner``), never a name.
    """
    events = (
        ApplicationEvent.objects.filter(application=application)
        .defer("internal_note")
        .order_by("created_at", "pk")
    )
    result = []
    for event in events:
        event.by_owner = event.actor_id is not None and event.actor_id == application.owner_id
        result.append(event)
    return result


def message_list_for_application(application):
    """The message thread of an application, oldest first, with its attachments."""
    return (
        Message.objects.filter(application=application)
        .select_related("attachment")
        .order_by("created_at", "pk")
    )


def application_last_changes_request(application):
    """The latest request for completion of the file (its message and date), or None."""
    return (
        ApplicationEvent.objects.filter(
            application=application, transition=Transition.REQUEST_CHANGES
        )
        .defer("internal_note")
        .order_by("-created_at", "-pk")
        .first()
    )


# Instruction (staff) area

# Sort keys of the staff table (GET "sort", "-" for descending) → ordering; the last field
# breaks ties so pages never overlap.
