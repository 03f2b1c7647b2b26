"""Open data of the catalogue: the documentation page, CSV and JSON files, robots.txt."""

import csv
import hashlib
import io
import json

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_response_headers
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from catalogue.selectors import CatalogueFilters, catalogue_entry_list, catalogue_last_modified
from catalogue.services import (
    OPEN_DATA_COLUMNS,
    OPEN_DATA_FIELDS,
    OPEN_DATA_LICENCE,
    catalogue_csv_row,
    catalogue_record,
)
from label.enums import Agglomeration, Award, HolderType, Theme
from label.spreadsheets import spreadsheet_safe

# Crawlers may read everything public; the private areas and the admin are not for them.
ROBOTS_DISALLOW = (
    "/gestion/",
    "/mon-espace/",
    "/instruction/",
    "/evaluations/",
    "/jury/",
    "/comptes/",
    "/verifier/",
)
DOWNLOAD_MAX_AGE = 60 * 15


def site_base_url(request):
    """The scheme and host the visitor used, prefixed to the paths of the open data."""
    return request.build_absolute_uri("/").rstrip("/")


def _records(request):
    base_url = site_base_url(request)
    entries = catalogue_entry_list(CatalogueFilters(sort="name"))
    return [catalogue_record(entry, base_url=base_url) for entry in entries]


def _conditional(request, response, last_modified, *, etag_content=None):
    """Add ETag and Last-Modified; answer 304 when the client's copy is still the same."""
    content = response.content if etag_content is None else etag_content
    etag = '"' + hashlib.sha256(content).hexdigest()[:32] + '"'
    response["ETag"] = etag
    timestamp = int(last_modified.timestamp()) if last_modified else None
    if timestamp:
        response["Last-Modified"] = http_date(timestamp)
    patch_response_headers(response, cache_timeout=DOWNLOAD_MAX_AGE)
    return get_conditional_response(request, etag=etag, last_modified=timestamp, response=response)


@require_safe
def opendata_page(request):
    """The open-data page: what is published, under which licence, and the schema."""
    context = {
        "fields": OPEN_DATA_FIELDS,
        "licence": OPEN_DATA_LICENCE,
        "vocabularies": [
            ("award", Award.choices),
            ("agglomeration", Agglomeration.choices),
            ("holder_type", HolderType.choices),
            ("themes", Theme.choices),
        ],
    }
    return render(request, "catalogue/opendata.html", context)


@require_safe
def opendata_csv(request):
    """The public catalogue as a UTF-8 CSV file, lists separated by ";"."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(OPEN_DATA_COLUMNS)
    for record in _records(request):
        # Project holders write the titles and summaries: no cell may open as a formula.
        writer.writerow([spreadsheet_safe(value) for value in catalogue_csv_row(record)])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="label-euralens-projets.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    return _conditional(request, response, catalogue_last_modified())


@require_safe
def opendata_json(request):
    """The public catalogue as a JSON document, with its licence and generation date."""
    document = {
        "title": "Projets labellisés Label Euralens",
        "publisher": "Pôle Métropolitain de l'Artois",
        "licence": OPEN_DATA_LICENCE,
        "schema": request.build_absolute_uri(reverse("catalogue:opendata")),
        "generated_at": timezone.now().replace(microsecond=0).isoformat(),
        "projects": _records(request),
    }
    document["count"] = len(document["projects"])
    content = json.dumps(document, ensure_ascii=False, indent=1)
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="label-euralens-projets.json"'
    response["Access-Control-Allow-Origin"] = "*"
    # The generation date changes every second: the ETag is that of the data alone.
    stable = json.dumps(document["projects"], ensure_ascii=False).encode()
    return _conditional(request, response, catalogue_last_modified(), etag_content=stable)


@require_safe
def robots_txt(request):
    """robots.txt: everything public may be crawled; the sitemap lists the project pages."""
    lines = ["User-agent: *"]
    lines += [f"Disallow: {path}" for path in ROBOTS_DISALLOW]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('catalogue:sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
