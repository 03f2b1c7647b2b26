"""The map of the territory's labelled projects: an SVG drawn by the server, and its table."""

from django.db.models import Exists, OuterRef
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from catalogue.map import MAP_CREDIT, legend, map_cached, map_svg, territory, url_attribute
from catalogue.models import CatalogueEntry
from catalogue.selectors import (
    catalogue_commune_counts,
    catalogue_entry_count,
    catalogue_entry_list,
    catalogue_filter_options,
    catalogue_filters_parse,
    entry_commune_counts,
)
from catalogue.views.public import (
    CATALOGUE_LIST_PARAMS,
    _active_filters,
    _filter_options,
    filters_query,
    public_page,
)
from label.enums import Agglomeration

# Projects without a commune named under the map; more are counted, not listed.
WITHOUT_COMMUNE_SHOWN = 12
# The map's query string: the catalogue's filters, without its sorting and its pages (which
# do not change the map, so they must not make copies of it in the cache).
MAP_PARAMS = CATALOGUE_LIST_PARAMS - {"sort", "page"}


def _table_rows(rows, link_prefix):
    """The table's rows as HTML, built in Python: a template loop over 150 rows would cost
    more than drawing the map itself. The names come escaped with the territory, each
    commune links to ``link_prefix`` and its code as on the map, and each agglomeration's
    name is escaped once."""
    href = url_attribute(link_prefix)
    names, agglomerations = dict(Agglomeration.choices), {}
    html = []
    for shape, count in rows:
        if shape.epci not in agglomerations:
            agglomerations[shape.epci] = escape(names.get(shape.epci, ""))
        html.append(
            f'<tr><th scope="row"><a href="{href}{shape.insee_code}">{shape.name_html}</a></th>'
            f"<td>{agglomerations[shape.epci]}</td>"
            f'<td class="text-end">{count}</td></tr>'
        )
    return mark_safe("".join(html))  # noqa: S308 -- every value is escaped


def _map_data(filters):
    """Everything the page shows of the map for a set of filters (kept in cache)."""
    # The commune filter only outlines its commune: the map keeps counting the others.
    counting = filters.without("commune")
    entries = catalogue_entry_list(counting)
    # The whole catalogue's counts are the commune filter's too: grouped once per version.
    counts = entry_commune_counts(entries) if counting.is_filtered else catalogue_commune_counts()
    query = filters_query(counting)
    prefix = f"{reverse('catalogue:list')}?{query}{'&' if query else ''}commune="
    land = territory()
    rows = sorted(
        (
            (shape, counts[shape.insee_code])
            for shape in land.communes
            if counts.get(shape.insee_code)
        ),
        key=lambda row: (-row[1], row[0].name),
    )
    through = CatalogueEntry.communes.through
    # One more than shown, to know whether there are more: counting them all would cost a
    # scan of the catalogue for a sentence.
    without_commune = list(
        entries.filter(~Exists(through.objects.filter(catalogueentry_id=OuterRef("pk"))))
        .order_by("sort_name")
        .values_list("name", "slug")[: WITHOUT_COMMUNE_SHOWN + 1]
    )
    detail = reverse("catalogue:detail", kwargs={"slug": "-"})
    title = _("Carte des projets labellisés par commune")
    return {
        "svg": map_svg(counts, link_prefix=prefix, title=title, highlighted=filters.commune),
        "table_rows": _table_rows(rows, prefix),
        "total": catalogue_entry_count(counting, entries),
        "communes_with": len(rows),
        "communes_without": len(land.communes) - len(rows),
        "without_commune": [
            {"name": name, "url": detail.replace("/-/", f"/{slug}/")}
            for name, slug in without_commune[:WITHOUT_COMMUNE_SHOWN]
        ],
        "without_commune_more": len(without_commune) > WITHOUT_COMMUNE_SHOWN,
    }


@require_safe
@public_page(params=MAP_PARAMS)
def catalogue_map(request):
    """/projets/carte/: the communes shaded by their number of projects, the same as a table.

    The catalogue's filters (theme, agglomeration, year, wave, award, search) apply; each
    commune links to the catalogue filtered on it with the same filters. An anonymous visitor
    gets the whole page from the public page cache (with its ETag), as on /projets/: a new
    catalogue version (any change of an entry) serves a fresh one. The drawn map is also kept
    on its own (``map_cached``), for signed-in visitors and for the pages of other languages.
    """
    filters, _errors = catalogue_filters_parse(request.GET)
    # The map's form offers no commune (a commune is chosen on the map): its choices, and the
    # grouping of the whole catalogue they cost, are left out; the territory names them.
    options = catalogue_filter_options(communes=False)
    commune_names = {shape.insee_code: shape.name for shape in territory().communes}
    data = map_cached(("page", filters), lambda: _map_data(filters))
    context = {
        **data,
        "filters": filters,
        "select_options": _filter_options(options, filters),
        "active_filters": _active_filters(filters, options, commune_names=commune_names),
        "is_filtered": filters.is_filtered,
        "legend": legend(),
        "credit": MAP_CREDIT,
        "list_query": filters_query(filters),
    }
    return render(request, "catalogue/map.html", context)
