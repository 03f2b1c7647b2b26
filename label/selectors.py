"""Reads of the label app."""

from dataclasses import dataclass, replace

from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q
from django.utils.translation import gettext_lazy as _

from label.enums import Agglomeration, Award, Theme
from label.models import CatalogueEntry, CatalogueEntryTheme, Commune, Wave
from label.models.catalogue import search_normalise


def wave_get_current():
    """The wave whose call is open now, or None."""
    return Wave.objects.current()


def wave_get_latest():
    """The most recent wave (by number), or None."""
    return Wave.objects.order_by("-number").first()


# --- Public catalogue -------------------------------------------------------------------

CATALOGUE_SORTS = {
    "recent": (F("year").desc(nulls_last=True), F("wave_number").desc(nulls_last=True)),
    "oldest": (F("year").asc(nulls_last=True), F("wave_number").asc(nulls_last=True)),
    "name": (),
}
CATALOGUE_DEFAULT_SORT = "recent"
# Bounds of what a filter may ask, so that a typo is reported rather than silently empty.
CATALOGUE_YEAR_RANGE = (2000, 2100)
CATALOGUE_WAVE_RANGE = (1, 999)
CATALOGUE_QUERY_MAX_LENGTH = 100
CATALOGUE_QUERY_MAX_WORDS = 8


@dataclass(frozen=True)
class CatalogueFilters:
    """What a visitor asked of the catalogue: the same parameters on the page and in the API."""

    q: str = ""
    theme: str | None = None
    agglomeration: str | None = None
    commune: str | None = None
    year: int | None = None
    wave: int | None = None
    award: str | None = None
    sort: str = CATALOGUE_DEFAULT_SORT

    @property
    def is_filtered(self):
        return self != CatalogueFilters(sort=self.sort)

    def without(self, name):
        """The same filters with one of them cleared (for "remove this filter" links)."""
        return replace(self, **{name: CatalogueFilters.__dataclass_fields__[name].default})


def _parse_int(value, bounds):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if bounds[0] <= number <= bounds[1] else None


def catalogue_filters_parse(params):
    """Read catalogue filters from query parameters; return (filters, errors).

    Empty values mean "no filter". A value that is not understood is left out of the filters
    and reported in ``errors`` ({parameter: message}): pages ignore it, the API answers 400.
    """
    errors = {}
    values = {}

    def get(name):
        value = params.get(name)
        return value.strip() if isinstance(value, str) else value

    query = get("q") or ""
    if len(query) > CATALOGUE_QUERY_MAX_LENGTH:
        errors["q"] = f"La recherche dépasse {CATALOGUE_QUERY_MAX_LENGTH} caractères."
    else:
        values["q"] = query
    for name, enum in (("theme", Theme), ("agglomeration", Agglomeration), ("award", Award)):
        value = get(name)
        if not value:
            continue
        if value in enum.values:
            values[name] = value
        else:
            errors[name] = f"Valeur inconnue « {value} » ; valeurs possibles : " + ", ".join(
                enum.values
            )
    commune = get("commune")
    if commune:
        if Commune.objects.filter(insee_code=commune).exists():
            values["commune"] = commune
        else:
            errors["commune"] = (
                f"Code INSEE inconnu « {commune} » : il faut le code d'une des 150 communes "
                "du Pôle Métropolitain de l'Artois."
            )
    for name, bounds in (("year", CATALOGUE_YEAR_RANGE), ("wave", CATALOGUE_WAVE_RANGE)):
        value = get(name)
        if not value:
            continue
        number = _parse_int(value, bounds)
        if number is None:
            errors[name] = f"« {value} » n'est pas un nombre entre {bounds[0]} et {bounds[1]}."
        else:
            values[name] = number
    sort = get("sort")
    if sort:
        if sort in CATALOGUE_SORTS:
            values["sort"] = sort
        else:
            errors["sort"] = f"Tri inconnu « {sort} » ; tris possibles : " + ", ".join(
                CATALOGUE_SORTS
            )
    return CatalogueFilters(**values), errors


def _catalogue_prefetched(queryset):
    """Add the communes and themes every card shows, in two queries whatever the page size."""
    return queryset.prefetch_related(
        Prefetch("communes", queryset=Commune.objects.only("id", "name", "insee_code", "epci")),
        Prefetch("theme_links", queryset=CatalogueEntryTheme.objects.only("entry_id", "theme")),
    )


def catalogue_search_words(query):
    """The normalised words of a search, each of which an entry must contain."""
    return search_normalise(query).split()[:CATALOGUE_QUERY_MAX_WORDS]


def catalogue_entry_list(filters=None):
    """Public catalogue entries matching the filters, sorted, with communes and themes."""
    filters = filters or CatalogueFilters()
    entries = CatalogueEntry.objects.public()
    for word in catalogue_search_words(filters.q):
        # The column is already lower-case and accent-free: a plain LIKE is enough, and the
        # trigram index of PostgreSQL serves it.
        entries = entries.filter(search_text__contains=word)
    if filters.theme:
        entries = entries.filter(
            Exists(CatalogueEntryTheme.objects.filter(entry=OuterRef("pk"), theme=filters.theme))
        )
    if filters.agglomeration:
        entries = entries.filter(agglomeration=filters.agglomeration)
    if filters.commune:
        entries = entries.filter(
            Exists(
                CatalogueEntry.communes.through.objects.filter(
                    catalogueentry_id=OuterRef("pk"), commune__insee_code=filters.commune
                )
            )
        )
    if filters.year is not None:
        entries = entries.filter(year=filters.year)
    if filters.wave is not None:
        entries = entries.filter(wave_number=filters.wave)
    if filters.award:
        entries = entries.filter(award=filters.award)
    ordering = CATALOGUE_SORTS.get(filters.sort, CATALOGUE_SORTS[CATALOGUE_DEFAULT_SORT])
    entries = entries.order_by(*ordering, "sort_name", "pk")
    return _catalogue_prefetched(entries)


def catalogue_entry_get_public(slug):
    """The public entry with this slug, with communes and themes, or None."""
    return _catalogue_prefetched(CatalogueEntry.objects.public().filter(slug=slug)).first()


def catalogue_entry_list_related(entry, *, limit=3):
    """Other public entries sharing a commune or a theme with this one, closest first."""
    theme_codes = [link.theme for link in entry.theme_links.all()]
    commune_ids = [commune.pk for commune in entry.communes.all()]
    if not theme_codes and not commune_ids:
        return []
    through = CatalogueEntry.communes.through
    shares_commune = Exists(
        through.objects.filter(catalogueentry_id=OuterRef("pk"), commune_id__in=commune_ids)
    )
    shares_theme = Exists(
        CatalogueEntryTheme.objects.filter(entry=OuterRef("pk"), theme__in=theme_codes)
    )
    related = (
        CatalogueEntry.objects.public()
        .exclude(pk=entry.pk)
        .annotate(shares_commune=shares_commune, shares_theme=shares_theme)
        .filter(Q(shares_commune=True) | Q(shares_theme=True))
        .order_by(F("shares_commune").desc(), F("year").desc(nulls_last=True), "sort_name")
    )
    return list(_catalogue_prefetched(related)[:limit])


def catalogue_entry_list_latest(*, limit=3):
    """The entries most recently added to the public catalogue."""
    entries = CatalogueEntry.objects.public().order_by(
        "-published_at", F("year").desc(nulls_last=True), "sort_name"
    )
    return list(_catalogue_prefetched(entries)[:limit])


def catalogue_filter_options():
    """The choices the catalogue's filter form offers, from the public entries."""
    public = CatalogueEntry.objects.public()
    communes = list(
        Commune.objects.filter(Exists(public.filter(communes=OuterRef("pk"))))
        .only("name", "insee_code", "epci")
        .order_by("name")
    )
    pairs = set(public.values_list("year", "wave_number").distinct())
    return {
        "themes": Theme.choices,
        "agglomerations": Agglomeration.choices,
        "awards": Award.choices,
        "communes": communes,
        "years": sorted({year for year, _wave in pairs if year}, reverse=True),
        "waves": sorted({wave for _year, wave in pairs if wave}, reverse=True),
    }


def catalogue_last_modified():
    """When the public catalogue last changed (None when it is empty)."""
    return CatalogueEntry.objects.filter(is_synthetic=False).aggregate(latest=Max("updated_at"))[
        "latest"
    ]


def catalogue_stats():
    """Counts of public entries per year, theme, agglomeration and award, for the charts.

    Each series is a list of (code, label, count); themes and agglomerations list every
    value, even at zero, so that a chart always shows the whole vocabulary.
    """
    public = CatalogueEntry.objects.public()
    by_year = dict(
        public.values_list("year")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("year", "count")
    )
    by_theme = dict(
        CatalogueEntryTheme.objects.filter(entry__in=public)
        .values_list("theme")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("theme", "count")
    )
    by_agglomeration = dict(
        public.values_list("agglomeration")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("agglomeration", "count")
    )
    by_award = dict(
        public.values_list("award")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("award", "count")
    )
    years = sorted(year for year in by_year if year is not None)
    return {
        "total": sum(by_year.values()),
        "by_year": [(str(year), str(year), by_year[year]) for year in years]
        + ([("", _("Année inconnue"), by_year[None])] if by_year.get(None) else []),
        "by_theme": [(theme.value, theme.label, by_theme.get(theme.value, 0)) for theme in Theme],
        "by_agglomeration": [
            (area.value, area.label, by_agglomeration.get(area.value, 0)) for area in Agglomeration
        ],
        "by_award": [(award.value, award.label, by_award.get(award.value, 0)) for award in Award],
    }
