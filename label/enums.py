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


class Theme(models.TextChoices):
    """The controlled list of project themes (DESIGN.md §2); the codes are used in data files."""

    AMENAGEMENT = "amenagement", _("Aménagement et urbanisme")
    HABITAT = "habitat", _("Habitat et rénovation")
    NATURE = "nature", _("Paysage, nature et biodiversité")
    ENERGIE = "energie", _("Énergie et climat")
    MOBILITES = "mobilites", _("Mobilités")
    CULTURE = "culture", _("Culture et patrimoine")
    ECONOMIE = "economie", _("Économie, innovation et emploi")
    ESS = "ess", _("Économie sociale et solidaire")
    INCLUSION = "inclusion", _("Inclusion et cohésion sociale")
    EDUCATION = "education", _("Éducation, jeunesse et formation")
    ALIMENTATION = "alimentation", _("Alimentation et agriculture")
    LOISIRS = "loisirs", _("Sport, loisirs et tourisme")


class Award(models.TextChoices):
    """The two public distinctions a jury may award (Catégorie 2 and 3 are not public)."""

    LABEL = "label", _("Label Euralens (Catégorie 1)")
    ESPOIRS = "espoirs", _("Label Espoirs")


class HolderType(models.TextChoices):
    """The kinds of project holders that may apply."""

    ASSOCIATION = "association", _("Association")
    COLLECTIVITE = "collectivite", _("Collectivité")
    ENTREPRISE = "entreprise", _("Entreprise")
    BAILLEUR = "bailleur", _("Bailleur social")
    ETABLISSEMENT_PUBLIC = "etablissement_public", _("Établissement public")
    HABITANTS = "habitants", _("Collectif d'habitants")
    AUTRE = "autre", _("Autre")


class Agglomeration(models.TextChoices):
    """Where a labelled project stands: one agglomeration, or the whole territory of the PMA."""

    CALL = Epci.CALL.value, Epci.CALL.label
    CAHC = Epci.CAHC.value, Epci.CAHC.label
    CABBALR = Epci.CABBALR.value, Epci.CABBALR.label
    PMA = "PMA", _("Tout le territoire du Pôle métropolitain")
