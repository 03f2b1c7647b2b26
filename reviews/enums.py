"""Vocabularies of the reviews app: committees, review states, opinions."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.enums import ApplicationState

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
