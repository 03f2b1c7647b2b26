"""States and vocabularies of an application to the Label Euralens."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationState(models.TextChoices):
    """The states of DESIGN.md §3; values are stored, labels are shown."""

    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Déposée")
    CHANGES_REQUESTED = "changes_requested", _("Compléments demandés")
    INELIGIBLE = "ineligible", _("Irrecevable")
    ELIGIBLE = "eligible", _("Recevable")
    NOT_SELECTED = "not_selected", _("Non retenue pour l'instruction")
    IN_REVIEW = "in_review", _("En instruction")
    DELIBERATION = "deliberation", _("En délibération")
    LABELLED = "labelled", _("Labellisée")
    DEFERRED = "deferred", _("Prise en considération")
    REFUSED = "refused", _("Non retenue")
    WITHDRAWN = "withdrawn", _("Retirée")
    REVOKED = "revoked", _("Label retiré")


S = ApplicationState

# No transition leaves these states (a deferred file is carried over as a new draft instead).
FINAL_STATES = frozenset({S.INELIGIBLE, S.NOT_SELECTED, S.REFUSED, S.WITHDRAWN, S.REVOKED})
# The applicant may change the dossier only in these states.
EDITABLE_STATES = frozenset({S.DRAFT, S.CHANGES_REQUESTED})
# The applicant may withdraw from these states.
WITHDRAWABLE_STATES = (S.SUBMITTED, S.CHANGES_REQUESTED, S.ELIGIBLE, S.IN_REVIEW, S.DELIBERATION)
# Outcomes of the jury that `announce` may apply.
ANNOUNCED_STATES = (S.LABELLED, S.DEFERRED, S.REFUSED)
# Files that reached a decision the applicant may read.
DECIDED_STATES = frozenset({S.LABELLED, S.DEFERRED, S.REFUSED, S.REVOKED})


class Transition(models.TextChoices):
    """The transitions of DESIGN.md §3, as recorded in the history."""

    CREATE = "create", _("Création du brouillon")
    SUBMIT = "submit", _("Dépôt")
    REQUEST_CHANGES = "request_changes", _("Demande de compléments")
    RESUBMIT = "resubmit", _("Nouveau dépôt après compléments")
    DECLARE_ELIGIBLE = "declare_eligible", _("Déclarée recevable")
    DECLARE_INELIGIBLE = "declare_ineligible", _("Déclarée irrecevable")
    SELECT_FOR_REVIEW = "select_for_review", _("Retenue pour l'instruction")
    NOT_SELECT = "not_select", _("Non retenue pour l'instruction")
    SEND_TO_JURY = "send_to_jury", _("Transmise au jury")
    ANNOUNCE = "announce", _("Décision annoncée")
    WITHDRAW = "withdraw", _("Retirée par le porteur")
    REVOKE = "revoke", _("Label retiré")
    REOPEN = "reopen", _("Réouverte")


class AttachmentKind(models.TextChoices):
    FINANCING_PLAN = "financing_plan", _("Plan de financement")
    PRESENTATION = "presentation", _("Présentation du projet")
    PHOTOS = "photos", _("Photos")
    SUPPORT_LETTER = "support_letter", _("Lettre de soutien")
    OTHER = "other", _("Autre document")
