"""Is the application ready for a move? Predicates used as conditions of the transitions.

Each returns a boolean; `missing_items` also says, in the applicant's words, what is missing,
so the completeness checklist of the form and the guard of `submit` are one rule. What a
dossier must hold is the wave's form (callforms.FormSpec.missing) plus the few builtin rules
the portal relies on.
"""

from django.utils.translation import gettext_lazy as _lazy

from applications.answers import wave_form
from callforms.enums import BUILTIN_FIELDS


def is_wave_open(application):
    """Is the call of the application's wave open now (server clock, Europe/Paris)?"""
    return application.wave.is_open


# The builtin questions the portal itself relies on (the catalogue, search, statistics,
# conflicts of interest and mails need them): required whatever the wave's form says, each
# with its own sentence. Every other question's rule is the wave's form (FormSpec.missing).
BUILTIN_RULES = (
    (
        "holder_name",
        lambda a: not a.holder_name.strip(),
        _lazy("Renseignez le nom de la structure porteuse."),
    ),
    ("title", lambda a: not a.title.strip(), _lazy("Renseignez le titre du projet.")),
    ("themes", lambda a: not a.themes, _lazy("Choisissez au moins une thématique.")),
    (
        "communes",
        lambda a: not a.territory_wide and not _commune_ids(a),
        _lazy("Choisissez au moins une commune du territoire, ou « tout le territoire »."),
    ),
    ("total_cost", lambda a: a.total_cost is None, _lazy("Indiquez le coût total du projet.")),
    (
        "consent",
        lambda a: a.consent_given_at is None,
        _lazy("Acceptez le traitement de vos données personnelles."),
    ),
)


def _commune_ids(application):
    return [commune.pk for commune in application.communes.all()]


def form_spec(application):
    """The declaration of the form of the application's wave."""
    return wave_form(application.wave)


def builtin_values(application):
    """The values of the builtin questions, as FormSpec.missing reads them."""
    values = {
        name: getattr(application, name) for name in BUILTIN_FIELDS if hasattr(application, name)
    }
    values["communes"] = _commune_ids(application)
    values["territory_wide"] = application.territory_wide
    values["consent"] = application.consent_given_at is not None
    return values


def attachments_by_key(application):
    """How many documents of the dossier answer each file question."""
    counts = {}
    for kind in application.attachments.filter(message__isnull=True).values_list("kind", flat=True):
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def missing_entries(application, *, spec=None):
    """What still prevents filing, as (question key, sentence for the applicant), in the
    order of the wave's form: the builtin rules above, then what the form itself requires."""
    spec = spec or form_spec(application)
    ruled = {name for name, _test, _message in BUILTIN_RULES}
    entries = [
        (name, str(message))
        for name, is_missing, message in BUILTIN_RULES
        if is_missing(application)
    ]
    for key, message in spec.missing(
        application.answers or {},
        attachments_by_key=attachments_by_key(application),
        builtin_values=builtin_values(application),
    ):
        question = spec.question(key)
        if question is not None and question.builtin_field in ruled:
            continue
        entries.append((key, message))
    order = {question.key: index for index, question in enumerate(spec.questions())}
    return sorted(entries, key=lambda entry: order.get(entry[0], len(order)))


def missing_items(application):
    """The list of what still prevents filing the dossier, as sentences for the applicant."""
    return [message for _key, message in missing_entries(application)]


def is_complete(application):
    """Does the dossier hold every required field, commune, document and the consent?"""
    return not missing_items(application)


def eligibility_checklist_items(application):
    """The (code, label) items of the eligibility checklist of the application's wave."""
    return application.wave.eligibility_checklist_items()


def has_filled_eligibility_checklist(application):
    """Has instruction answered every item of the eligibility checklist?"""
    answers = application.eligibility_checklist or {}
    return all(
        isinstance(answers.get(code), bool)
        for code, _label in eligibility_checklist_items(application)
    )
