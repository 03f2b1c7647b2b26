"""Vocabularies of the reviews app: committees, review states, opinions."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.enums import ApplicationState
from label.enums import Award

S = ApplicationState


class CommitteeKind(models.TextChoices):
    """The bodies that hear and score the selected projects (DESIGN.md §2, step 4)."""

    TECHNICAL = "technical", _("Comité technique des partenaires")
    QUALITY = "quality", _("Cercle de qualité")
    OTHER = "other", _("Autre")


class ReviewState(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Remise")


class Opinion(models.TextChoices):
    """The reviewer's overall opinion on the project."""

    FAVORABLE = "favorable", _("Favorable")
    FAVORABLE_WITH_RESERVATIONS = "reserves", _("Favorable avec réserves")
    UNFAVORABLE = "unfavorable", _("Défavorable")


# Applications whose reviews are read and ranked: reviewed now, or reviewed in the past.
RANKED_STATES = (S.IN_REVIEW, S.DELIBERATION, S.LABELLED, S.DEFERRED, S.REFUSED, S.REVOKED)
# Reviewers work on a file only while it is under instruction.
REVIEWABLE_STATES = frozenset({S.IN_REVIEW})


class JuryOutcome(models.TextChoices):
    """The jury's categories (DESIGN.md §2, step 5); `announce` maps each onto a state."""

    LABEL = "label", _("Catégorie 1 — Label attribué")
    ESPOIRS = "espoirs", _("Label Espoirs")
    DEFERRED = "deferred", _("Catégorie 2 — Pris en considération")
    REFUSED = "refused", _("Catégorie 3 — Non retenu")


# What announcing each outcome does to the application: (state, award).
OUTCOME_EFFECTS = {
    JuryOutcome.LABEL: (S.LABELLED, Award.LABEL),
    JuryOutcome.ESPOIRS: (S.LABELLED, Award.ESPOIRS),
    JuryOutcome.DEFERRED: (S.DEFERRED, ""),
    JuryOutcome.REFUSED: (S.REFUSED, ""),
}
# Outcomes that make the project public: a certificate and a catalogue entry.
LABELLING_OUTCOMES = frozenset({JuryOutcome.LABEL, JuryOutcome.ESPOIRS})
