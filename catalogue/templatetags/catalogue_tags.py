"""Template tags of the public catalogue, for pages whose views belong to other features."""

from django import template
from django.utils.translation import gettext as _

from catalogue.map import locator_svg, map_cached, territory
from catalogue.selectors import catalogue_entry_list_latest
from label.enums import Agglomeration

register = template.Library()
HOME_LATEST_COUNT = 3


@register.simple_tag
def catalogue_latest_projects(limit=HOME_LATEST_COUNT):
    """The projects most recently added to the catalogue (the home page shows them)."""
    return catalogue_entry_list_latest(limit=limit)


@register.simple_tag
def catalogue_locator_map(entry):
    """A small map of the territory with the project's communes highlighted.

    A project without communes covers a whole agglomeration, or the whole Pôle: all of
    their communes are highlighted then.
    """
    codes = [commune.insee_code for commune in entry.commune_list]
    if codes:
        names = ", ".join(commune.name for commune in entry.commune_list)
        title = _("Localisation du projet : %(communes)s") % {"communes": names}
    else:
        codes = [
            shape.insee_code
            for shape in territory().communes
            if entry.agglomeration in (Agglomeration.PMA, shape.epci)
        ]
        title = _("Localisation du projet : %(area)s") % {"area": entry.agglomeration_label}
    return map_cached(("locator", tuple(codes), title), lambda: locator_svg(codes, title=title))
