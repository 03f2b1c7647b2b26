"""Bulk actions of the staff table: one action applied to several files, file by file.

Each action goes through the same workflow or service function as the file's own page, once
per file, each in its own transaction: a file that may not move (wrong state, conflict of
interest, …) is refused with its reason and the others still move. The applications app
registers its actions below; the reviews app adds « Attribuer à un évaluateur » at start-up
(reviews/bulk.py), so that this module never imports it:

    register_bulk_action(
        "assign_reviewer", _("Attribuer à un évaluateur"), perform, make_form=..., order=10,
    )
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from applications import services, workflow
from applications.forms_instruction import MotivationForm, StaffMessageForm

# The action that only downloads the selection: no confirmation, nothing changes.
EXPORT_ACTION = "export"


@dataclass(frozen=True)
class BulkAction:
    """One action of the staff table.

    `perform(application=..., by=..., data=...)` moves one file with the cleaned data of the
    action's form (shared by every file), raising what the workflow raises when it refuses.
    `make_form(data, wave)` builds that form (None when the action asks for nothing).
    """

    key: str
    label: Any
    perform: Any
    make_form: Any = None
    confirm: Any = gettext_lazy("Confirmer")
    order: int = 50


@dataclass(frozen=True)
class BulkOutcome:
    """What happened to one selected file: moved, or refused and why."""

    application: Any
    moved: bool
    reason: str = ""


_REGISTRY: dict[str, BulkAction] = {}


def register_bulk_action(key, label, perform, make_form=None, confirm=None, order=50):
    """Add an action to the staff table (or replace the one with the same key); returns it."""
    action = BulkAction(
        key=key,
        label=label,
        perform=perform,
        make_form=make_form,
        confirm=confirm or gettext_lazy("Confirmer"),
        order=order,
    )
    _REGISTRY[key] = action
    return action


def bulk_actions():
    """Every registered action, in their order."""
    return sorted(_REGISTRY.values(), key=lambda action: (action.order, action.key))


def bulk_action_get(key):
    """The registered action of this key, or None."""
    return _REGISTRY.get(key)


def _refusal(error, application):
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    if isinstance(error, TransitionNotAllowed | ConcurrentTransition):
        return _("impossible depuis l'état « %(state)s »") % {
            "state": application.get_state_display()
        }
    return str(error) or _("action non autorisée")


def bulk_run(*, action, applications, by, data):
    """Apply an action to each file, one transaction per file; the outcome of each, in order.

    A refused file (the workflow raised) is reported with the reason, never skipped silently;
    the files before and after it are still moved.
    """
    outcomes = []
    for application in applications:
        try:
            action.perform(application=application, by=by, data=data)
        except (
            TransitionNotAllowed,
            ConcurrentTransition,
            ValidationError,
            PermissionDenied,
        ) as error:
            application.refresh_from_db()
            outcomes.append(BulkOutcome(application, False, _refusal(error, application)))
        else:
            application.refresh_from_db()
            outcomes.append(BulkOutcome(application, True))
    return outcomes


# The actions of the applications app.


def _select_for_review(*, application, by, data):
    workflow.application_select_for_review(application=application, by=by)


def _not_select(*, application, by, data):
    workflow.application_not_select(application=application, by=by, motivation=data["motivation"])


def _message(*, application, by, data):
    services.message_post(application=application, author=by, body=data["body"])


register_bulk_action(
    "select_for_review",
    gettext_lazy("Retenir pour l'instruction"),
    _select_for_review,
    confirm=gettext_lazy("Retenir ces dossiers pour l'instruction"),
    order=20,
)
register_bulk_action(
    "not_select",
    gettext_lazy("Ne pas retenir pour l'instruction (une motivation pour tous)"),
    _not_select,
    make_form=lambda data, wave: MotivationForm(data, prefix="bulk"),
    confirm=gettext_lazy("Ne pas retenir ces dossiers"),
    order=30,
)
register_bulk_action(
    "message",
    gettext_lazy("Écrire à leurs porteurs"),
    _message,
    make_form=lambda data, wave: StaffMessageForm(data, prefix="bulk"),
    confirm=gettext_lazy("Envoyer le message à chaque porteur"),
    order=40,
)
