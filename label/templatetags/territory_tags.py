"""Template tags drawing the territory, for the apps that may not import ``catalogue``."""

from django import template

from label.territory_map import locator_svg_by_commune

register = template.Library()


@register.simple_tag
def territory_locator(commune_groups, territory_wide=False):
    """The decorative locator map beside the dossier's commune picker.

    ``commune_groups`` is the picker's list of agglomerations, each with its
    ``(commune, checked)`` pairs; the checked communes are highlighted, or every commune
    when the project concerns the whole territory. static/js/commune-locator.js keeps the
    highlight in step with the checkboxes.
    """
    codes = [
        commune.insee_code
        for group in commune_groups
        for commune, checked in group["communes"]
        if checked
    ]
    return locator_svg_by_commune(codes, all_lit=bool(territory_wide))
