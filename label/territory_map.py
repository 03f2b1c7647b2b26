"""The territory's geometry, drawn server-side as SVG: the 150 communes and the agglomerations.

The outlines come from ``label/data/communes.geojson`` (IGN Admin Express, Licence Ouverte,
already simplified). Over 50 km an equirectangular projection scaled by the cosine of the
mean latitude is indistinguishable from a conformal one, and needs no GIS library. The
projected geometry is computed once per process.

It lives in ``label`` so that every app may draw the territory: the public map and the
project pages of ``catalogue`` (catalogue/map.py), and the dossier editor of
``applications``, which may not import ``catalogue``. The drawings carry only classes, no
style attribute: the pages run under a strict content-security policy and the stylesheets
give the colours.
"""

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.utils.html import escape
from django.utils.safestring import mark_safe

GEOJSON = Path(__file__).resolve().parent / "data" / "communes.geojson"
MAP_WIDTH = 800
# Coordinates are written with one decimal: a tenth of a unit is about 6 m on the ground.
MAP_PRECISION = 1
MAP_CREDIT = "IGN, Admin Express"
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
    # The projected rings (points to a tenth of a unit), for the compact drawings.
    rings: tuple = field(default=(), compare=False, repr=False)

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
    # The borders as runs of points, for the compact drawings.
    border_runs: tuple = field(default=(), compare=False, repr=False)

    @property
    def by_code(self):
        return {shape.insee_code: shape for shape in self.communes}


@lru_cache(maxsize=512)
def _escaped_name(name):
    return escape(name)


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


def _rings(geometry):
    if geometry["type"] == "Polygon":
        return geometry["coordinates"]
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


def _borders(rings_of):
    """The agglomerations' borders and the territory's outer edge, as runs of points.

    An edge of two communes of different agglomerations, or of one commune only (the outer
    edge), is a border. The data keeps the shared vertices shared, so an edge is known by its
    two ends.
    """
    edges = {}
    for epci, rings in rings_of.values():
        for points in rings:
            for a, b in zip(points, points[1:] + points[:1], strict=True):
                edges.setdefault(frozenset((a, b)), []).append(epci)
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
    return tuple(tuple(run) for run in border_parts)


def _runs_path(runs):
    return "".join(
        f"M{_fmt(run[0][0])} {_fmt(run[0][1])}"
        + "".join(f"L{_fmt(x)} {_fmt(y)}" for x, y in run[1:])
        for run in runs
    )


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
    rings_of = {}
    for feature in features:
        properties = feature["properties"]
        code = properties["insee_code"]
        match = _EPCI_CODE.search(properties.get("epci", ""))
        epci = match.group(1) if match else properties.get("epci", "")
        rings = [_ring_points(ring, project) for ring in _rings(feature["geometry"])]
        rings_of[code] = (epci, rings)
        x, y = _label_point(max(rings, key=len))
        shapes.append(
            CommuneShape(
                insee_code=code,
                name=properties["commune"],
                epci=epci,
                path=_path(rings),
                rings=tuple(tuple(points) for points in rings),
                label_x=round(x, 1),
                label_y=round(y, 1),
            )
        )
    shapes.sort(key=lambda shape: shape.insee_code)
    runs = _borders(rings_of)
    return Territory(
        communes=tuple(shapes),
        borders=_runs_path(runs),
        width=MAP_WIDTH,
        height=height,
        border_runs=runs,
    )


def _compact(points, *, closed):
    """Points as an SVG path of whole units and relative moves ("l3-2"): well under half the
    size of the paths in tenths. A unit is about 60 m, a pixel or less on a screen (the map is
    800 units wide) and a fifth of a millimetre on an A4 page. Each move is the difference of
    two rounded points, so the rounding never drifts and the vertices the communes share stay
    shared."""
    rounded = []
    for x, y in points:
        point = (round(x), round(y))
        if not rounded or point != rounded[-1]:
            rounded.append(point)
    if closed and len(rounded) > 1 and rounded[0] == rounded[-1]:
        rounded.pop()
    if len(rounded) < (3 if closed else 2):
        return ""
    (x0, y0), parts = rounded[0], []
    for x, y in rounded[1:]:
        dx, dy = x - x0, y - y0
        parts.append(f"l{dx}{dy}" if dy < 0 else f"l{dx} {dy}")
        x0, y0 = x, y
    return f"M{rounded[0][0]} {rounded[0][1]}" + "".join(parts) + ("z" if closed else "")


@lru_cache(maxsize=1)
def compact_outlines():
    """({INSEE code: the commune's compact path}, the borders' compact path): what every map
    sends (computed once a process from ``territory()``, whose paths in tenths stay the
    reference)."""
    land = territory()
    paths = {
        shape.insee_code: "".join(_compact(ring, closed=True) for ring in shape.rings)
        for shape in land.communes
    }
    borders = "".join(_compact(run, closed=False) for run in land.border_runs)
    return paths, borders


def _credit(land):
    """The credit of the outlines, in the top right corner: the territory leaves it empty,
    where at the bottom the text, large on a small drawing, crossed the outline."""
    return (
        f'<text x="{land.width - 6}" y="24" class="map-credit locator-credit" '
        f'text-anchor="end">{escape(MAP_CREDIT)}</text>'
    )


def locator_svg(insee_codes, *, title):
    """A small map of the territory with some communes highlighted, named by ``title``.

    Two paths only (the others, the highlighted ones): the drawing is an image, not
    interactive. For a project page, where the map says where the project stands.
    """
    land = territory()
    paths, borders = compact_outlines()
    wanted = set(insee_codes)
    plain, lit = [], []
    for shape in land.communes:
        (lit if shape.insee_code in wanted else plain).append(paths[shape.insee_code])
    return mark_safe(  # noqa: S308 -- the title is escaped, the paths are numbers
        f'<svg class="locator-map" viewBox="0 0 {land.width} {land.height}" role="img" '
        f'aria-labelledby="locator-titre" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="locator-titre">{escape(title)}</title>'
        f'<path class="locator-land" d="{"".join(plain)}"/>'
        f'<path class="locator-lit" d="{"".join(lit)}"/>'
        f'<path class="map-borders" d="{borders}"/>'
        f"{_credit(land)}</svg>"
    )


def locator_svg_by_commune(insee_codes, *, all_lit=False):
    """A small decorative map with one path per commune, for a script to highlight.

    Each commune's path carries ``data-insee`` and the class ``locator-lit`` when it is in
    ``insee_codes`` (or when ``all_lit``: a project over the whole territory). The drawing is
    hidden from screen readers (``aria-hidden``): next to a list of communes, the text of the
    list and its count already say what it shows. The credit (``MAP_CREDIT``) goes in the
    caption beside it: written on so small a drawing it would cross the outline.
    """
    land = territory()
    paths, borders = compact_outlines()
    wanted = set(insee_codes)
    parts = [
        f'<svg class="locator-map locator-map-live" viewBox="0 0 {land.width} {land.height}" '
        f'aria-hidden="true" focusable="false" xmlns="http://www.w3.org/2000/svg">'
    ]
    for shape in land.communes:
        lit = all_lit or shape.insee_code in wanted
        parts.append(
            f'<path class="locator-land{" locator-lit" if lit else ""}" '
            f'data-insee="{escape(shape.insee_code)}" d="{paths[shape.insee_code]}"/>'
        )
    parts.append(f'<path class="map-borders" d="{borders}"/></svg>')
    return mark_safe("".join(parts))  # noqa: S308 -- the codes are escaped, the paths are numbers
