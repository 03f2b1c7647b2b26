"""Benchmark of the staff ranking page on a wave of 500 files × 5 submitted reviews.

Prints the median server time of the ranking page (/instruction/vagues/<pk>/classement/, 50
files a page, the ranking kept between changes of the wave's reviews) over N requests (20 by
default), beside a bare Django view answering "ok" through the same middleware in the same
process, timed alternately with it, and the median ratio. The same page after a change
(ranking version bumped before each request, so it is computed afresh), a portal page
without data (the base layout only) and the ranking selector alone (no template) are
measured too, to show where the time goes. The aim (issue 18): the kept page under 10x the
layout-only page; the last line says whether it is met. Everything lives in a throw-away
test database (a temporary SQLite file, or ``test_<name>_bench_<pid>`` on the PostgreSQL
server of DATABASE_URL), destroyed at the end.

    .venv/bin/python bench/bench_ranking.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/label_euralens \\
        .venv/bin/python bench/bench_ranking.py --files 500 --reviews 5 --runs 20
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import types
from datetime import timedelta
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
from django.urls import clear_url_caches, include, path, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402


def bare_view(request):
    return HttpResponse("ok")


def install_bench_urls():
    """The portal's URLs plus a bare view, in a URLconf of the benchmark's own."""
    module = types.ModuleType("bench_ranking_urls")
    module.urlpatterns = [path("__bench__/bare/", bare_view), path("", include("config.urls"))]
    sys.modules[module.__name__] = module
    settings.ROOT_URLCONF = module.__name__
    clear_url_caches()


def generate(files, reviews, reviewers):
    """A wave with `files` files under review, each with `reviews` submitted reviews."""
    from label.enums import Role
    from label.models import Wave
    from label.services import role_groups_ensure, user_grant_role
    from tests.factories.reviews import build_reviewed_wave

    role_groups_ensure()
    now = timezone.now()
    wave = Wave.objects.create(
        number=11,
        year=now.year,
        title="Label Euralens — 11e vague (banc d'essai)",
        opens_at=now - timedelta(days=120),
        closes_at=now - timedelta(days=30),
    )
    build_reviewed_wave(
        wave, applications=files, reviews_per_application=reviews, reviewers=reviewers
    )
    from label.models import User

    staff = User.objects.create_user(email="banc@example.org", full_name="Banc d'essai")
    user_grant_role(user=staff, role=Role.INSTRUCTION)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return wave, staff


def mark_second_factor_passed(client):
    """Staff pages ask for the second factor: the session is marked as past it."""
    try:
        from accounts.otp import session_mark_verified
    except ImportError:  # a portal without the second factor
        return
    session = client.session
    session_mark_verified(session)
    session.save()


def _timed(call):
    """Wall-clock and CPU seconds of one call (CPU time is steadier on a busy machine)."""
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return time.perf_counter() - wall, time.process_time() - cpu


def timed_pairs(measure, bare, runs):
    """Medians (ms) of `measure` and of the bare view, run alternately, and of their per-run
    ratios; each as (wall clock, CPU)."""
    for _ in range(3):  # warm-up: templates, URL resolvers, database caches
        measure()
        bare()
    measured, bares = [], []
    for _ in range(runs):
        bares.append(_timed(bare))
        measured.append(_timed(measure))
    result = []
    for index in (0, 1):
        times = [m[index] for m in measured]
        bare_times = [b[index] for b in bares]
        ratios = [m / b for m, b in zip(times, bare_times, strict=True) if b > 0]
        result.append(
            (
                statistics.median(times) * 1000,
                statistics.median(bare_times) * 1000,
                statistics.median(ratios) if ratios else float("nan"),
            )
        )
    return result


def page(client, url):
    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    return get


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--reviews", type=int, default=5, help="submitted reviews per file")
    parser.add_argument("--reviewers", type=int, default=40)
    parser.add_argument("--runs", type=int, default=20)
    options = parser.parse_args()

    # Not setup_test_environment(): it instruments template rendering for the test client's
    # assertions, which would add its own cost to every page measured here.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    database = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        handle, test_name = tempfile.mkstemp(prefix="bench-ranking-", suffix=".sqlite3")
        os.close(handle)
    else:
        test_name = f"test_{database['NAME']}_bench_{os.getpid()}"
    database.setdefault("TEST", {})["NAME"] = test_name
    settings.DEBUG = False
    install_bench_urls()

    old_name = database["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        from reviews.ranking.selectors import ranking_for_wave, ranking_touch

        started = time.perf_counter()
        wave, staff = generate(options.files, options.reviews, options.reviewers)
        print(
            f"{connection.vendor}: wave of {options.files} files × {options.reviews} reviews "
            f"({options.files * options.reviews} reviews, 10 criteria each) built in "
            f"{time.perf_counter() - started:.1f} s; median of {options.runs} requests each"
        )
        client = Client()
        client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
        mark_second_factor_passed(client)
        ranking_url = reverse("reviews:ranking", kwargs={"wave_pk": wave.pk})
        response = page(client, ranking_url)()
        assert len(response.context_data["ranking"].rows) == options.files
        assert len(response.context_data["rows"]) == min(options.files, 50)
        get_ranking = page(client, ranking_url)

        def after_a_change():
            ranking_touch()
            get_ranking()

        # The bare view and each measure are timed alternately, so that a busy machine
        # slows both alike; the ratio is the median of the per-run ratios.
        bare_get = page(client, "/__bench__/bare/")
        measures = [
            ("page without data (layout)", "/accessibilite/", page(client, "/accessibilite/")),
            ("ranking selector alone", "(no request)", lambda: ranking_for_wave(wave)),
            ("ranking page, after a change", ranking_url, after_a_change),
            ("ranking page (kept)", ranking_url, get_ranking),
        ]
        print(f"{'measure':28} {'clock':5} {'median':>11} {'bare view':>11} {'ratio':>8}  url")
        medians = {}
        for label, url, measure in measures:
            for clock, (measured, bare, ratio) in zip(
                ("wall", "cpu"), timed_pairs(measure, bare_get, options.runs), strict=True
            ):
                medians[label, clock] = measured
                print(
                    f"{label:28} {clock:5} {measured:8.2f} ms {bare:8.2f} ms {ratio:7.1f}x  {url}"
                )
        layout = "page without data (layout)"
        for label in ("ranking page (kept)", "ranking page, after a change"):
            wall = medians[label, "wall"] / medians[layout, "wall"]
            cpu = medians[label, "cpu"] / medians[layout, "cpu"]
            verdict = "met" if wall < 10 else "MISSED"
            aim = "aim < 10x  " + verdict if label == "ranking page (kept)" else "(no aim)"
            print(f"{label:28} {wall:5.1f}x the layout page (cpu {cpu:.1f}x)  {aim}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        if connection.vendor == "sqlite" and os.path.exists(test_name):
            os.remove(test_name)


if __name__ == "__main__":
    main()
