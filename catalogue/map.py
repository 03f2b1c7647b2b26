"""The map of the labelled projects: the territory's communes shaded by their projects.

The geometry (the projected outlines of the 150 communes and the agglomerations' borders)
and the small locator maps come from ``label/territory_map.py``, which the dossier editor
uses too; every map is drawn with its compact outlines, in whole units. This module draws
the public map, whose communes are links, from the projects counted per commune by
``catalogue.selectors`` (``entry_commune_counts``, ``catalogue_commune_counts``).
Each rendered map is cached until the catalogue changes (its key carries
``catalogue_version``), and the map page itself is served from the public page cache.
"""

import hashlib
from functools import lru_cache

from django.core.cache import cache
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalogue.models import catalogue_version
from label.territory_map import MAP_CREDIT, compact_outlines, locator_svg, territory

__all__ = [
    "MAP_CREDIT",
    "legend",
    "locator_svg",
    "map_cached",
    "map_step",
    "map_svg",
    "territory",
    "url_attribute",
]

MAP_CACHE_SECONDS = 24 * 60 * 60
# Classes of the sequential palette (light to dark), by number of projects: 0, 1, 2, 3, 4+.
MAP_STEPS = (0, 1, 2, 3, 4)


def url_attribute(url):
    """A URL made of a path and an urlencoded query, for an attribute: urlencode already
    quotes every character but "&" that HTML would read."""
    return url.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def map_step(count):
    """The palette class of a number of projects (0 to 4, 4 meaning « 4 or more »)."""
    return min(count, MAP_STEPS[-1])


def count_label(count):
    return ngettext("%(count)s projet labellisé", "%(count)s projets labellisés", count) % {
        "count": count
    }


@lru_cache(maxsize=2048)
def _count_sentence(language, count):
    """« 2 projets labellisés », escaped, in a language: the same few sentences name the 150
    communes of every map drawn, so each is translated once a process (translations do not
    change while it runs)."""
    with translation.override(language):
        return escape(count_label(count))


def map_svg(counts, *, link_prefix, title, highlighted=None):
    """The SVG of the territory: each commune a link named with its count.

    ``counts`` maps INSEE codes to numbers of projects; each commune links to
    ``link_prefix`` followed by its INSEE code (five letters and digits, nothing to escape);
    ``highlighted`` is a commune to outline (the one the catalogue is filtered on). Only
    classes, no style attribute: the stylesheet gives the palette, and the page runs under a
    strict content-security policy.
    """
    land = territory()
    paths, borders = compact_outlines()
    language = translation.get_language()
    href = url_attribute(link_prefix)
    parts = [
        f'<svg class="territory-map" viewBox="0 0 {land.width} {land.height}" '
        f'width="{land.width}" height="{land.height}" role="group" '
        f'aria-labelledby="carte-titre-svg" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="carte-titre-svg">{escape(title)}</title>'
    ]
    labels = []
    for shape in land.communes:
        code = shape.insee_code
        count = counts.get(code, 0)
        name = f"{shape.name_html} : {_count_sentence(language, count)}"
        current = " map-current" if code == highlighted else ""
        parts.append(
            f'<a href="{href}{code}" aria-label="{name}" '
            f'class="map-commune map-n{map_step(count)}{current}">'
            f'<title>{name}</title><path d="{paths[code]}"/></a>'
        )
        if count:
            labels.append(
                f'<text x="{shape.label_x}" y="{shape.label_y}" class="map-count">{count}</text>'
            )
    parts.append(f'<path class="map-borders" d="{borders}"/>')
    # The counts are written on the map too (state never by colour alone), hidden from
    # screen readers, which hear each commune's link instead.
    parts.append('<g aria-hidden="true">' + "".join(labels) + "</g>")
    parts.append(
        f'<text x="{land.width - 6}" y="{land.height - 6}" class="map-credit" '
        f'text-anchor="end">{escape(MAP_CREDIT)}</text></svg>'
    )
    return mark_safe("".join(parts))  # noqa: S308 -- every text and attribute is escaped


def map_cached(key_parts, build):
    """A rendered map kept until the catalogue changes (and per language)."""
    digest = hashlib.sha256(repr(key_parts).encode()).hexdigest()[:32]
    key = f"catalogue:map:{catalogue_version()}:{translation.get_language()}:{digest}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, MAP_CACHE_SECONDS)
    return value


def legend():
    """The legend's rows: (palette class, text)."""
    return [
        (0, _("aucun projet")),
        (1, _("1 projet")),
        (2, _("2 projets")),
        (3, _("3 projets")),
        (4, _("4 projets ou plus")),
    ]
