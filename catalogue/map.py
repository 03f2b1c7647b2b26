"""The map of the labelled projects: the territory's communes shaded by their projects.

The geometry (the projected outlines of the 150 communes and the agglomerations' borders)
and the small locator maps come from ``label/territory_map.py``, which the dossier editor
uses too; every map is drawn with its compact outlines, in whole units. This module counts
the catalogue's projects per commune and draws the public map, whose communes are links.
Each rendered map is cached until the catalogue changes (its key carries
``catalogue_version``), and the map page itself is served from the public page cache.
"""

import hashlib

from django.core.cache import cache
from django.db.models import Count
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalogue.models import catalogue_version
from label.models import Commune
from label.territory_map import MAP_CREDIT, compact_outlines, locator_svg, territory

__all__ = [
    "MAP_CREDIT",
    "legend",
    "locator_svg",
    "map_cached",
    "map_counts",
    "map_step",
    "map_svg",
    "territory",
]

MAP_CACHE_SECONDS = 24 * 60 * 60
# Classes of the sequential palette (light to dark), by number of projects: 0, 1, 2, 3, 4+.
MAP_STEPS = (0, 1, 2, 3, 4)


def _attribute(url):
    """A URL made of a path and an urlencoded query, for an attribute: urlencode already
    quotes every character but "&" that HTML would read."""
    return url.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def map_step(count):
    """The palette class of a number of projects (0 to 4, 4 meaning « 4 or more »)."""
    return min(count, MAP_STEPS[-1])


def map_counts(entries):
    """{INSEE code: number of entries} of a queryset of catalogue entries.

    One GROUP BY over the entries joined to their communes (an entry is linked once to a
    commune, so the rows of a group are distinct entries), on the commune's id: joining the
    commune table as well to group on its code cost a third more on 10,000 entries. The ids
    are turned into codes by a read of the 150 communes made here, each time, rather than a
    table kept in memory, which would go stale if the communes were loaded again.
    """
    rows = (
        entries.order_by()
        .filter(communes__isnull=False)
        .values_list("communes")
        .annotate(count=Count("pk"))
    )
    counts = dict(rows)
    if not counts:
        return {}
    codes = dict(Commune.objects.values_list("pk", "insee_code"))
    return {codes[pk]: count for pk, count in counts.items() if pk in codes}


def count_label(count):
    return ngettext("%(count)s projet labellisé", "%(count)s projets labellisés", count) % {
        "count": count
    }


def map_svg(counts, *, link, title, highlighted=None):
    """The SVG of the territory: each commune a link (``link(code)``) named with its count.

    ``counts`` maps INSEE codes to numbers of projects; ``highlighted`` is a commune to
    outline (the one the catalogue is filtered on). Only classes, no style attribute: the
    stylesheet gives the palette, and the page runs under a strict content-security policy.
    """
    land = territory()
    paths, borders = compact_outlines()
    parts = [
        f'<svg class="territory-map" viewBox="0 0 {land.width} {land.height}" '
        f'width="{land.width}" height="{land.height}" role="group" '
        f'aria-labelledby="carte-titre-svg" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="carte-titre-svg">{escape(title)}</title>'
    ]
    labels = []
    # The same few sentences (« 2 projets labellisés ») for 150 communes: translated once.
    sentences = {}
    for shape in land.communes:
        count = counts.get(shape.insee_code, 0)
        if count not in sentences:
            sentences[count] = escape(count_label(count))
        name = f"{shape.name_html} : {sentences[count]}"
        current = " map-current" if shape.insee_code == highlighted else ""
        parts.append(
            f'<a href="{_attribute(link(shape.insee_code))}" aria-label="{name}" '
            f'class="map-commune map-n{map_step(count)}{current}">'
            f"<title>{name}</title>"
            f'<path d="{paths[shape.insee_code]}"/></a>'
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
