"""The PDF of a « Cahier du label »: what each page shows, and its rendering by WeasyPrint.

The cahier is a public document: it shows only what the public catalogue shows of each
project (its published entry), plus the jury's « atouts » once the decision is announced
and the photo staff approved. Private files (photos) are read here and inlined as ``data:``
URLs, because the PDF fetcher never reads private media (label/pdf.py).
"""

import base64
import logging
import re
from dataclasses import dataclass
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from booklets.selectors import booklet_project_list
from catalogue.map import MAP_CREDIT, legend, locator_svg, map_svg
from catalogue.models import markdown_render
from catalogue.selectors import entry_commune_counts, entry_photo
from label.pdf import render_pdf
from label.text import french_sort_key
from reviews.enums import LABELLING_OUTCOMES

logger = logging.getLogger(__name__)

BOOKLET_TEMPLATE = "booklets/booklet_pdf.html"
# The SVG of the map is drawn for the web, styled by classes from static/css: the PDF's
# stylesheet does not reach inside an inline SVG in WeasyPrint, so the same palette is
# written into the drawing itself (no stroke behind the counts: WeasyPrint ignores
# paint-order and would hide the figures under it).
MAP_STYLE = (
    "<style>"
    ".map-commune path{stroke:#ffffff;stroke-width:0.6}"
    ".map-n0{fill:#eef1f1}.map-n1{fill:#a8d5cd}.map-n2{fill:#5aa89c}"
    ".map-n3{fill:#237a6f}.map-n4{fill:#0b4742}"
    ".map-borders{fill:none;stroke:#1b1b1b;stroke-width:1.6;stroke-linejoin:round}"
    ".map-count{font-family:'DejaVu Sans',sans-serif;font-size:22px;font-weight:700;"
    "fill:#1b1b1b;text-anchor:middle;dominant-baseline:middle}"
    ".map-credit{font-family:'DejaVu Sans',sans-serif;font-size:13px;fill:#1b1b1b}"
    ".locator-land{fill:#eef1f1;stroke:#ffffff;stroke-width:0.6}"
    ".locator-lit{fill:#0b5d5b;stroke:#ffffff;stroke-width:0.6}"
    # The small map's credit is printed under it instead: drawn inside, it runs over the land.
    ".locator-credit{display:none}"
    "</style>"
)
_SVG_OPEN = re.compile(r"<svg\b[^>]*>")
# A list item right under a line of text: Markdown wants a blank line before a list, which
# staff seldom type (« Ce cahier rassemble : » then « - des associations »).
_LIST_ITEM = r"[ \t]*(?:[-*+]|\d+\.)[ \t]"
_LIST_AFTER_TEXT = re.compile(rf"(?m)^(?!{_LIST_ITEM})(.*\S.*)\n(?={_LIST_ITEM})")
# The legend's swatches, in the colours MAP_STYLE gives the communes (0 to 4 or more).
LEGEND_COLOURS = {0: "#eef1f1", 1: "#a8d5cd", 2: "#5aa89c", 3: "#237a6f", 4: "#0b4742"}


@dataclass
class ProjectPage:
    """One project of the cahier, as its page and the index show it."""

    anchor: str
    name: str
    award: str
    holder: str
    holder_type: str
    communes: list
    place: str
    themes: list
    summary: str
    atouts: str
    url: str
    qr_svg: str
    photo: dict | None = None
    locator_svg: str = ""


def _site_url(path):
    return f"{settings.SITE_URL}{path}"


def booklet_qr_svg(url):
    """The QR code of a project's public page, as inline SVG (error correction M, like the
    certificates': enough for print)."""
    return segno.make(url, error="m", boost_error=False).svg_inline(
        scale=2, border=0, dark="#000", omitsize=False
    )


def _data_url(content):
    kind = "image/png" if content.startswith(b"\x89PNG") else "image/jpeg"
    return f"data:{kind};base64,{base64.b64encode(content).decode('ascii')}"


def booklet_project_photo(entry):
    """The project's published photo for print: {data_url, alt, credit}, or None.

    The catalogue's page-size JPEG (staff image or the holder's approved photo), read from
    the storage; a file that cannot be read leaves the page without a photo rather than
    failing the whole cahier.
    """
    photo = entry_photo(entry)
    if photo is None:
        return None
    try:
        with default_storage.open(photo.page_jpeg_name, "rb") as handle:
            content = handle.read()
    except OSError:
        logger.warning("Photo of catalogue entry %s unreadable; printed without it.", entry.pk)
        return None
    return {"data_url": _data_url(content), "alt": photo.alt, "credit": photo.credit}


def _atouts(entry):
    """The jury's « atouts » of the project, once its decision is announced, or ""."""
    application = entry.source_application
    if application is None:
        return ""
    decision = getattr(application, "jury_decision", None)
    if decision is None or not decision.is_announced or decision.outcome not in LABELLING_OUTCOMES:
        return ""
    return decision.atouts.strip()


def booklet_project_page(entry):
    """What the cahier prints of one labelled project (its public catalogue entry)."""
    communes = [commune.name for commune in entry.commune_list]
    url = _site_url(entry.get_absolute_url())
    anchor = f"projet-{entry.slug}"
    return ProjectPage(
        anchor=anchor,
        name=entry.name,
        award=entry.award_label,
        holder=entry.holder,
        holder_type=entry.holder_type_label,
        communes=communes,
        place="" if communes else entry.agglomeration_label,
        themes=[theme.label for theme in entry.themes],
        summary=entry.summary,
        atouts=_atouts(entry),
        url=url,
        qr_svg=mark_safe(booklet_qr_svg(url)),  # noqa: S308 -- segno's SVG of our own URL
        photo=booklet_project_photo(entry),
        locator_svg=(
            booklet_locator_svg(
                entry.name, [commune.insee_code for commune in entry.commune_list], anchor
            )
            if communes
            else ""
        ),
    )


def booklet_index(projects):
    """The two indexes: by theme and by commune, each [(heading, [project, ...]), ...].

    Headings and projects are in French alphabetical order; a project of the whole territory
    (no commune) is listed under its place (« Pôle Métropolitain de l'Artois »).
    """
    by_theme, by_commune = {}, {}
    for project in projects:
        for theme in project.themes:
            by_theme.setdefault(theme, []).append(project)
        for commune in project.communes or [project.place or _("Tout le territoire")]:
            by_commune.setdefault(commune, []).append(project)

    def ordered(groups):
        return [
            (heading, sorted(items, key=lambda project: french_sort_key(project.name)))
            for heading, items in sorted(groups.items(), key=lambda pair: french_sort_key(pair[0]))
        ]

    return ordered(by_theme), ordered(by_commune)


def booklet_map_svg(wave, entries):
    """The territory with the wave's labelled projects counted per commune, styled for print."""
    list_url = _site_url(reverse("catalogue:list"))
    link_prefix = f"{list_url}?{urlencode({'wave': wave.number})}&commune="
    svg = str(
        map_svg(
            entry_commune_counts(entries),
            link_prefix=link_prefix,
            title=_("Carte des projets labellisés de la vague %(number)s")
            % {"number": wave.number},
        )
    )
    return _styled(svg)


def _styled(svg):
    """An SVG of catalogue.map with the print palette written inside it."""
    opening = _SVG_OPEN.search(svg)
    if opening is None:
        return mark_safe(svg)  # noqa: S308 -- catalogue.map escapes every text it draws
    end = opening.end()
    return mark_safe(svg[:end] + MAP_STYLE + svg[end:])  # noqa: S308 -- see above


def booklet_locator_svg(project_name, insee_codes, anchor):
    """The small map of where a project stands (its communes lit), styled for print."""
    svg = str(
        locator_svg(
            insee_codes, title=_("Localisation du projet %(name)s") % {"name": project_name}
        )
    )
    # One document holds every project's map: each title gets an id of its own.
    return _styled(svg.replace("locator-titre", f"{anchor}-carte"))


def booklet_introduction_html(text):
    """The staff's introduction as sanitised HTML (Markdown-lite: paragraphs, emphasis,
    lists, even without the blank line Markdown wants before a list)."""
    text = _LIST_AFTER_TEXT.sub(lambda match: match.group(1) + "\n\n", text or "")
    return mark_safe(markdown_render(text))  # noqa: S308 -- sanitised by nh3


def booklet_document_context(booklet, *, on_project=None):
    """Everything the cahier's template shows; ``on_project(done, total)`` is called after
    each project page is prepared (the progress bar follows it)."""
    wave = booklet.wave
    entries = booklet_project_list(wave)
    projects = []
    entry_list = list(entries)
    for done, entry in enumerate(entry_list, start=1):
        projects.append(booklet_project_page(entry))
        if on_project is not None:
            on_project(done, len(entry_list))
    themes_index, communes_index = booklet_index(projects)
    return {
        "booklet": booklet,
        "wave": wave,
        "edition": str(wave.edition),
        "introduction_html": booklet_introduction_html(booklet.introduction),
        "projects": projects,
        "map_svg": booklet_map_svg(wave, entries) if entry_list else "",
        "unmapped": [project for project in projects if not project.communes],
        "legend": [(LEGEND_COLOURS[step], text) for step, text in legend()],
        "themes_index": themes_index,
        "communes_index": communes_index,
        "catalogue_url": _site_url(reverse("catalogue:list")),
        "map_credit": MAP_CREDIT,
        "footer_label": _css_string(_("Cahier du label — %(edition)s") % {"edition": wave.edition}),
    }


def _css_string(text):
    """Text made safe inside a CSS string of the template (the page footer): quotes,
    backslashes, « < » and line breaks escaped, so a staff-typed edition name cannot end it."""
    text = str(text).replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ")
    # Raw text inside <style>: HTML escaping would print « &quot; », and « < » is escaped
    # above, so no « </style> » can close the element.
    return mark_safe(re.sub(r"[\r\n]+", " ", text))  # noqa: S308 -- escaped for CSS above


def booklet_title(booklet):
    """The PDF's title (its metadata and the reader's title bar)."""
    return _("Cahier du label — %(edition)s — vague %(number)s") % {
        "edition": booklet.wave.edition,
        "number": booklet.wave.number,
    }


def booklet_render_pdf(booklet, *, on_project=None):
    """The tagged PDF bytes of one version of a cahier (no database write)."""
    # The cahier is French whatever language the worker or the requesting page runs in.
    with translation.override("fr"):
        context = booklet_document_context(booklet, on_project=on_project)
        title = booklet_title(booklet)
    return render_pdf(template_name=BOOKLET_TEMPLATE, context=context, title=title, language="fr")
