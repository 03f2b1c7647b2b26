"""The texts a wave keeps for itself: the announcement mails and the eligibility checklist.

Pure functions and constants, without models, so that the model's validation, the staff
pages and the apps above (which fill the placeholders) share one definition.

Announcement mails carry placeholders written ``%(name)s``. Only the names of
ANNOUNCEMENT_PLACEHOLDERS are allowed; any other ``%`` is plain text (« 100 % » stays as
written), so staff never need to double it.
"""

import re

from django.db import models
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from label.dates import paris_date_display


class AnnouncementMailKind(models.TextChoices):
    """The announcement mails of a wave, one per outcome the jury may give.

    The codes are those of the jury's outcomes (reviews.enums.JuryOutcome), which the floor
    does not import: a labelled project (Label Euralens or Label Espoirs, label.enums.Award),
    a project « pris en considération » (deferred), a project not labelled (refused).
    """

    LABEL = "label", _("Label Euralens (catégorie 1)")
    ESPOIRS = "espoirs", _("Label Espoirs")
    DEFERRED = "deferred", _("Pris en considération (catégorie 2)")
    REFUSED = "refused", _("Non labellisé (catégorie 3)")


# Name → what it becomes in the mail (shown on the staff page), then a sample value for the
# previews made without a file.
ANNOUNCEMENT_PLACEHOLDERS = {
    "title": (_("le titre du projet"), _("Jardins partagés de la cité 9")),
    "reference": (_("la référence du dossier, par exemple EL11-0042"), "EL11-0042"),
    "holder": (_("le nom de la structure porteuse"), _("Association Les Jardins du 9")),
    "wave": (_("la vague, par exemple « Vague 11 — Label Euralens 2027 »"), ""),
    "edition": (_("l'édition, par exemple « Label Euralens 2027 »"), ""),
    "ceremony": (
        _(
            "la cérémonie : « le 12 juin 2027, à Louvre-Lens », ou « à une date qui vous sera "
            "communiquée prochainement » tant qu'elle n'est pas fixée"
        ),
        "",
    ),
}

_PLACEHOLDER = re.compile(r"%\((?P<name>[^)]*)\)s")
# Something that starts like a placeholder: « %( » or « %nom ».
_PLACEHOLDER_START = re.compile(r"%\(")

# The texts a new wave starts with (issue 11, defect 3): good French, vouvoiement, and
# the outcome said in the first sentence. The mail ends with the link to the file, where the
# holder reads the jury's motivation.
DEFAULT_ANNOUNCEMENT_MAILS = {
    AnnouncementMailKind.LABEL: (
        _("Votre projet %(reference)s reçoit le Label Euralens"),
        _(
            "Félicitations ! Le jury du %(edition)s a décidé d'attribuer le Label Euralens "
            "(catégorie 1) à votre projet « %(title)s ». Cette distinction reconnaît sa "
            "contribution à la transition écologique et sociale du territoire.\n\n"
            "Votre certificat et la décision complète du jury vous attendent dans votre "
            "espace. La cérémonie de remise des labels aura lieu %(ceremony)s : nous serons "
            "heureux de vous y accueillir."
        ),
    ),
    AnnouncementMailKind.ESPOIRS: (
        _("Votre projet %(reference)s reçoit le Label Espoirs"),
        _(
            "Félicitations ! Le jury du %(edition)s a décidé d'attribuer le Label Espoirs à "
            "votre projet « %(title)s ». Cette distinction encourage un projet prometteur pour "
            "la transition écologique et sociale du territoire.\n\n"
            "Votre certificat et la décision complète du jury vous attendent dans votre "
            "espace. La cérémonie de remise des labels aura lieu %(ceremony)s : nous serons "
            "heureux de vous y accueillir."
        ),
    ),
    AnnouncementMailKind.DEFERRED: (
        _("Décision du jury pour votre dossier %(reference)s"),
        _(
            "Le jury du %(edition)s a examiné votre projet « %(title)s ». Il ne lui attribue "
            "pas le label cette année, mais le prend en considération (catégorie 2) : il vous "
            "encourage à le faire mûrir et à le présenter de nouveau lors d'une prochaine "
            "vague.\n\n"
            "Vous trouverez la décision complète du jury dans votre espace."
        ),
    ),
    AnnouncementMailKind.REFUSED: (
        _("Décision du jury pour votre dossier %(reference)s"),
        _(
            "Le jury du %(edition)s a examiné votre projet « %(title)s » avec attention. Il a "
            "décidé de ne pas lui attribuer le label cette année.\n\n"
            "Vous trouverez la décision complète du jury dans votre espace. Nous vous "
            "remercions de votre candidature et de votre engagement pour la transition du "
            "territoire."
        ),
    ),
}


def placeholder_errors(text):
    """The sentences that say what is wrong with the placeholders of a text ([] if nothing).

    Refused: a name that is not in ANNOUNCEMENT_PLACEHOLDERS, and a « %( » that does not
    close as ``%(name)s`` (a forgotten « s » or parenthesis).
    """
    errors = []
    unknown = []
    for match in _PLACEHOLDER.finditer(text or ""):
        name = match.group("name")
        if name not in ANNOUNCEMENT_PLACEHOLDERS and name not in unknown:
            unknown.append(name)
    if unknown:
        errors.append(
            _("Variable inconnue : %(names)s. Variables possibles : %(known)s.")
            % {
                "names": ", ".join(f"%({name})s" for name in unknown),
                "known": ", ".join(f"%({name})s" for name in ANNOUNCEMENT_PLACEHOLDERS),
            }
        )
    well_formed = {match.start() for match in _PLACEHOLDER.finditer(text or "")}
    if any(m.start() not in well_formed for m in _PLACEHOLDER_START.finditer(text or "")):
        errors.append(
            _(
                "Une variable est mal écrite : elle doit avoir la forme %(example)s, avec la "
                "parenthèse fermante et le « s » final."
            )
            % {"example": "%(title)s"}
        )
    return errors


def placeholders_fill(text, values):
    """The text with each ``%(name)s`` replaced by its value; any other « % » stays as is.

    Raises KeyError for a name missing from ``values`` (texts are checked on save, so this
    only happens if a placeholder was removed from the code since).
    """
    return _PLACEHOLDER.sub(lambda match: str(values[match.group("name")]), text or "")


# French typography: a no-break space inside guillemets and before « : ; ! ? », so that a
# line of the mail never starts with one of them. A space already there becomes no-break.
_SPACE_BEFORE = re.compile(r" ([:;!?»])")
_SPACE_AFTER = re.compile(r"« ")
NBSP = "\u00a0"


def french_spacing(text):
    """The text with no-break spaces where French typography wants them."""
    return _SPACE_AFTER.sub("«" + NBSP, _SPACE_BEFORE.sub(NBSP + r"\1", text or ""))


def sample_values(wave):
    """Values of every placeholder for a preview without a file: the wave's own, and samples."""
    values = {name: sample for name, (_help, sample) in ANNOUNCEMENT_PLACEHOLDERS.items()}
    values.update(wave_values(wave))
    return values


def _ceremony_day(day):
    """« 12 juin 2027 », and « 1er juin 2027 » as French writes the first of a month."""
    text = paris_date_display(day)
    if text.startswith("1 ") and (get_language() or "fr").startswith("fr"):
        return "1er" + text[1:]
    return text


def wave_values(wave):
    """The placeholders a wave fills by itself: wave, edition and ceremony."""
    if wave.ceremony_on and wave.ceremony_place:
        ceremony = _("le %(date)s, à %(place)s") % {
            "date": _ceremony_day(wave.ceremony_on),
            "place": wave.ceremony_place,
        }
    elif wave.ceremony_on:
        ceremony = _("le %(date)s") % {"date": _ceremony_day(wave.ceremony_on)}
    else:
        ceremony = _("à une date qui vous sera communiquée prochainement")
    return {"wave": str(wave), "edition": str(wave.edition), "ceremony": str(ceremony)}


# --- The eligibility checklist --------------------------------------------------------------

# The checklist a wave starts with (DESIGN.md §2, recevabilité), as [code, label] pairs; the
# codes key the answers stored on each application.
DEFAULT_ELIGIBILITY_CHECKLIST = [
    ["territory", "Le projet est situé sur le territoire du Pôle Métropolitain de l'Artois"],
    ["holder", "Le porteur est identifié et en capacité de mener le projet"],
    ["transition", "Il s'agit d'un projet de transition écologique et sociale"],
    ["budget", "Un budget et un plan de financement sont présentés"],
]

ELIGIBILITY_ITEM_MAX_LENGTH = 300


def default_eligibility_checklist():
    """A fresh copy of the default checklist (the model field's default)."""
    return [list(item) for item in DEFAULT_ELIGIBILITY_CHECKLIST]


def checklist_from_lines(text, previous=()):
    """[code, label] pairs from one label per line; a label already there keeps its code.

    New labels get a code made from their words, made unique; blank lines are skipped.
    """
    codes_by_label = {label: code for code, label in previous}
    items, used = [], set()
    for line in (text or "").splitlines():
        label = " ".join(line.split())
        if not label:
            continue
        code = codes_by_label.get(label) or slugify(label)[:40] or "item"
        base, number = code, 2
        while code in used:
            code = f"{base}-{number}"
            number += 1
        used.add(code)
        items.append([code, label])
    return items
