"""Benchmark of the public catalogue on 10,000 generated entries.

Prints the median server time of each request over N runs (20 by default), beside a bare
Django view answering "ok" through the same middleware in the same process, and the ratios:

- ``/projets/``, ``/projets/?q=bethune``: the catalogue's first page and a search, rendered
  (the visitor carries a session cookie, so the page cache is bypassed); aims: at most 3x
  and 5x the bare view;
- ``/api/projects``: the first page of the API list (aim: 3x the bare view);
- ``/projets/`` cached: what an anonymous visitor gets, from the cache keyed by the
  catalogue's version (issue 18); aim: at most 3x a static file served by whitenoise
  (``/static/css/portal.css``), the two timed alternately, runs × 5 pairs.

A portal page without data (``/accessibilite/``, the base layout only) is measured too, to
show what the layout alone costs; the last lines say whether each aim is met. Each line
gives the wall-clock time and the CPU time of this process: on a machine shared with other
work the CPU time is the steadier of the two, while on PostgreSQL only the wall-clock time
includes the database server's own work.

The entries are marked synthetic and live in a throw-away test database (a temporary
SQLite file, or ``test_<name>_bench_<pid>`` on the PostgreSQL server of DATABASE_URL),
destroyed at the end: the real catalogue is never touched. CATALOGUE_BENCHMARK makes the
public pages show those synthetic entries through the very queries real visitors run.

    .venv/bin/python bench/bench_catalogue.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/label_euralens \\
        .venv/bin/python bench/bench_catalogue.py --entries 10000 --runs 20
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402 -- the settings module must be chosen first

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import clear_url_caches, include, path  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.text import slugify  # noqa: E402

WORDS_START = [
    "Jardin", "Forêt", "Maison", "Atelier", "Tiers-lieu", "Ferme", "Cité", "Parc", "Pôle",
    "Réseau", "Chemin", "Coopérative", "École", "Centrale", "Terril", "Café", "Friche",
]  # fmt: skip
WORDS_MIDDLE = [
    "partagé", "solidaire", "urbaine", "citoyenne", "des possibles", "du terril", "minière",
    "des habitants", "énergétique", "nourricière", "numérique", "de la transition", "verte",
]  # fmt: skip
SUMMARIES = [
    "Un lieu ouvert aux habitants pour apprendre, réparer et cultiver ensemble.",
    "Rénovation de logements miniers avec des matériaux biosourcés et les locataires.",
    "Production d'énergie renouvelable détenue par les habitants et les communes.",
    "Accompagnement des jeunes éloignés de l'emploi vers des métiers de la transition.",
    "Circuits courts entre producteurs locaux et restauration collective.",
    "Reconquête écologique d'une friche industrielle en parc ouvert au public.",
]
HOLDERS = ["Association", "Ville", "SCIC", "Bailleur", "Collectif", "Communauté"]


def bare_view(request):
    return HttpResponse("ok")


def install_bench_urls():
    """The portal's URLs plus a bare view, in a URLconf of the benchmark's own."""
    module = types.ModuleType("bench_catalogue_urls")
    module.urlpatterns = [path("__bench__/bare/", bare_view), path("", include("config.urls"))]
    sys.modules[module.__name__] = module
    settings.ROOT_URLCONF = module.__name__
    clear_url_caches()


def generate(count, seed=2012):
    """Insert `count` synthetic entries with communes and themes, in bulk."""
    from catalogue.models import (
        CatalogueEntry,
        CatalogueEntryTheme,
        catalogue_touch,
    )
    from label.enums import Agglomeration, Award, HolderType, Theme
    from label.models import Commune
    from label.text import search_normalise

    rng = random.Random(seed)  # noqa: S311 -- reproducible test data, not a secret
    communes_by_epci = {}
    for commune in Commune.objects.all():
        communes_by_epci.setdefault(commune.epci, []).append(commune)
    epcis = sorted(communes_by_epci)
    themes = list(Theme.values)
    now = timezone.now()
    entries, links, commune_names = [], [], []
    for index in range(count):
        name = f"{rng.choice(WORDS_START)} {rng.choice(WORDS_MIDDLE)} n° {index}"
        year = rng.randint(2012, 2025)
        if rng.random() < 0.05:
            agglomeration, communes = Agglomeration.PMA, []
        else:
            agglomeration = rng.choice(epcis)
            communes = rng.sample(communes_by_epci[agglomeration], rng.randint(1, 3))
        entry = CatalogueEntry(
            name=name,
            slug=f"{slugify(name)}-{index}",
            holder=f"{rng.choice(HOLDERS)} {rng.choice(WORDS_MIDDLE)}",
            holder_type=rng.choice(HolderType.values),
            agglomeration=agglomeration,
            award=Award.ESPOIRS if rng.random() < 0.15 else Award.LABEL,
            year=year,
            wave_number=year - 2014 if year > 2014 else None,
            summary=rng.choice(SUMMARIES),
            is_synthetic=True,
            published_at=now,
            sort_name=search_normalise(name),
            sort_year=year,
        )
        codes = rng.sample(themes, rng.randint(1, 3))
        entry.search_text = entry.build_search_text([commune.name for commune in communes])
        entry.facets = CatalogueEntry.build_facets(
            [(commune.insee_code, commune.name) for commune in communes], codes
        )
        entries.append(entry)
        commune_names.append(communes)
        links.append(codes)
    created = CatalogueEntry.objects.bulk_create(entries, batch_size=1000)
    through = CatalogueEntry.communes.through
    through.objects.bulk_create(
        [
            through(catalogueentry_id=entry.pk, commune_id=commune.pk)
            for entry, communes in zip(created, commune_names, strict=True)
            for commune in communes
        ],
        batch_size=2000,
    )
    CatalogueEntryTheme.objects.bulk_create(
        [
            CatalogueEntryTheme(entry_id=entry.pk, theme=theme)
            for entry, codes in zip(created, links, strict=True)
            for theme in codes
        ],
        batch_size=2000,
    )
    if connection.vendor == "postgresql":
        # As autovacuum leaves a catalogue that has been loaded: statistics for the planner,
        # and the visibility map that lets an index answer alone (index-only scans).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    catalogue_touch()  # bulk_create bypasses save(), which would say the catalogue changed
    return len(created)


def fetch(client, url):
    """One request, its body read to the end (a static file is streamed) and closed."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    if response.streaming:
        b"".join(response.streaming_content)
    response.close()
    return response


def measure(client, url, runs):
    """Median wall-clock and CPU time (ms) of `runs` requests, after a warm-up."""
    for _ in range(3):  # warm-up: templates, URL resolvers, caches of the database
        fetch(client, url)
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        fetch(client, url)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(wall) * 1000, statistics.median(cpu) * 1000


def measure_pair(client, url, reference_url, runs):
    """Medians (ms) of `url` and of `reference_url` timed alternately, so that a busy machine
    slows both alike, and the median of the per-run ratios; each as (wall clock, CPU)."""
    for _ in range(5):
        fetch(client, url)
        fetch(client, reference_url)
    timings = {url: ([], []), reference_url: ([], [])}
    for _ in range(runs):
        for target in (reference_url, url):
            started, started_cpu = time.perf_counter(), time.process_time()
            fetch(client, target)
            timings[target][0].append(time.perf_counter() - started)
            timings[target][1].append(time.process_time() - started_cpu)
    result = []
    for index in (0, 1):
        measured, reference = timings[url][index], timings[reference_url][index]
        ratios = [m / r for m, r in zip(measured, reference, strict=True) if r > 0]
        result.append(
            (
                statistics.median(measured) * 1000,
                statistics.median(reference) * 1000,
                statistics.median(ratios),
            )
        )
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=20)
    options = parser.parse_args()

    # Not setup_test_environment(): it instruments template rendering for the test client's
    # assertions, which would add its own cost to every page measured here.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    database = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        # A file, as in production use of SQLite, rather than the test runner's memory.
        handle, test_name = tempfile.mkstemp(prefix="bench-catalogue-", suffix=".sqlite3")
        os.close(handle)
    else:
        test_name = f"test_{database['NAME']}_bench_{os.getpid()}"
    database.setdefault("TEST", {})["NAME"] = test_name
    settings.CATALOGUE_BENCHMARK = True
    settings.DEBUG = False
    # Whitenoise serves the static files from the finders, indexed once at start-up as it
    # indexes STATIC_ROOT in production (no collectstatic needed for the bench).
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = False
    settings.STATIC_ROOT = None  # nothing collected here: no warning about a missing folder
    install_bench_urls()

    old_name = database["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        started = time.perf_counter()
        count = generate(options.entries)
        print(
            f"{connection.vendor}: {count} synthetic entries loaded in "
            f"{time.perf_counter() - started:.1f} s; median of {options.runs} requests each"
        )
        # A session cookie (of no session) keeps the rendered pages out of the page cache,
        # as for a signed-in visitor: the figures below are the rendering's own.
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = "bench-no-such-session"
        anonymous = Client()  # no cookie at all: the cached page, as a passing visitor gets it
        static_url = "/static/css/portal.css"
        requests = [
            ("bare Django view", "/__bench__/bare/", None, client),
            ("page without data (layout)", "/accessibilite/", None, client),
            ("catalogue list (rendered)", "/projets/", 3, client),
            ("catalogue search (rendered)", "/projets/?q=bethune", 5, client),
            ("API list", "/api/projects", 3, client),
            ("static file (whitenoise)", static_url, None, anonymous),
            ("catalogue list (cached)", "/projets/", None, anonymous),
            ("catalogue search (cached)", "/projets/?q=bethune", None, anonymous),
        ]
        cached = fetch(anonymous, "/projets/")
        assert "public" in cached["Cache-Control"] and "Cookie" not in cached.get("Vary", ""), (
            "the anonymous catalogue page is not served from the page cache"
        )
        results = [
            (label, url, aim, *measure(visitor, url, options.runs))
            for label, url, aim, visitor in requests
        ]
        bare_wall, bare_cpu = results[0][3], results[0][4]
        layout_wall = results[1][3]
        print(
            f"{'request':28} {'url':21} {'wall ms':>8} {'cpu ms':>7} {'÷bare':>7} "
            f"{'÷bare cpu':>9} {'÷layout':>8}  aim (÷bare)"
        )
        for label, url, aim, wall, cpu in results:
            print(
                f"{label:28} {url:21} {wall:8.2f} {cpu:7.2f} {wall / bare_wall:6.1f}x "
                f"{cpu / bare_cpu:8.1f}x {wall / layout_wall:7.1f}x  "
                + (f"<= {aim}x" if aim else "")
            )
        print(
            "wall: server time seen by the caller; cpu: this process only (on PostgreSQL the "
            "database's own work is in wall, not cpu). On a loaded machine, trust cpu more."
        )
        pair_runs = options.runs * 5
        (cached_wall, static_wall, ratio_wall), (cached_cpu, static_cpu, ratio_cpu) = measure_pair(
            anonymous, "/projets/", static_url, pair_runs
        )
        print(
            f"cached /projets/ beside the static file, {pair_runs} alternate pairs: "
            f"wall {cached_wall:.2f} ms vs {static_wall:.2f} ms = {ratio_wall:.1f}x; "
            f"cpu {cached_cpu:.2f} ms vs {static_cpu:.2f} ms = {ratio_cpu:.1f}x"
        )
        print("aims:")
        for label, _url, aim, wall, _cpu in results:
            if aim:
                ratio = wall / bare_wall
                verdict = "met" if ratio <= aim else "MISSED"
                print(f"  {label:38} {ratio:6.1f}x the bare view   aim <= {aim}x  {verdict}")
        verdict = "met" if ratio_wall <= 3 else "MISSED"
        print(
            f"  {'cached catalogue page':38} {ratio_wall:6.1f}x the static file aim <= 3x  "
            f"{verdict} (cpu {ratio_cpu:.1f}x)"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        if connection.vendor == "sqlite" and os.path.exists(test_name):
            os.remove(test_name)


if __name__ == "__main__":
    main()
