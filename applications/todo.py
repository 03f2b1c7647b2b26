"""The staff's to-do on /instruction/: what needs an action of the instruction team now.

Each line of the to-do is one selector (the files it concerns, in one query) with a sentence
and a link. The applications app registers the lines about the dossiers below; the reviews
app adds its own at start-up (reviews/todo.py, from ReviewsConfig.ready()):

    register_todo_line(
        "reviews_overdue", reviews_overdue_files, describe, url=..., order=30,
    )

so that this module never imports it (imports go reviews → applications, not back).
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import F
from django.urls import reverse
from django.utils.translation import ngettext

from applications.enums import ApplicationState
from applications.models import Application
from applications.rules import STAFF_VISIBLE

# How many files a line names; the link leads to all of them.
TODO_FILES_SHOWN = 5


@dataclass(frozen=True)
class TodoLine:
    """One kind of pending work.

    `files(wave)` returns the files concerned as a list of (pk, reference, title), in one
    query; `describe(count, wave)` the sentence shown; `url(wave)` the page where the work is
    done (or the table filtered on it).
    """

    key: str
    files: Any
    describe: Any
    url: Any
    order: int = 50


@dataclass(frozen=True)
class TodoEntry:
    """A line of the to-do for one wave: its sentence, count, link and first files."""

    key: str
    text: str
    count: int
    url: str
    files: list


_REGISTRY: dict[str, TodoLine] = {}


def register_todo_line(key, files, describe, url, order=50):
    """Add a line to the to-do (or replace the one with the same key); returns it."""
    line = TodoLine(key=key, files=files, describe=describe, url=url, order=order)
    _REGISTRY[key] = line
    return line


def todo_lines():
    """Every registered line, in their order."""
    return sorted(_REGISTRY.values(), key=lambda line: (line.order, line.key))


def todo_for_wave(wave):
    """The to-do of a wave: one entry per registered line, empty lines included.

    One query per line, whatever the number of files: each selector returns plain tuples.
    """
    entries = []
    for line in todo_lines():
        files = list(line.files(wave))
        entries.append(
            TodoEntry(
                key=line.key,
                text=line.describe(len(files), wave),
                count=len(files),
                url=line.url(wave),
                files=[
                    (
                        reference or "",
                        title,
                        reverse("applications:instruction_detail", kwargs={"pk": pk}),
                    )
                    for pk, reference, title in files[:TODO_FILES_SHOWN]
                ],
            )
        )
    return entries


def staff_table_url(wave, state):
    """The staff table of a wave filtered on one state."""
    return f"{reverse('applications:instruction_home')}?wave={wave.number}&state={state}"


def _as_rows(queryset):
    return queryset.order_by("reference", "pk").values_list("pk", "reference", "title")


# The lines of the applications app: the dossiers themselves.


def application_list_refiled(wave):
    """Files filed again after a completion request, awaiting staff's new look.

    A resubmission moves `last_submitted_at` past the first filing; a reopened file keeps
    both dates, so it is not counted here but among the files awaiting eligibility.
    """
    return _as_rows(
        Application.objects.filter(
            STAFF_VISIBLE,
            wave=wave,
            state=ApplicationState.SUBMITTED,
            last_submitted_at__gt=F("submitted_at"),
        )
    )


def application_list_awaiting_eligibility(wave):
    """Files filed (for the first time, or reopened) whose eligibility is not decided yet."""
    return _as_rows(
        Application.objects.filter(
            STAFF_VISIBLE, wave=wave, state=ApplicationState.SUBMITTED
        ).exclude(last_submitted_at__gt=F("submitted_at"))
    )


register_todo_line(
    "refiled",
    application_list_refiled,
    lambda count, wave: (
        ngettext(
            "%(count)s dossier complété et déposé à nouveau, à réexaminer",
            "%(count)s dossiers complétés et déposés à nouveau, à réexaminer",
            count,
        )
        % {"count": count}
    ),
    lambda wave: staff_table_url(wave, ApplicationState.SUBMITTED),
    order=10,
)
register_todo_line(
    "awaiting_eligibility",
    application_list_awaiting_eligibility,
    lambda count, wave: (
        ngettext(
            "%(count)s dossier déposé en attente de la décision de recevabilité",
            "%(count)s dossiers déposés en attente de la décision de recevabilité",
            count,
        )
        % {"count": count}
    ),
    lambda wave: staff_table_url(wave, ApplicationState.SUBMITTED),
    order=20,
)
