"""Read-only JSON API of the public catalogue (django-ninja), mounted at /api/.

The OpenAPI 3 schema is at /api/openapi.json; its documentation, at /api/docs/, is a page
rendered by the server from that schema: no script from a CDN, which the content security
policy would block anyway.
"""

import hashlib
import json
import re
from datetime import datetime
from functools import wraps
from typing import Annotated, Literal

from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_http_date_safe
from ninja import Field, NinjaAPI, Query, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import DocsBase
from pydantic import BeforeValidator

from catalogue.models import CatalogueEntry, CatalogueEntryTheme
from catalogue.selectors import (
    CATALOGUE_QUERY_MAX_LENGTH,
    CATALOGUE_WAVE_RANGE,
    CATALOGUE_YEAR_RANGE,
    CatalogueFilters,
    catalogue_entry_count,
    catalogue_entry_get_public,
    catalogue_entry_list,
    catalogue_filters_parse,
    catalogue_last_modified,
)
from catalogue.services import OPEN_DATA_FIELDS, catalogue_record
from catalogue.views.opendata import site_base_url
from catalogue.views.public import CountedPaginator
from label.enums import Agglomeration, Award, HolderType, Theme, WavePhase
from label.models import Commune, Wave
from label.territory import read_communes

API_PAGE_SIZE = 20
API_MAX_PAGE_SIZE = 100
API_CACHE_SECONDS = 60
SLUG = re.compile(r"[-a-zA-Z0-9_]+")


class LocalDocs(DocsBase):
    """API documentation rendered on the server from the OpenAPI schema, in the site's layout."""

    def render_page(self, request, api, **kwargs):
        schema = api.get_openapi_schema(path_params=kwargs)
        operations = []
        for path, methods in schema["paths"].items():
            for method, operation in methods.items():
                operations.append(
                    {
                        "method": method.upper(),
                        "path": path,
                        "id": operation.get("operationId", ""),
                        "summary": operation.get("summary", ""),
                        "description": operation.get("description", ""),
                        "parameters": [
                            {
                                "name": parameter["name"],
                                "required": parameter.get("required", False),
                                "description": parameter.get("description", ""),
                                "type": _schema_type(
                                    parameter.get("schema", {}), schema.get("components", {})
                                ),
                            }
                            for parameter in operation.get("parameters", [])
                        ],
                        "responses": [
                            _status_text(code, response.get("description", ""))
                            for code, response in operation.get("responses", {}).items()
                        ],
                    }
                )
        context = {
            "api": api,
            "schema_url": self.get_openapi_url(api, kwargs),
            "operations": operations,
            "fields": OPEN_DATA_FIELDS,
        }
        return render(request, "catalogue/api_docs.html", context)


# The documentation page is French (issue 11, #16): JSON types and HTTP statuses in words.
JSON_TYPE_NAMES = {
    "string": "texte",
    "integer": "entier",
    "number": "nombre",
    "boolean": "booléen",
    "array": "liste",
    "object": "objet",
}
STATUS_NAMES = {
    "200": "200 — succès",
    "304": "304 — non modifié",
    "400": "400 — requête invalide",
    "404": "404 — introuvable",
}


def _status_text(code, description):
    """A response of the documentation in French: the status in words, then its detail."""
    detail = "" if description in ("OK", "Bad Request", "Not Found") else description
    name = STATUS_NAMES.get(str(code), str(code))
    return f"{name} : {detail}" if detail else name


def _type_name(name):
    return JSON_TYPE_NAMES.get(name, name)


def _schema_type(schema, components):
    """A short reading of a parameter's JSON schema for the documentation page."""
    options = schema.get("anyOf") or [schema]
    parts = []
    for option in options:
        if "$ref" in option:
            name = option["$ref"].rsplit("/", 1)[-1]
            option = components.get("schemas", {}).get(name, option)
        if option.get("type") == "null":
            continue
        if option.get("maxLength") == 0:
            parts.append("vide (pas de filtre)")
            continue
        if "enum" in option and len(option["enum"]) > 15:
            kind = _type_name(option.get("type", "string"))
            parts.append(f"{kind} ({len(option['enum'])} valeurs)")
        elif "enum" in option:
            parts.append(" | ".join(str(value) for value in option["enum"]))
        elif "$ref" in option:
            parts.append(option["$ref"].rsplit("/", 1)[-1])
        else:
            text = _type_name(option.get("type", ""))
            bounds = [
                f"{key} {option[name]}"
                for name, key in (("minimum", "≥"), ("maximum", "≤"), ("maxLength", "longueur ≤"))
                if name in option
            ]
            parts.append(text + (f" ({', '.join(bounds)})" if bounds else ""))
    return " | ".join(part for part in parts if part)


api = NinjaAPI(
    title="API du Label Euralens",
    version="1.0.0",
    description=(
        "API publique en lecture seule du catalogue des projets labellisés par le Pôle "
        "Métropolitain de l'Artois. Données sous Licence Ouverte 2.0. Les filtres sont ceux "
        "de la page /projets/ ; une valeur inconnue est refusée (400) avec un message clair. "
        "Réponses avec ETag et Last-Modified (requêtes conditionnelles → 304) et CORS ouvert "
        "(Access-Control-Allow-Origin: *)."
    ),
    urls_namespace="api",
    docs=LocalDocs(),
    docs_url="/docs/",
)


def _cors_and_conditional(run):
    """Open CORS to every origin, and answer 304 when the client's copy is still the same.

    The ETag is a hash of the body: it is right by construction whatever the endpoint, and
    costs one hash of a few kilobytes.
    """

    @wraps(run)
    def wrapper(request, *args, **kwargs):
        response = run(request, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
            response["ETag"] = etag
            response["Cache-Control"] = f"public, max-age={API_CACHE_SECONDS}"
            last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
            response = get_conditional_response(
                request, etag=etag, last_modified=last_modified, response=response
            )
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = "ETag, Last-Modified"
        return response

    return wrapper


# "view" mode wraps the whole run, so the headers go on error answers (400, 404) too.
api.add_decorator(_cors_and_conditional, mode="view")


class Error(Schema):
    detail: str = Field(description="Ce qui ne va pas, en français.")
    errors: dict[str, str] = Field(
        default_factory=dict, description="Pour chaque paramètre refusé, la raison."
    )


@api.exception_handler(NinjaValidationError)
def _invalid_parameters(request, exc):
    """400 rather than 422, with one French message per refused parameter."""
    _filters, messages = catalogue_filters_parse(request.GET)
    errors = {}
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("query", "path")]
        name = location[-1] if location else "?"
        errors[name] = messages.get(name) or str(error.get("msg", "valeur invalide"))
    return api.create_response(
        request,
        {"detail": "Paramètres invalides : " + ", ".join(sorted(errors)) + ".", "errors": errors},
        status=400,
    )


# The 150 INSEE codes of the territory, from the bundled file the communes table is loaded
# from: the schema lists them, so a client (or a fuzzer) knows exactly which codes exist.
TerritoryCode = Literal[tuple(sorted(row["insee_code"] for row in read_communes()))]


def _empty_as_none(value):
    """An empty parameter means "no filter", as in the page's form (?theme=&year=)."""
    return None if value == "" else value


EmptyAsNone = BeforeValidator(_empty_as_none)


def _empty_allowed(schema):
    """Say so in the schema: a query string has no null, an empty value means "no filter"."""
    options = schema.get("anyOf")
    if options:
        schema["anyOf"] = [option for option in options if option.get("type") != "null"]
        schema["anyOf"].append({"type": "string", "maxLength": 0})


class ProjectFilters(Schema):
    q: Annotated[str | None, EmptyAsNone] = Field(
        None,
        json_schema_extra=_empty_allowed,
        max_length=CATALOGUE_QUERY_MAX_LENGTH,
        description="Recherche dans le nom, le porteur, les communes et le résumé, sans tenir "
        "compte des majuscules ni des accents (« bethune » trouve « Béthune »). Plusieurs mots : "
        "tous doivent figurer.",
    )
    theme: Annotated[Theme | None, EmptyAsNone] = Field(
        None, json_schema_extra=_empty_allowed, description="Code de thème."
    )
    agglomeration: Annotated[Agglomeration | None, EmptyAsNone] = Field(
        None,
        json_schema_extra=_empty_allowed,
        description="Agglomération (PMA : projets de tout le territoire).",
    )
    commune: Annotated[TerritoryCode | None, EmptyAsNone] = Field(
        None,
        json_schema_extra=_empty_allowed,
        description="Code INSEE d'une des 150 communes du Pôle Métropolitain de l'Artois.",
    )
    year: Annotated[int | None, EmptyAsNone] = Field(
        None,
        json_schema_extra=_empty_allowed,
        ge=CATALOGUE_YEAR_RANGE[0],
        le=CATALOGUE_YEAR_RANGE[1],
        description="Année de labellisation.",
    )
    wave: Annotated[int | None, EmptyAsNone] = Field(
        None,
        json_schema_extra=_empty_allowed,
        ge=CATALOGUE_WAVE_RANGE[0],
        le=CATALOGUE_WAVE_RANGE[1],
        description="Numéro de vague.",
    )
    award: Annotated[Award | None, EmptyAsNone] = Field(
        None, json_schema_extra=_empty_allowed, description="Distinction."
    )
    sort: Annotated[Literal["recent", "oldest", "name"] | None, EmptyAsNone] = Field(
        None,
        json_schema_extra=_empty_allowed,
        description="Ordre : recent (par défaut : année décroissante), oldest, name.",
    )
    page: Annotated[int | None, EmptyAsNone] = Field(
        None, json_schema_extra=_empty_allowed, ge=1, description="Page (dès 1)."
    )
    page_size: Annotated[int | None, EmptyAsNone] = Field(
        None,
        json_schema_extra=_empty_allowed,
        ge=1,
        le=API_MAX_PAGE_SIZE,
        description=f"Projets par page (défaut {API_PAGE_SIZE}).",
    )


class Project(Schema):
    slug: str
    url: str
    name: str
    year: int | None
    wave: int | None
    award: Award
    award_label: str
    agglomeration: Agglomeration
    agglomeration_label: str
    communes_insee: list[str]
    communes: list[str]
    holder: str
    holder_type: HolderType
    themes: list[Theme]
    summary: str
    description: str
    website: str
    source_url: str
    image_url: str
    published_at: datetime
    updated_at: datetime


class ProjectPage(Schema):
    count: int = Field(description="Nombre de projets correspondant aux filtres.")
    page: int
    pages: int = Field(description="Nombre de pages (au moins 1).")
    page_size: int
    next: str | None = Field(description="Adresse de la page suivante, ou null.")
    previous: str | None = Field(description="Adresse de la page précédente, ou null.")
    results: list[Project]


class CommuneOut(Schema):
    insee_code: str
    name: str
    agglomeration: Agglomeration
    population: int | None
    projects: int = Field(description="Nombre de projets labellisés publiés dans la commune.")


class ThemeOut(Schema):
    code: Theme
    label: str
    projects: int = Field(description="Nombre de projets labellisés publiés sur ce thème.")


class WaveOut(Schema):
    number: int
    year: int
    title: str
    opens_at: datetime
    closes_at: datetime
    phase: WavePhase


def _set_last_modified(response):
    latest = catalogue_last_modified()
    if latest is not None:
        response["Last-Modified"] = http_date(int(latest.timestamp()))


def _page_url(request, number):
    params = request.GET.copy()
    params["page"] = number
    return request.build_absolute_uri(request.path) + "?" + params.urlencode()


@api.get(
    "/projects",
    response={200: ProjectPage, 400: Error, 404: Error},
    summary="Liste des projets labellisés",
    description="Les projets publiés du catalogue, filtrés, triés et paginés comme sur "
    "/projets/. 400 : valeur de filtre inconnue ou invalide. 404 : page au-delà de la dernière.",
    tags=["projets"],
)
def project_list(request, filters: Query[ProjectFilters]):
    criteria = CatalogueFilters(
        q=filters.q or "",
        theme=filters.theme.value if filters.theme else None,
        agglomeration=filters.agglomeration.value if filters.agglomeration else None,
        commune=filters.commune,
        year=filters.year,
        wave=filters.wave,
        award=filters.award.value if filters.award else None,
        sort=filters.sort or "recent",
    )
    entries = catalogue_entry_list(criteria)
    paginator = CountedPaginator(
        entries,
        filters.page_size or API_PAGE_SIZE,
        count=catalogue_entry_count(criteria, entries),
    )
    number = filters.page or 1
    if number > paginator.num_pages:
        return Status(
            404,
            {
                "detail": f"La page {number} n'existe pas : il y a {paginator.num_pages} page(s).",
                "errors": {"page": f"au plus {paginator.num_pages}"},
            },
        )
    page = paginator.page(number)
    base_url = site_base_url(request)
    # Written out directly rather than validated again by the response schema: the records
    # come from catalogue_record(), whose output the schema tests and the fuzzing check.
    body = {
        "count": paginator.count,
        "page": number,
        "pages": paginator.num_pages,
        "page_size": paginator.per_page,
        "next": _page_url(request, number + 1) if page.has_next() else None,
        "previous": _page_url(request, number - 1) if page.has_previous() else None,
        "results": [catalogue_record(entry, base_url=base_url) for entry in page.object_list],
    }
    answer = HttpResponse(
        json.dumps(body, ensure_ascii=False), content_type="application/json; charset=utf-8"
    )
    _set_last_modified(answer)
    return answer


@api.get(
    "/projects/{slug}",
    response={200: Project, 404: Error},
    summary="Un projet labellisé",
    description="Le projet publié de cet identifiant (slug). 404 s'il n'existe pas.",
    tags=["projets"],
)
def project_detail(request, response: HttpResponse, slug: str):
    # Only a slug's characters reach the database (PostgreSQL refuses NUL in a query).
    entry = catalogue_entry_get_public(slug) if SLUG.fullmatch(slug) else None
    if entry is None:
        return Status(404, {"detail": "Aucun projet publié avec cet identifiant."})
    _set_last_modified(response)
    return Status(200, catalogue_record(entry, base_url=site_base_url(request)))


@api.get(
    "/communes",
    response=list[CommuneOut],
    summary="Les 150 communes du Pôle Métropolitain de l'Artois",
    tags=["référentiels"],
)
def commune_list(request):
    published = Q(catalogue_entries__is_published=True, catalogue_entries__is_synthetic=False)
    communes = Commune.objects.annotate(
        projects=Count("catalogue_entries", filter=published)
    ).order_by("name")
    return [
        {
            "insee_code": commune.insee_code,
            "name": commune.name,
            "agglomeration": commune.epci,
            "population": commune.population,
            "projects": commune.projects,
        }
        for commune in communes
    ]


@api.get(
    "/themes",
    response=list[ThemeOut],
    summary="Les thèmes de la liste contrôlée",
    tags=["référentiels"],
)
def theme_list(request):
    counts = dict(
        CatalogueEntryTheme.objects.filter(entry__in=CatalogueEntry.objects.public())
        .values_list("theme")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("theme", "count")
    )
    return [
        {"code": theme.value, "label": str(theme.label), "projects": counts.get(theme.value, 0)}
        for theme in Theme
    ]


@api.get(
    "/waves",
    response=list[WaveOut],
    summary="Les vagues d'appel à projets gérées par le portail",
    description="Les vagues antérieures au portail (1 à 10) n'y figurent pas ; leurs projets "
    "portent seulement un numéro de vague.",
    tags=["référentiels"],
)
def wave_list(request):
    return [
        {
            "number": wave.number,
            "year": wave.year,
            "title": wave.title,
            "opens_at": wave.opens_at,
            "closes_at": wave.closes_at,
            "phase": wave.phase,
        }
        for wave in Wave.objects.order_by("-number")
    ]


# Kept out of the schema: it describes the schema's own place, not the catalogue's data.
@api.get("/", include_in_schema=False)
def api_root(request):
    """The API's entry point: what /api/ offers, as links (issue 11, #4)."""
    base = request.build_absolute_uri("/api/")
    body = {
        "name": api.title,
        "version": api.version,
        "description": api.description,
        "links": {
            "projects": base + "projects",
            "project": base + "projects/{slug}",
            "communes": base + "communes",
            "themes": base + "themes",
            "waves": base + "waves",
            "openapi": base + "openapi.json",
            "docs": base + "docs/",
        },
        "licence": "Licence Ouverte 2.0",
    }
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), content_type="application/json; charset=utf-8"
    )
