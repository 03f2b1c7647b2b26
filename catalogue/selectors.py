"""Reads of the public catalogue: filters, search, lists, related projects, statistics."""

import hashlib
import re
from dataclasses import dataclass, replace
from typing import NamedTuple

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db.models import Count, Exists, F, Max, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from catalogue.models import (
    CatalogueEntry,
    CatalogueEntryTheme,
    catalogue_version,
)
from label.enums import Agglomeration, Award, Theme
from label.models import Commune, Wave
from label.text import french_sort_key, search_normalise

# Entries of unknown year (11 of the historical file) come last in both directions: an
# unknown year is neither recent nor old, and is never made up. "recent" and "name" match an
# index of CatalogueEntry (sort_year is 0 when the year is unknown, so it sorts last when
# descending); "oldest" orders on the year itself with NULLs last, which both SQLite and
# PostgreSQL understand, and sorts the matching rows rather than walking an index (a few
# milliseconds for 10,000 entries).
CATALOGUE_SORTS = {
    "recent": ("-sort_year", "sort_name", "id"),
    "oldest": (F("year").asc(nulls_last=True), "sort_name", "id"),
    "name": ("sort_name", "id"),
}
CATALOGUE_DEFAULT_SORT = "recent"
# A bound on staleness should the cache miss a change made outside the model (raw SQL).
CATALOGUE_OPTIONS_CACHE_SECONDS = 60 * 60
# Bounds of what a filter may ask, so that a typo is reported rather than silently empty.
CATALOGUE_YEAR_RANGE = (2000, 2100)
CATALOGUE_WAVE_RANGE = (1, 999)
CATALOGUE_QUERY_MAX_LENGTH = 100
CATALOGUE_QUERY_MAX_WORDS = 8
INSEE_CODE = re.compile(r"[0-9][0-9AB][0-9]{3}")


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
        # The shape is checked before the database is asked: PostgreSQL refuses some
        # characters (NUL) in a query, which would otherwise end in a server error.
        if INSEE_CODE.fullmatch(commune) and Commune.objects.filter(insee_code=commune).exists():
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


def catalogue_search_words(query):
    """The normalised words of a search, each of which an entry must contain."""
    return search_normalise(query).split()[:CATALOGUE_QUERY_MAX_WORDS]


def catalogue_entry_list(filters=None):
    """Public catalogue entries matching the filters, sorted (communes and themes are in
    each row's facets column: no further query)."""
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
        entries = entries.filter(catalogue_in_agglomeration(filters.agglomeration))
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
    entries = entries.order_by(
        *CATALOGUE_SORTS.get(filters.sort, CATALOGUE_SORTS[CATALOGUE_DEFAULT_SORT])
    )
    return entries


def catalogue_in_agglomeration(code):
    """A condition: the entry stands in this agglomeration, or has a commune there.

    A project spread over several agglomerations (the Parc des Berges de la Souchez, filed
    under the whole Pôle) appears under each agglomeration of its communes.
    """
    through = CatalogueEntry.communes.through
    return Q(agglomeration=code) | Exists(
        through.objects.filter(catalogueentry_id=OuterRef("pk"), commune__epci=code)
    )


class Edition(NamedTuple):
    """A wave run on the portal, as the catalogue names it: « Label Euralens 2027 »."""

    name: str
    year: int

    def __str__(self):
        return self.name


def catalogue_wave_editions(numbers=None):
    """{wave number: Edition} of the waves run on the portal (the older ones have no Wave
    row, and no edition name is made up for them)."""
    waves = Wave.objects.all()
    if numbers is not None:
        waves = waves.filter(number__in=[number for number in numbers if number])
    return {
        wave.number: Edition(str(wave.edition), wave.year)
        for wave in waves.only("number", "year", "edition_name")
    }


def entries_with_editions(entries, editions=None):
    """The entries, each given ``edition``: its wave's edition name, or "".

    An entry takes the name only when it comes from that wave's files, or when its year is
    the wave's: a project of the historical file that carries the number of a wave run again
    on the portal (the demo's 10th wave) is not given another year's edition.
    """
    if editions is None:
        editions = catalogue_wave_editions({entry.wave_number for entry in entries})
    for entry in entries:
        edition = editions.get(entry.wave_number)
        belongs = edition is not None and (
            entry.source_application_id is not None or entry.year in (None, edition.year)
        )
        entry.edition = edition.name if belongs else ""
    return entries


def catalogue_entry_count(filters, entries=None):
    """How many public entries match the filters; kept in cache until the catalogue changes.

    The list and the API count their results on every page; the answer only moves when an
    entry does, so it is computed once per set of filters and catalogue version.
    """
    digest = hashlib.sha256(repr(filters).encode()).hexdigest()[:32]
    key = f"catalogue:count:{catalogue_version()}:{digest}"
    count = cache.get(key)
    if count is None:
        entries = entries if entries is not None else catalogue_entry_list(filters)
        count = entries.count()
        cache.set(key, count, CATALOGUE_OPTIONS_CACHE_SECONDS)
    return count


def catalogue_entry_get_public(slug):
    """The public entry with this slug, or None."""
    return CatalogueEntry.objects.public().filter(slug=slug).first()


def catalogue_entry_list_related(entry, *, limit=3):
    """Other public entries sharing a commune or a theme with this one, closest first.

    The search scans the whole catalogue, so its answer (the entries' ids) is kept until the
    catalogue changes: a project page then costs one read by primary key, whatever the size.
    """
    key = f"catalogue:related:{catalogue_version()}:{entry.pk}:{limit}"
    related_ids = cache.get(key)
    if related_ids is None:
        related_ids = _related_entry_ids(entry, limit=limit)
        cache.set(key, related_ids, CATALOGUE_OPTIONS_CACHE_SECONDS)
    if not related_ids:
        return []
    by_id = CatalogueEntry.objects.public().in_bulk(related_ids)
    return [by_id[pk] for pk in related_ids if pk in by_id]


def _related_entry_ids(entry, *, limit):
    theme_codes = [theme.value for theme in entry.themes]
    commune_codes = [commune.insee_code for commune in entry.commune_list]
    if not theme_codes and not commune_codes:
        return []
    related = CatalogueEntry.objects.public().exclude(pk=entry.pk)
    shares_theme = Exists(
        CatalogueEntryTheme.objects.filter(entry=OuterRef("pk"), theme__in=theme_codes)
    )
    if not commune_codes:
        # A territory-wide project shares no commune: an Exists over an empty list would be a
        # constant, which PostgreSQL refuses in ORDER BY.
        related = related.filter(shares_theme).order_by("-sort_year", "sort_name")
        return list(related.values_list("pk", flat=True)[:limit])
    through = CatalogueEntry.communes.through
    shares_commune = Exists(
        through.objects.filter(
            catalogueentry_id=OuterRef("pk"), commune__insee_code__in=commune_codes
        )
    )
    related = (
        related.annotate(shares_commune=shares_commune, shares_theme=shares_theme)
        .filter(Q(shares_commune=True) | Q(shares_theme=True))
        .order_by(F("shares_commune").desc(), "-sort_year", "sort_name")
    )
    return list(related.values_list("pk", flat=True)[:limit])


def catalogue_entry_list_latest(*, limit=3):
    """The most recently labelled projects: latest year first, then latest published."""
    entries = CatalogueEntry.objects.public().order_by("-sort_year", "-published_at", "sort_name")
    return list(entries[:limit])


def catalogue_entry_list_new(*, limit=20):
    """The entries most recently added to the public catalogue (the Atom feed's news)."""
    entries = CatalogueEntry.objects.public().order_by("-published_at", "-sort_year", "sort_name")
    return list(entries[:limit])


def _commune_counts_by_id(entries):
    """{commune id: number of entries} of a queryset of entries: one GROUP BY over the entries
    joined to their communes (an entry is linked once to a commune, so the rows of a group
    are distinct entries), on the commune's id: joining the commune table as well to group
    on its code cost a third more on 10,000 entries."""
    rows = (
        entries.order_by()
        .filter(communes__isnull=False)
        .values_list("communes")
        .annotate(count=Count("pk"))
    )
    return dict(rows)


def entry_commune_counts(entries):
    """{INSEE code: number of entries} of a queryset of catalogue entries.

    The ids are turned into codes by a read of the 150 communes made here, each time, rather
    than a table kept in memory, which would go stale if the communes were loaded again.
    """
    counts = _commune_counts_by_id(entries)
    if not counts:
        return {}
    codes = dict(Commune.objects.values_list("pk", "insee_code"))
    return {codes[pk]: count for pk, count in counts.items() if pk in codes}


def _catalogue_communes():
    """The public catalogue grouped by commune, once per catalogue version: the counts the
    map of the whole catalogue draws, and the communes the commune filter offers."""
    key = f"catalogue:communes:{catalogue_version()}"
    summary = cache.get(key)
    if summary is None:
        by_id = _commune_counts_by_id(CatalogueEntry.objects.public())
        counts, choices = {}, []
        if by_id:
            # All 150 communes read and kept here when counted: quicker than asking the
            # database for the counted ones by a list of 150 ids.
            for pk, code, name in Commune.objects.values_list("pk", "insee_code", "name"):
                if pk in by_id:
                    counts[code] = by_id[pk]
                    # Plain (code, name) pairs: quicker to read back from the cache than models.
                    choices.append((code, name))
        choices.sort(key=lambda pair: french_sort_key(pair[1]))
        summary = {"counts": counts, "choices": choices}
        cache.set(key, summary, CATALOGUE_OPTIONS_CACHE_SECONDS)
    return summary


def catalogue_commune_counts():
    """{INSEE code: number of public entries}, kept until the catalogue changes."""
    return _catalogue_communes()["counts"]


def catalogue_commune_choices():
    """(INSEE code, name) of the communes that have public entries, in French alphabetical
    order: the commune filter's choices, kept until the catalogue changes."""
    return _catalogue_communes()["choices"]


def catalogue_filter_options(*, communes=True):
    """The choices the catalogue's filter form offers, from the public entries.

    The years and waves are cached until the catalogue changes (an index answers them). The
    communes come from the catalogue grouped by commune (``catalogue_commune_choices``);
    ``communes=False`` leaves them out, for the map, whose form has no commune to choose.
    """
    key = f"catalogue:filter-options:{catalogue_version()}"
    cached = cache.get(key)
    if cached is None:
        # order_by() drops the model's ordering, which would otherwise join the DISTINCT; the
        # index catalogue_years_waves answers it.
        public = CatalogueEntry.objects.public().order_by()
        pairs = set(public.values_list("year", "wave_number").distinct())
        cached = {
            "years": sorted({year for year, _wave in pairs if year}, reverse=True),
            "waves": sorted({wave for _year, wave in pairs if wave}, reverse=True),
        }
        cache.set(key, cached, CATALOGUE_OPTIONS_CACHE_SECONDS)
    # The vocabularies are not cached: their labels are translated at each request. Nor are
    # the editions' names, which staff change on the wave without touching the catalogue.
    editions = catalogue_wave_editions(cached["waves"])
    options = {
        "wave_choices": [
            (wave, f"{wave} — {editions[wave]}" if wave in editions else str(wave))
            for wave in cached["waves"]
        ],
        "editions": editions,
        "themes": Theme.choices,
        "agglomerations": Agglomeration.choices,
        "awards": Award.choices,
        **cached,
    }
    if communes:
        options["communes"] = catalogue_commune_choices()
    return options


def catalogue_last_modified():
    """When the catalogue last changed (None when it is empty); cached until it changes.

    Unpublished entries count too: unpublishing one changes what the public sees.
    """
    key = f"catalogue:last-modified:{catalogue_version()}"
    latest = cache.get(key)
    if latest is None:
        latest = (
            CatalogueEntry.objects.filter(is_synthetic=False).aggregate(latest=Max("updated_at"))[
                "latest"
            ]
            or False
        )
        cache.set(key, latest, CATALOGUE_OPTIONS_CACHE_SECONDS)
    return latest or None


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
    # An entry counts under every agglomeration it stands in (see catalogue_in_agglomeration).
    by_agglomeration = {
        area.value: public.filter(catalogue_in_agglomeration(area.value)).count()
        for area in Agglomeration
    }
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


@dataclass(frozen=True)
class EntryPhoto:
    """The published photo of an entry as a printed page needs it (the « Cahier du label »).

    ``page_jpeg_path`` is a filesystem path when the storage has one (local disk), else the
    storage name (open it with ``default_storage.open(page_jpeg_name)``); ``page_jpeg_name``
    is always the storage name. ``width`` and ``height`` are the JPEG's, in pixels.
    """

    page_jpeg_path: str
    page_jpeg_name: str
    alt: str
    credit: str
    width: int
    height: int


def entry_photo(entry):
    """The page-size JPEG of an entry's published picture (staff image or approved holder's
    photo), with its alt text and credit; None when the entry shows its placeholder."""
    variant = entry.page_picture
    if variant is None:
        return None
    try:
        path = default_storage.path(variant.jpeg_name)
    except NotImplementedError:
        path = variant.jpeg_name
    return EntryPhoto(
        page_jpeg_path=str(path),
        page_jpeg_name=variant.jpeg_name,
        alt=variant.alt,
        credit=variant.credit,
        width=variant.width,
        height=variant.height,
    )
