"""The widget for member communes and partners: their labelled projects inside their site.

``/integrer/projets/`` is a light page (no JavaScript, one small stylesheet) that any site
may show in a frame: its own Content-Security-Policy says ``frame-ancestors *`` and it sends
no X-Frame-Options, while every other page of the portal still refuses to be framed.
``/integrer/projets.json`` gives the same list for those who draw it themselves, and
``/integrer/`` explains both, with a snippet to copy and a preview.
"""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe

from catalogue.selectors import (
    CatalogueFilters,
    catalogue_entry_count,
    catalogue_entry_list,
    catalogue_filter_options,
    catalogue_filters_parse,
)
from catalogue.views.public import filters_query, select_options
from label.enums import Agglomeration, Theme
from label.models import Commune

# A commune's site shows a handful of projects; the rest are a link away.
WIDGET_LIMIT = 12
# The only filters of the widget: where, and what about.
WIDGET_FILTERS = ("commune", "agglomeration", "theme")
# The portal's policy, except that any site may frame this page (and only this one).
WIDGET_CSP = {**settings.SECURE_CSP, "frame-ancestors": ["*"], "form-action": [CSP.NONE]}


def _widget_filters(params):
    """The widget's filters from a query string: (filters, errors), others ignored."""
    filters, errors = catalogue_filters_parse(
        {name: params.get(name) for name in WIDGET_FILTERS if params.get(name)}
    )
    return CatalogueFilters(**{name: getattr(filters, name) for name in WIDGET_FILTERS}), errors


def _widget_title(filters):
    """« Les projets labellisés de Lens », « … du thème Énergie », or of the whole territory."""
    parts = []
    if filters.commune:
        name = Commune.objects.filter(insee_code=filters.commune).values_list("name", flat=True)
        parts.append(_("à %(commune)s") % {"commune": name.first()})
    elif filters.agglomeration:
        parts.append(
            _("de la %(area)s") % {"area": Agglomeration(filters.agglomeration).label}
            if filters.agglomeration != Agglomeration.PMA
            else _("du Pôle Métropolitain de l'Artois")
        )
    if filters.theme:
        parts.append(_("— %(theme)s") % {"theme": Theme(filters.theme).label})
    return " ".join([_("Projets labellisés Label Euralens"), *parts])


def _widget_data(request, filters):
    entries = catalogue_entry_list(filters)
    query = filters_query(filters)
    list_url = reverse("catalogue:list") + (f"?{query}" if query else "")
    return {
        "title": _widget_title(filters),
        "count": catalogue_entry_count(filters, entries),
        "entries": list(entries[:WIDGET_LIMIT]),
        "all_url": request.build_absolute_uri(list_url),
    }


@require_safe
@xframe_options_exempt
@csp_override(WIDGET_CSP)
def widget_page(request):
    """The embeddable list of projects, filtered by commune, agglomeration and theme."""
    filters, _errors = _widget_filters(request.GET)
    context = _widget_data(request, filters)
    response = render(request, "catalogue/widget.html", context)
    # Kept a few minutes by browsers and proxies: the partners' visitors ask for it often.
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_safe
def widget_json(request):
    """The same list as JSON, for sites that draw it themselves (CORS open to any origin)."""
    filters, errors = _widget_filters(request.GET)
    if errors:
        response = JsonResponse({"errors": errors}, status=400)
    else:
        data = _widget_data(request, filters)
        response = JsonResponse(
            {
                "title": data["title"],
                "count": data["count"],
                "all_url": data["all_url"],
                "results": [
                    {
                        "name": entry.name,
                        "url": request.build_absolute_uri(entry.get_absolute_url()),
                        "year": entry.year,
                        "award": str(entry.award_label),
                        "communes": [commune.name for commune in entry.commune_list],
                        "themes": [str(theme.label) for theme in entry.themes],
                        "summary": entry.summary,
                    }
                    for entry in data["entries"]
                ],
            },
            json_dumps_params={"ensure_ascii": False},
        )
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_safe
def widget_help(request):
    """How to put the widget on a site: choose the filters, copy the snippet, see a preview."""
    filters, _errors = _widget_filters(request.GET)
    options = catalogue_filter_options(communes=False)  # the widget offers every commune
    query = filters_query(filters)
    suffix = f"?{query}" if query else ""
    widget_url = request.build_absolute_uri(reverse("catalogue:widget") + suffix)
    json_url = request.build_absolute_uri(reverse("catalogue:widget_json") + suffix)
    title = _widget_title(filters)
    snippet = (
        f'<iframe src="{widget_url}" title="{title}" width="100%" height="520" '
        'loading="lazy"></iframe>'
    )
    context = {
        "filters": filters,
        "select_options": {
            "theme": select_options(options["themes"], filters.theme),
            "agglomeration": select_options(options["agglomerations"], filters.agglomeration),
            "commune": select_options(
                Commune.objects.order_by("name").values_list("insee_code", "name"),
                filters.commune,
            ),
        },
        "widget_path": reverse("catalogue:widget") + suffix,
        "widget_url": widget_url,
        "json_url": json_url,
        "title": title,
        "snippet": snippet,
    }
    return render(request, "catalogue/widget_help.html", context)
