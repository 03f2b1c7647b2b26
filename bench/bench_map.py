"""Benchmark of the territory map (/projets/carte/) beside the catalogue list (/projets/).

Issue 15 asks that drawing the map cost less than the catalogue list page itself. Both pages
are measured on the same generated catalogue (10,000 synthetic entries by default, see
bench_catalogue.py), in two ways:

- "drawn": the cache is emptied before each request, as after a change of the catalogue:
  the map is projected, counted and written out, the list queried and rendered;
- "cached": what a visitor gets between two changes: both pages are served to anonymous
  visitors from the public page cache (kept per catalogue version, with an ETag).

The aim is the "drawn" ratio map ÷ list below 1, for the whole catalogue and with a theme:
building the map page from nothing (counting every entry of the catalogue per commune,
writing the SVG and its table) costs less than building the list page (a page of 12 cards).
The "cached" ratio (both pages read back from the page cache: a lookup and a copy, the
map's page being about four times heavier) and the cost of writing the SVG alone from the
counts are printed for information.

The geometry itself (reading and projecting the GeoJSON) is done once per process; its cost
is printed on its own.

    .venv/bin/python bench/bench_map.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/label_euralens \\
        .venv/bin/python bench/bench_map.py --entries 10000 --runs 20
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_catalogue  # noqa: E402 -- sets Django up, and generates the entries
from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402


def measure_pair(client, list_url, map_url, runs, *, cold):
    """The list and the map timed alternately (a busy machine slows both alike): for each,
    the median wall-clock and CPU time (ms) of `runs` requests after a warm-up, and the
    medians of the per-run ratios map ÷ list, in CPU time (this process's work) and in
    wall-clock time (which adds the database server's, on PostgreSQL)."""
    for _ in range(3):
        client.get(list_url)
        client.get(map_url)
    timings = {list_url: ([], []), map_url: ([], [])}
    for _ in range(runs):
        for url in (list_url, map_url):
            if cold:
                cache.clear()
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            timings[url][0].append(time.perf_counter() - started)
            timings[url][1].append(time.process_time() - started_cpu)
            assert response.status_code == 200, (url, response.status_code)

    def ratio(index):
        pairs = zip(timings[map_url][index], timings[list_url][index], strict=True)
        return statistics.median(m / r for m, r in pairs if r > 0)

    medians = {
        url: (statistics.median(wall) * 1000, statistics.median(cpu) * 1000)
        for url, (wall, cpu) in timings.items()
    }
    return medians[list_url], medians[map_url], (ratio(1), ratio(0))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=20)
    options = parser.parse_args()

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    database = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        handle, test_name = tempfile.mkstemp(prefix="bench-map-", suffix=".sqlite3")
        os.close(handle)
    else:
        test_name = f"test_{database['NAME']}_benchmap_{os.getpid()}"
    database.setdefault("TEST", {})["NAME"] = test_name
    settings.CATALOGUE_BENCHMARK = True
    settings.DEBUG = False
    bench_catalogue.install_bench_urls()

    old_name = database["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        count = bench_catalogue.generate(options.entries)
        from catalogue.map import territory

        started = time.perf_counter()
        territory()
        geometry_ms = (time.perf_counter() - started) * 1000
        print(
            f"{connection.vendor}: {count} synthetic entries; geometry read and projected once "
            f"a process in {geometry_ms:.1f} ms; median of {options.runs} requests each"
        )
        client = Client()
        rows, ratios = [], {}
        for suffix, query in (("", ""), (", theme", "?theme=nature")):
            for cold in (True, False):
                mode = "drawn" if cold else "cached"
                list_url, map_url = f"/projets/{query}", f"/projets/carte/{query}"
                listed, drawn, ratio = measure_pair(
                    client, list_url, map_url, options.runs, cold=cold
                )
                rows.append((f"catalogue list{suffix}", list_url, mode, *listed))
                rows.append((f"map{suffix}", map_url, mode, *drawn))
                ratios[mode, suffix] = ratio
        # The drawing alone (the SVG written from the counts, without the query that counts):
        # the part of the drawing that is not counting, beside the whole list page drawn.
        from catalogue.map import map_svg
        from catalogue.selectors import catalogue_entry_list, entry_commune_counts

        counts = entry_commune_counts(catalogue_entry_list())
        svg_cpu = []
        for _ in range(options.runs):
            started_cpu = time.process_time()
            map_svg(counts, link_prefix="/projets/?commune=", title="Carte")
            svg_cpu.append(time.process_time() - started_cpu)
        svg_ms = statistics.median(svg_cpu) * 1000
        print(f"{'page':24} {'url':30} {'mode':7} {'wall ms':>8} {'cpu ms':>7}")
        for label, url, mode, wall, cpu in rows:
            print(f"{label:24} {url:30} {mode:7} {wall:8.2f} {cpu:7.2f}")
        # Drawing is paid once per change of the catalogue (and per filter); between two
        # changes, anonymous visitors get both pages from the public page cache.
        for mode, name, aim in (
            ("drawn", "drawn, as after a change of the catalogue", "< 1"),
            ("cached", "per request from the page cache", "for information"),
        ):
            (cpu, wall), (themed_cpu, themed_wall) = ratios[mode, ""], ratios[mode, ", theme"]
            verdict = ""
            if aim == "< 1":
                met = max(cpu, wall, themed_cpu, themed_wall) < 1
                verdict = "  met" if met else "  NOT MET"
            print(
                f"map ÷ list, {name} (medians of per-run ratios, cpu / wall): "
                f"{cpu:.2f} / {wall:.2f}; with a theme: {themed_cpu:.2f} / {themed_wall:.2f} "
                f"(aim: {aim}){verdict}"
            )
        list_drawn = next(cpu for label, _u, mode, _w, cpu in rows if mode == "drawn")
        print(
            f"the SVG alone, written from the counts: {svg_ms:.2f} ms cpu, "
            f"{svg_ms / list_drawn:.2f} of the list page drawn (for information)"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        if connection.vendor == "sqlite" and os.path.exists(test_name):
            os.remove(test_name)


if __name__ == "__main__":
    main()
