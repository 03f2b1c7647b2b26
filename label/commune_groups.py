"""The communes of the territory grouped by agglomeration, as the commune picker lists them.

The picker (templates/applications/_dossier_communes.html, static/js/commune-picker.js and the
`territory_locator` tag) is drawn by the applicant's dossier and by the form builder's
preview; both build its context here.
"""

from label.enums import Epci
from label.text import french_sort_key


def commune_groups(communes, selected_ids):
    """[{code, label, communes: [(commune, checked)]}] by agglomeration, in Epci's order;
    `selected_ids` are the checked communes' ids as strings."""
    groups = {code: [] for code in Epci.values}
    # Sorted in Python: databases put « Bénifontaine » after « Bully-les-Mines ».
    for commune in sorted(communes, key=lambda c: french_sort_key(c.name)):
        groups.setdefault(commune.epci, []).append((commune, str(commune.pk) in selected_ids))
    return [
        {"code": code, "label": Epci(code).label, "communes": members}
        for code, members in groups.items()
        if members
    ]
