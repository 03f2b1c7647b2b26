"""Public pages of the catalogue of labelled projects: list, project page, statistics."""

import hashlib
import json
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from catalogue.models import catalogue_version
from catalogue.pictures import PICTURE_SIZE_OF_URL_NAME
from catalogue.selectors import (
    CATALOGUE_DEFAULT_SORT,
    CatalogueFilters,
    catalogue_entry_count,
    catalogue_entry_get_public,
    catalogue_entry_list,
    catalogue_entry_list_related,
    catalogue_filter_options,
    catalogue_filters_parse,
    catalogue_stats,
    entries_with_editions,
)
from label.enums import Agglomeration, Award, Theme

CATALOGUE_PAGE_SIZE = 12
SORT_CHOICES = (
    ("recent", gettext_lazy("les plus récents d'abord")),
    ("oldest", gettext_lazy("les plus anciens d'abord")),
    ("name", gettext_lazy("par nom")),
)
# What json_script escapes: no "</script>" or "<!--" can appear in the data block.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
# Chart geometry, in SVG user units: labels on the left, bars on the right.
CHART_WIDTH = 720
CHART_LABEL_WIDTH = 300
CHART_BAR_AREA = 360
CHART_ROW_HEIGHT = 32
CHART_BAR_HEIGHT = 20
# How long a browser or a reverse proxy may keep a public page. The server's own copy is
# dropped at once when the catalogue changes (its key carries the catalogue's version); a
# proxy cannot be told, so its copy is kept short.
PUBLIC_PAGE_MAX_AGE = 300
# The server's copy is dropped by a change of the catalogue; this bounds the keys of pages
# nobody asks for again (every free-text search has its own).
PUBLIC_PAGE_CACHE_SECONDS = 60 * 60
# Query parameters of the catalogue's pages that are kept: a query string with any other
# name, a repeated name or a very long value is rendered for its visitor alone, so that
# made-up query strings cannot fill the cache with copies of the same page.
CATALOGUE_LIST_PARAMS = frozenset(
    {"q", "theme", "agglomeration", "commune", "year", "wave", "award", "sort", "page"}
)
PUBLIC_PAGE_PARAM_MAX_LENGTH = 200


def _visitor_is_anonymous_and_stateless(request):
    """Does the request carry no session and no pending messages? Then the visitor is
    anonymous and the page is the same for every such visitor in the same language.

    Only the cookies are read: opening the session to ask would mark the response as
    depending on it (Vary: Cookie).
    """
    cookies = request.COOKIES
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in cookies
        and getattr(settings, "MESSAGE_COOKIE_NAME", "messages") not in cookies
    )


def _query_is_kept(request, params):
    """Is the query string made only of `params`, each once and of reasonable length?"""
    return all(
        name in params and len(values) == 1 and len(values[0]) <= PUBLIC_PAGE_PARAM_MAX_LENGTH
        for name, values in request.GET.lists()
    )


def _page_cache_key(request):
    """Key of a public page: catalogue version, language, host, path and query string."""
    address = f"{request.get_host()}{request.get_full_path()}"
    digest = hashlib.md5(address.encode(), usedforsecurity=False).hexdigest()
    return f"catalogue:page:{catalogue_version()}:{translation.get_language()}:{digest}"


def public_page(*, params=frozenset()):
    """Serve anonymous visitors the page from the cache, and let proxies keep it too.

    For a visitor without session or message cookie the rendered page is kept under a key
    of the catalogue's version, the language, the host and the full path, so any change to
    the catalogue serves a fresh page, and a hit reads no database row. The answer carries
    an ETag (304 on If-None-Match), `Cache-Control: public` and neither a CSRF cookie nor
    `Vary: Cookie`. A page whose rendering asked for a CSRF token (a POST form) or did not
    answer 200 is neither kept nor made public, nor is a query string with parameters other
    than `params`; signed-in visitors get the page as before. A reverse proxy must bypass its
    cache when a session cookie is present and key it on the language cookie (see the README).
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            # Asking for the user also settles it now, before the session is declared unread
            # below: the audit middleware asks again after the view, even on a 304.
            if (
                not _visitor_is_anonymous_and_stateless(request)
                or not _query_is_kept(request, params)
                or request.user.is_authenticated
            ):
                return view(request, *args, **kwargs)
            return _kept_page(request, view, args, kwargs)

        return wrapper

    return decorator


def _kept_page(request, view, args, kwargs):
    """The page from the cache (rendered and kept on a miss), with its public headers."""
    key = _page_cache_key(request)
    kept = cache.get(key)
    if kept is None:
        response = view(request, *args, **kwargs)
        if (
            response.status_code != 200
            or response.streaming
            or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            or response.cookies
        ):
            return response
        content = response.content
        etag = f'"{hashlib.md5(content, usedforsecurity=False).hexdigest()}"'
        kept = (content, response["Content-Type"], etag)
        cache.set(key, kept, PUBLIC_PAGE_CACHE_SECONDS)
    content, content_type, etag = kept
    response = get_conditional_response(request, etag=etag) or HttpResponse(
        content, content_type=content_type
    )
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=PUBLIC_PAGE_MAX_AGE)
    session = getattr(request, "session", None)
    if session is not None and session.session_key is None and not session.modified:
        # The account middlewares looked into the (empty) session of every request; the
        # page does not depend on it, so the session middleware must not add Vary: Cookie.
        session.accessed = False
    return response


def filters_query(filters, **overrides):
    """The query string of a set of filters, without the defaults (for shareable links)."""
    params = {
        "q": filters.q,
        "theme": filters.theme,
        "agglomeration": filters.agglomeration,
        "commune": filters.commune,
        "year": filters.year,
        "wave": filters.wave,
        "award": filters.award,
        "sort": filters.sort if filters.sort != CATALOGUE_DEFAULT_SORT else None,
    }
    params.update(overrides)
    return urlencode({key: value for key, value in params.items() if value not in (None, "")})


def _page_links(page, filters):
    """Links of the pagination: first, last, and two pages around the current one."""
    numbers = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    links = []
    for number in numbers:
        if number == page.paginator.ELLIPSIS:
            links.append({"ellipsis": True})
        else:
            links.append(
                {
                    "number": number,
                    "url": "?" + filters_query(filters, page=number),
                    "current": number == page.number,
                }
            )
    return links


def _active_filters(filters, options, *, commune_names=None):
    """The filters in force, each with a link that removes it (a commune named from
    ``commune_names`` when given, else from the commune filter's choices)."""
    communes = commune_names if commune_names is not None else dict(options["communes"])
    editions = options.get("editions", {})
    labels = {
        "q": lambda value: _("recherche « %s »") % value,
        "theme": lambda value: Theme(value).label,
        "agglomeration": lambda value: Agglomeration(value).label,
        "commune": lambda value: communes.get(value, value),
        "year": lambda value: _("année %s") % value,
        "wave": lambda value: (
            _("vague %(number)s — %(edition)s") % {"number": value, "edition": editions[value]}
            if value in editions
            else _("vague %s") % value
        ),
        "award": lambda value: Award(value).label,
    }
    active = []
    for name, label in labels.items():
        value = getattr(filters, name)
        if value not in (None, ""):
            query = filters_query(filters.without(name))
            active.append({"label": label(value), "url": "?" + query if query else "?"})
    return active


def select_options(choices, selected):
    """The <option>s of a filter, built in Python: template loops over the choices (up to 150
    communes) cost more than the rest of the page."""
    chosen = None if selected is None else escape(selected)
    options = []
    for value, label in choices:
        value = escape(value)
        flag = " selected" if value == chosen else ""
        options.append(f'<option value="{value}"{flag}>{escape(label)}</option>')
    return mark_safe("".join(options))  # noqa: S308 -- every value and label is escaped


def _filter_options(options, filters):
    """The options of each select of the filter form, the current choice selected."""
    return {
        "theme": select_options(options["themes"], filters.theme),
        "agglomeration": select_options(options["agglomerations"], filters.agglomeration),
        "commune": select_options(options.get("communes", ()), filters.commune),
        "year": select_options(((year, year) for year in options["years"]), filters.year),
        "wave": select_options(options["wave_choices"], filters.wave),
        "award": select_options(options["awards"], filters.award),
        "sort": select_options(SORT_CHOICES, filters.sort),
    }


class CountedPaginator(Paginator):
    """A paginator told the number of results, which the selector keeps in cache."""

    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self):
        return self._known_count


@require_safe
@public_page(params=CATALOGUE_LIST_PARAMS)
def catalogue_list(request):
    """The catalogue: cards, filters, search, sorting and pages, all in the query string.

    Values that are not understood are left out rather than refused, so a mistyped or stale
    link still shows the catalogue. A page past the end shows the last page.
    """
    filters, _errors = catalogue_filters_parse(request.GET)
    options = catalogue_filter_options()
    entries = catalogue_entry_list(filters)
    paginator = CountedPaginator(
        entries, CATALOGUE_PAGE_SIZE, count=catalogue_entry_count(filters, entries)
    )
    page = paginator.get_page(request.GET.get("page"))
    entries = entries_with_editions(list(page.object_list), options["editions"])
    context = {
        "filters": filters,
        "options": options,
        "select_options": _filter_options(options, filters),
        "sort_choices": SORT_CHOICES,
        "page_obj": page,
        "entries": entries,
        "page_links": _page_links(page, filters),
        "previous_url": (
            "?" + filters_query(filters, page=page.previous_page_number())
            if page.has_previous()
            else None
        ),
        "next_url": (
            "?" + filters_query(filters, page=page.next_page_number()) if page.has_next() else None
        ),
        "active_filters": _active_filters(filters, options),
        "is_filtered": filters.is_filtered,
    }
    return render(request, "catalogue/entry_list.html", context)


def json_ld_script(data):
    """A schema.org JSON-LD block, escaped like json_script so no text can close the tag."""
    payload = json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308 -- escaped above


def _json_ld(request, entry):
    data = {
        "@context": "https://schema.org",
        "@type": "Project",
        "name": entry.name,
        "url": request.build_absolute_uri(entry.get_absolute_url()),
        "description": entry.summary,
        "award": " ".join(str(part) for part in (entry.award_label, entry.year) if part),
        "keywords": [str(theme.label) for theme in entry.themes],
        "areaServed": [
            {"@type": "City", "name": commune.name, "identifier": commune.insee_code}
            for commune in entry.commune_list
        ]
        or [{"@type": "AdministrativeArea", "name": str(entry.agglomeration_label)}],
    }
    if entry.holder:
        data["sponsor"] = {"@type": "Organization", "name": entry.holder}
    if entry.website:
        data["sameAs"] = entry.website
    if entry.large_image_url:
        data["image"] = request.build_absolute_uri(entry.large_image_url)
    return data


@require_safe
@public_page()
def catalogue_detail(request, slug):
    """The page of one labelled project, with its related projects and JSON-LD data."""
    entry = catalogue_entry_get_public(slug)
    if entry is None:
        raise Http404
    related = catalogue_entry_list_related(entry)
    entries_with_editions([entry, *related])
    context = {
        "entry": entry,
        "related": related,
        "json_ld": json_ld_script(_json_ld(request, entry)),
        "list_filters": CatalogueFilters(),
    }
    return render(request, "catalogue/entry_detail.html", context)


@require_safe
def catalogue_image(request, slug, variant, fmt="jpeg"):
    """One size of a project's picture as JPEG or WebP; the uploaded original, which may carry
    EXIF data, never leaves."""
    entry = catalogue_entry_get_public(slug)
    if entry is None:
        raise Http404
    size = (entry.picture or {}).get("variants", {}).get(PICTURE_SIZE_OF_URL_NAME.get(variant))
    if not size or not size.get(fmt):
        raise Http404
    try:
        handle = default_storage.open(size[fmt], "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=f"image/{fmt}")
    # The URL carries the file's version (?v=), so the picture may be cached for a long time.
    response["Cache-Control"] = "public, max-age=2592000"
    return response


def bar_chart(rows, *, title):
    """Geometry of a horizontal bar chart drawn in SVG by the template (no script needed)."""
    top = max((count for _code, _label, count in rows), default=0)
    bars = []
    for index, (code, label, count) in enumerate(rows):
        width = round(CHART_BAR_AREA * count / top) if top else 0
        y = index * CHART_ROW_HEIGHT
        bars.append(
            {
                "code": code,
                "label": label,
                "count": count,
                "y": y,
                "text_y": y + CHART_BAR_HEIGHT - 5,
                "width": width,
                "value_x": CHART_LABEL_WIDTH + width + 8,
            }
        )
    return {
        "title": title,
        "bars": bars,
        "width": CHART_WIDTH,
        "height": max(len(rows), 1) * CHART_ROW_HEIGHT,
        "label_x": CHART_LABEL_WIDTH - 10,
        "bar_x": CHART_LABEL_WIDTH,
        "bar_height": CHART_BAR_HEIGHT,
    }


@require_safe
@public_page()
def catalogue_stats_page(request):
    """Charts of the labelled projects per year, theme and agglomeration, with tables."""
    stats = catalogue_stats()
    charts = [
        {
            "id": "par-annee",
            "parameter": "year",
            "column": _("Année"),
            "chart": bar_chart(stats["by_year"], title=_("Projets labellisés par année")),
        },
        {
            "id": "par-theme",
            "parameter": "theme",
            "column": _("Thème"),
            "chart": bar_chart(stats["by_theme"], title=_("Projets labellisés par thème")),
        },
        {
            "id": "par-agglomeration",
            "parameter": "agglomeration",
            "column": _("Agglomération"),
            "chart": bar_chart(
                stats["by_agglomeration"], title=_("Projets labellisés par agglomération")
            ),
        },
    ]
    context = {"stats": stats, "charts": charts}
    return render(request, "catalogue/stats.html", context)
