"""The choices of the follow-up: convention states, kinds of support, request states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ConventionStatus(models.TextChoices):
    PENDING = "pending", _("En attente d'acceptation")
    ACCEPTED = "accepted", _("Acceptée par le porteur")
    COUNTERSIGNED = "countersigned", _("Contresignée")


# A convention is "signed" for the public page once the holder accepted it.
SIGNED_CONVENTION_STATES = {ConventionStatus.ACCEPTED, ConventionStatus.COUNTERSIGNED}


class SupportKind(models.TextChoices):
    EXPERTISE = "expertise", _("Expertise sur un sujet")
    COMMUNICATION = (
        "communication",
        _("Communication (kit du logo du label et règles d'usage, mention dans les canaux du PMA)"),
    )
    NETWORKING = "networking", _("Mise en réseau avec d'autres projets labellisés")
    METHOD = "method", _("Appui méthodologique")


class SupportRequestStatus(models.TextChoices):
    OPEN = "open", _("Nouvelle")
    IN_PROGRESS = "in_progress", _("En cours")
    CLOSED = "closed", _("Close")


OPEN_REQUEST_STATES = {SupportRequestStatus.OPEN, SupportRequestStatus.IN_PROGRESS}


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SENT = "sent", _("Envoyé")


class NewsStatus(models.TextChoices):
    PENDING = "pending", _("En attente de validation")
    APPROVED = "approved", _("Publiée")
    REJECTED = "rejected", _("Refusée")
