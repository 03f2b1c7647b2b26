"""The communes of the territory grouped by agglomeration, as the commune picker lists them.

The picker (templates/applications/_dossier_communes.html, static/js/commune-picker.js and the
`territory_locator` tag) is drawn by the applicant's dossier and by the form builder's
preview, for the portal's own communes question and for every communes question staff add;
both build its context here.
"""

from label.enums import Epci
from label.models import Commune
from label.text import french_sort_key

# The portal's own communes question: its picker keeps the ids it has always had.
BUILTIN_NAME = "communes"


def commune_groups(communes, selected, attribute="pk"):
    """[{code, label, communes: [(commune, checked)]}] by agglomeration, in Epci's order.

    `selected` are the checked communes' values as strings, compared with each commune's
    `attribute`: ids for the portal's own question, INSEE codes (`"insee_code"`) for a
    question staff added, whose answer stores them."""
    groups = {code: [] for code in Epci.values}
    # Sorted in Python: databases put « Bénifontaine » after « Bully-les-Mines ».
    for commune in sorted(communes, key=lambda c: french_sort_key(c.name)):
        checked = str(getattr(commune, attribute)) in selected
        groups.setdefault(commune.epci, []).append((commune, checked))
    return [
        {"code": code, "label": Epci(code).label, "communes": members}
        for code, members in groups.items()
        if members
    ]


def picker_ids(name):
    """The ids of one picker's parts, from the name of its field, so that two pickers on a
    page never share one (the portal's own keeps « communes-fieldset », « commune-filter »…)."""
    tools = "commune" if name == BUILTIN_NAME else f"{name}-commune"
    return {
        "fieldset": f"{name}-fieldset",
        "help": f"{name}-help",
        "error": f"{name}-error",
        "filter": f"{tools}-filter",
        "filter_help": f"{tools}-filter-help",
        "count": f"{tools}-filter-count",
        "selected": f"{tools}-selected-count",
        "list": f"{tools}-list",
    }


def commune_picker(field, *, communes=None, attribute="pk", territory=None):
    """What the picker's partial draws for one communes field (a bound field).

    The boxes post each commune's `attribute`, the field's own values (ids for the portal's
    own question, INSEE codes for an added one: the picker does not care which), and those
    of the field's value (typed or saved) are checked. `communes` are the field's choices
    (all the territory's by default); `territory` is the bound « tout le territoire » box,
    when the question offers it."""
    if communes is None:
        communes = Commune.objects.all()
    selected = {str(getattr(item, attribute, item)) for item in field.value() or []}
    builtin = field.html_name == BUILTIN_NAME
    ids = picker_ids(field.html_name)
    # The portal's own question always has its help sentence; an added one, if staff wrote it.
    described = [ids["help"]] if builtin or field.help_text else []
    if field.errors:
        described.append(ids["error"])
    return {
        "field": field,
        "builtin": builtin,
        "territory": territory,
        "groups": commune_groups(communes, selected, attribute),
        "by_code": attribute == "insee_code",
        "ids": ids,
        "described_by": " ".join(described),
    }
