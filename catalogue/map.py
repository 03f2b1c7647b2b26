"""The territory drawn server-side as SVG: the 150 communes, shaded by their labelled projects.

The outlines come from ``catalogue/data/communes.geojson`` (IGN Admin Express, already
simplified). Over 50 km an equirectangular projection scaled by the cosine of the mean
latitude is indistinguishable from a conformal one, and needs no GIS library. The projected
geometry is computed once per process; each rendered map is cached until the catalogue
changes (its key carries ``catalogue_version``), so a visitor's map costs one cache read.
"""

import hashlib
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.core.cache import cache
from django.db.models import Count
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalogue.models import CatalogueEntry, catalogue_version

GEOJSON = Path(__file__).resolve().parent / "data" / "communes.geojson"
MAP_WIDTH = 800
# Coordinates are written with one decimal: a tenth of a unit is about 6 m on the ground.
MAP_PRECISION = 1
MAP_CACHE_SECONDS = 24 * 60 * 60
MAP_CREDIT = "IGN, Admin Express"
# Classes of the sequential palette (light to dark), by number of projects: 0, 1, 2, 3, 4+.
MAP_STEPS = (0, 1, 2, 3, 4)
_EPCI_CODE = re.compile(r"\((\w+)\)\s*$")


@dataclass(frozen=True)
class CommuneShape:
    """One commune's projected outline (an SVG path) and the point where its count is written."""

    insee_code: str
    name: str
    epci: str
    path: str
    label_x: float
    label_y: float

    @property
    def name_html(self):
        return _escaped_name(self.name)


@dataclass(frozen=True)
class Territory:
    """The projected territory: each commune, the agglomerations' borders, the drawing's size."""

    communes: tuple
    borders: str
    width: int
    height: int

    @property
    def by_code(self):
        return {shape.insee_code: shape for shape in self.communes}


@lru_cache(maxsize=512)
def _escaped_name(name):
    return escape(name)


def _attribute(url):
    """A URL made of a path and an urlencoded query, for an attribute: urlencode already
    quotes every character but "&" that HTML would read."""
    return url.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _fmt(value):
    text = f"{value:.{MAP_PRECISION}f}"
    return text[:-2] if text.endswith(".0") else text


def _ring_points(ring, project):
    """The projected points of a ring, without the repeats rounding creates."""
    points = []
    for lon, lat in ring:
        point = project(lon, lat)
        if not points or point != points[-1]:
            points.append(point)
    return points


def _path(rings):
    parts = []
    for points in rings:
        if len(points) < 3:
            continue
        head, *rest = points
        parts.append(
            f"M{_fmt(head[0])} {_fmt(head[1])}"
            + "".join(f"L{_fmt(x)} {_fmt(y)}" for x, y in rest)
            + "Z"
        )
    return "".join(parts)


def _label_point(points):
    """The centroid of a ring (the shoelace formula), where a commune's count is written."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if not area:
        return points[0]
    return cx / (3 * area), cy / (3 * area)


@lru_cache(maxsize=1)
def territory():
    """The projected communes and agglomeration borders (read and computed once a process)."""
    with open(GEOJSON, encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    lons, lats = [], []
    for feature in features:
        for ring in _rings(feature["geometry"]):
            for lon, lat in ring:
                lons.append(lon)
                lats.append(lat)
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    x_scale = math.cos(math.radians((south + north) / 2))
    scale = MAP_WIDTH / ((east - west) * x_scale)
    height = math.ceil((north - south) * scale)

    def project(lon, lat):
        return (
            round((lon - west) * x_scale * scale, MAP_PRECISION),
            round((north - lat) * scale, MAP_PRECISION),
        )

    shapes = []
    # Each edge of the outlines, with the agglomerations of the communes it bounds: an edge
    # of two communes of different agglomerations, or of one commune only (the territory's
    # outer edge), is an agglomeration border. The data keeps the shared vertices shared.
    edges = {}
    rings_of = {}
    for feature in features:
        properties = feature["properties"]
        code = properties["insee_code"]
        match = _EPCI_CODE.search(properties.get("epci", ""))
        epci = match.group(1) if match else properties.get("epci", "")
        rings = [_ring_points(ring, project) for ring in _rings(feature["geometry"])]
        rings_of[code] = (epci, rings)
        for points in rings:
            for a, b in zip(points, points[1:] + points[:1], strict=True):
                edges.setdefault(frozenset((a, b)), []).append(epci)
        outer = max(rings, key=len)
        x, y = _label_point(outer)
        shapes.append(
            CommuneShape(
                insee_code=code,
                name=properties["commune"],
                epci=epci,
                path=_path(rings),
                label_x=round(x, 1),
                label_y=round(y, 1),
            )
        )
    border_parts = []
    drawn = set()
    for _epci, rings in rings_of.values():
        for points in rings:
            run = []
            for a, b in zip(points, points[1:] + points[:1], strict=True):
                key = frozenset((a, b))
                sides = edges.get(key, [])
                if key not in drawn and (len(sides) == 1 or len(set(sides)) > 1):
                    drawn.add(key)
                    if not run:
                        run.append(a)
                    run.append(b)
                elif run:
                    border_parts.append(run)
                    run = []
            if run:
                border_parts.append(run)
    borders = "".join(
        f"M{_fmt(run[0][0])} {_fmt(run[0][1])}"
        + "".join(f"L{_fmt(x)} {_fmt(y)}" for x, y in run[1:])
        for run in border_parts
    )
    shapes.sort(key=lambda shape: shape.insee_code)
    return Territory(communes=tuple(shapes), borders=borders, width=MAP_WIDTH, height=height)


def _rings(geometry):
    if geometry["type"] == "Polygon":
        return geometry["coordinates"]
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


def map_step(count):
    """The palette class of a number of projects (0 to 4, 4 meaning « 4 or more »)."""
    return min(count, MAP_STEPS[-1])


def map_counts(entries):
    """{INSEE code: number of entries} of a queryset of catalogue entries (one GROUP BY).

    Grouped on the link table's commune: an entry is linked once to a commune, so the rows of
    a group are distinct entries. The INSEE code is read through the join rather than from a
    table of ids kept in memory, which would go stale if the communes were loaded again.
    """
    through = CatalogueEntry.communes.through
    rows = (
        through.objects.filter(catalogueentry_id__in=entries.order_by().values("pk"))
        .values_list("commune__insee_code")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return dict(rows)


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
            f'<path d="{shape.path}"/></a>'
        )
        if count:
            labels.append(
                f'<text x="{shape.label_x}" y="{shape.label_y}" class="map-count">{count}</text>'
            )
    parts.append(f'<path class="map-borders" d="{land.borders}"/>')
    # The counts are written on the map too (state never by colour alone), hidden from
    # screen readers, which hear each commune's link instead.
    parts.append('<g aria-hidden="true">' + "".join(labels) + "</g>")
    parts.append(
        f'<text x="{land.width - 6}" y="{land.height - 6}" class="map-credit" '
        f'text-anchor="end">{escape(MAP_CREDIT)}</text></svg>'
    )
    return mark_safe("".join(parts))  # noqa: S308 -- every text and attribute is escaped


def locator_svg(insee_codes, *, title):
    """A small map of the territory with a project's communes highlighted (not interactive)."""
    land = territory()
    wanted = set(insee_codes)
    plain, lit = [], []
    for shape in land.communes:
        (lit if shape.insee_code in wanted else plain).append(shape.path)
    return mark_safe(  # noqa: S308 -- the title is escaped, the paths are numbers
        f'<svg class="locator-map" viewBox="0 0 {land.width} {land.height}" role="img" '
        f'aria-labelledby="locator-titre" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="locator-titre">{escape(title)}</title>'
        f'<path class="locator-land" d="{"".join(plain)}"/>'
        f'<path class="locator-lit" d="{"".join(lit)}"/>'
        f'<path class="map-borders" d="{land.borders}"/>'
        f'<text x="{land.width - 6}" y="{land.height - 8}" class="map-credit locator-credit" '
        f'text-anchor="end">{escape(MAP_CREDIT)}</text></svg>'
    )


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
