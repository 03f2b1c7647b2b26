"""Controlled vocabularies of the label: roles, agglomerations, outbox states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The portal's roles; each is a Django group of the same name."""

    APPLICANT = "applicant", _("Porteur de projet")
    INSTRUCTION = "instruction", _("Équipe d'instruction")
    REVIEWER = "reviewer", _("Évaluateur")
    JURY = "jury", _("Membre du jury")


class Epci(models.TextChoices):
    """The three agglomerations of the Pôle Métropolitain de l'Artois."""

    CALL = "CALL", _("CA de Lens-Liévin")
    CAHC = "CAHC", _("CA d'Hénin-Carvin")
    CABBALR = "CABBALR", _("CA de Béthune-Bruay, Artois-Lys Romane")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    SENT = "sent", _("Envoyé")
    FAILED = "failed", _("Abandonné")


class WavePhase(models.TextChoices):
    """Where a wave stands, derived from its dates."""

    UPCOMING = "upcoming", _("À venir")
    OPEN = "open", _("Appel ouvert")
    CLOSED = "closed", _("Appel clos")
    ANNOUNCED = "announced", _("Résultats annoncés")
