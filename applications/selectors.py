"""Reads of the applications app: each owns its select_related / prefetch_related."""

from django.db.models import Count, Exists, F, OuterRef, Prefetch

from applications.enums import ApplicationState, Transition
from applications.models import Application, ApplicationEvent, Attachment, Message, StaffNote
from applications.rules import STAFF_VISIBLE
from label.enums import Agglomeration
from label.models import Commune
from label.text import search_normalise


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


def application_get_own_for_edit(user, pk):
    """One application of the account with its wave only, or None: the editor's light read."""
    return Application.objects.owned_by(user).select_related("wave").filter(pk=pk).first()


def application_get_for_owner(user, pk):
    """One application of the account with its wave, or None (another's is never found)."""
    return (
        Application.objects.owned_by(user)
        .select_related("wave", "owner", "carried_over_to", "carried_over_from")
        .prefetch_related(
            "communes",
            # The dossier's own documents; those sent with a message belong to the thread.
            Prefetch(
                "attachments",
                queryset=Attachment.objects.filter(message__isnull=True).order_by(
                    "kind", "created_at", "pk"
                ),
                to_attr="dossier_attachments",
            ),
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
STAFF_SORTS = {
    "reference": ("reference_number", "pk"),
    "title": ("title", "pk"),
    "holder": ("holder_name", "pk"),
    "state": ("state", "reference_number", "pk"),
    "submitted": ("last_submitted_at", "pk"),
    "cost": ("total_cost", "pk"),
}
STAFF_DEFAULT_SORT = "reference"


def _staff_ordering(sort):
    key = (sort or STAFF_DEFAULT_SORT).lstrip("-")
    fields = STAFF_SORTS.get(key, STAFF_SORTS[STAFF_DEFAULT_SORT])
    if (sort or "").startswith("-"):
        return [F(name).desc(nulls_last=True) for name in fields]
    return [F(name).asc(nulls_last=True) for name in fields]


def application_list_for_staff(wave, filters=None):
    """The applications of a wave for the instruction table, filtered, searched and sorted.

    `filters` is a mapping of already validated values; missing or empty keys do not
    filter: state, agglomeration (an Agglomeration value; "PMA" means territory-wide),
    commune (a Commune or its pk), theme (a Theme code), holder_type, stage, q (words that
    must all appear, accents and case ignored, in the reference, title or holder) and sort
    (a key of STAFF_SORTS, "-" first for descending). The communes come in one extra
    query, so the cost of a page does not grow with the number of applications. Drafts are
    never listed: they belong to their author until filed (applications.rules.STAFF_VISIBLE).
    """
    filters = filters or {}
    applications = Application.objects.filter(STAFF_VISIBLE, wave=wave).prefetch_related(
        Prefetch("communes", queryset=Commune.objects.order_by("name"))
    )
    if filters.get("state"):
        applications = applications.filter(state=filters["state"])
    agglomeration = filters.get("agglomeration")
    if agglomeration == Agglomeration.PMA:
        applications = applications.filter(territory_wide=True)
    elif agglomeration:
        applications = applications.filter(
            Exists(
                Application.communes.through.objects.filter(
                    application_id=OuterRef("pk"), commune__epci=agglomeration
                )
            )
        )
    if filters.get("commune"):
        commune = filters["commune"]
        applications = applications.filter(
            Exists(
                Application.communes.through.objects.filter(
                    application_id=OuterRef("pk"), commune_id=getattr(commune, "pk", commune)
                )
            )
        )
    if filters.get("theme"):
        applications = applications.with_theme(filters["theme"])
    if filters.get("holder_type"):
        applications = applications.filter(holder_type=filters["holder_type"])
    if filters.get("stage"):
        # The stage is an answer of the wave's form, under its key (see callforms.defaults).
        applications = applications.filter(answers__stage=filters["stage"])
    for word in search_normalise(filters.get("q")).split():
        applications = applications.filter(search_text__contains=word)
    return applications.order_by(*_staff_ordering(filters.get("sort")))


def application_list_selected_for_staff(wave, ids):
    """The filed applications of a wave among the ids a staff member ticked, by reference.

    Ids of drafts, of another wave or of no file are simply not found: the caller reports
    them as such.
    """
    return list(
        Application.objects.filter(STAFF_VISIBLE, wave=wave, pk__in=list(ids))
        .select_related("wave", "owner")
        .order_by(F("reference").asc(nulls_last=True), "pk")
    )


def application_state_counts(wave):
    """How many applications of a wave are in each state, in the order of the state machine.

    One query; returns a list of (state, count) for every state, zeros included.
    """
    counts = dict(
        Application.objects.filter(wave=wave)
        .order_by()
        .values_list("state")
        .annotate(count=Count("pk"))
    )
    return [(state, counts.get(state.value, 0)) for state in ApplicationState]


def application_get_for_staff(pk):
    """One filed application with everything the staff page shows at once, or None.

    A draft is None, as a missing file: staff do not even learn that its number exists.
    """
    return (
        Application.objects.filter(STAFF_VISIBLE)
        .select_related("wave", "owner", "carried_over_to", "carried_over_from")
        .prefetch_related(
            Prefetch("communes", queryset=Commune.objects.order_by("name")),
            # The dossier's own documents; those sent with a message are shown in the thread.
            Prefetch(
                "attachments",
                queryset=Attachment.objects.filter(message__isnull=True).order_by(
                    "kind", "created_at", "pk"
                ),
                to_attr="dossier_attachments",
            ),
        )
        .filter(pk=pk)
        .first()
    )


def application_event_list_for_staff(application):
    """The full timeline of a file for staff: every move with its actor and internal note."""
    return (
        ApplicationEvent.objects.filter(application=application)
        .select_related("actor")
        .order_by("created_at", "pk")
    )


def message_list_for_staff(application):
    """The message thread of a file with each author, oldest first."""
    return (
        Message.objects.filter(application=application)
        .select_related("author", "attachment")
        .order_by("created_at", "pk")
    )


def staff_note_list(application):
    """The private notes of the instruction team on a file, oldest first."""
    return (
        StaffNote.objects.filter(application=application)
        .select_related("author")
        .order_by("created_at", "pk")
    )
