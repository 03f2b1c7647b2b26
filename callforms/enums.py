"""Vocabularies of the call's form: the kinds of question and who may read an answer."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class QuestionKind(models.TextChoices):
    """The type of a question; `builtin` marks a field that stays a column of Application."""

    SHORT_TEXT = "short_text", _("Texte court")
    LONG_TEXT = "long_text", _("Texte long")
    NUMBER = "number", _("Nombre")
    AMOUNT = "amount", _("Montant en euros")
    DATE = "date", _("Date")
    YESNO = "yesno", _("Oui / non")
    CHOICE = "choice", _("Un choix parmi plusieurs")
    MULTICHOICE = "multichoice", _("Plusieurs choix")
    EMAIL = "email", _("Adresse e-mail")
    URL = "url", _("Adresse web (URL)")
    PHONE = "phone", _("Téléphone")
    SIRET = "siret", _("Numéro SIRET")
    COMMUNES = "communes", _("Communes du territoire")
    FILES = "files", _("Fichier(s)")
    TABLE = "table", _("Tableau de lignes")
    BUILTIN = "builtin", _("Champ du portail")


# The kinds staff may give a new question (a builtin question is never created by hand).
EDITABLE_KINDS = tuple(kind for kind in QuestionKind if kind != QuestionKind.BUILTIN)
# Kinds whose answer may drive a condition: their possible values are known in advance.
CONDITION_KINDS = (QuestionKind.YESNO, QuestionKind.CHOICE, QuestionKind.MULTICHOICE)


class Audience(models.TextChoices):
    """Who reads an answer besides staff (staff read every answer)."""

    REVIEWER = "reviewer", _("Évaluateurs")
    JURY = "jury", _("Jury")
    PUBLIC = "public", _("Public (page du projet labellisé)")


STAFF = "staff"


class TableColumnKind(models.TextChoices):
    """The type of a column of a table question."""

    TEXT = "text", _("Texte")
    AMOUNT = "amount", _("Montant en euros")
    YESNO = "yesno", _("Oui / non")


# The fields of Application a builtin question stands for (issue 12, « What stays fixed »).
BUILTIN_FIELDS = (
    "holder_name",
    "holder_type",
    "siret",
    "address",
    "postcode",
    "city",
    "contact_name",
    "contact_email",
    "contact_phone",
    "title",
    "summary",
    "communes",
    "themes",
    "total_cost",
    "consent",
)
