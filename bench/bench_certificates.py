"""Benchmark of certificate rendering.

Prints:

1. the median time to render one certificate PDF (template, QR code, PDF/A-3u) over N runs,
   beside WeasyPrint rendering a minimal one-page HTML in the same process, and the ratio
   (the aim is at most 1.5); also the median of the whole service call (row lock, file
   write, status) for information;
2. the time a real Celery worker takes to render a wave of certificates (100 by default),
   issued in one transaction as an announcement does and published on commit. This part
   needs Redis: set REDIS_URL (e.g. redis://127.0.0.1:6379/0); without it, it is skipped.

It works in a throw-away test database (SQLite file, or PostgreSQL when DATABASE_URL names
one) and a temporary media folder, so it never touches the development data:

    .venv/bin/python bench/bench_certificates.py
    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/bench_certificates.py --wave 100
"""

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
MEDIA = tempfile.mkdtemp(prefix="bench-certificates-")
os.environ["TEST_MEDIA_ROOT"] = MEDIA

import django  # noqa: E402 -- the settings module must be chosen first

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from weasyprint import HTML  # noqa: E402

MINIMAL_HTML = "<!DOCTYPE html><html lang='fr'><body><p>Bonjour.</p></body></html>"


def _interleaved_medians(functions, runs):
    """Median seconds of each function, run in turns so that load on the machine (other
    processes) weighs on all of them alike."""
    timings = [[] for _ in functions]
    for _ in range(runs):
        for function, times in zip(functions, timings, strict=True):
            start = time.perf_counter()
            function()
            times.append(time.perf_counter() - start)
    return [statistics.median(times) for times in timings]


def bench_single(runs):
    from unittest import mock

    from certificates import services
    from label.pdf import LocalStaticFetcher, _font_config
    from tests.factories.certificates import labelled_application

    # Rows only: the renderings are timed below, not run by the (eager) task on issue.
    with mock.patch.object(services, "certificate_schedule_render"):
        certificate = services.certificate_issue(application=labelled_application())
        pending = [
            services.certificate_issue(application=labelled_application()).pk for _ in range(runs)
        ]
    # Warm every path once: fonts, fontconfig and templates are loaded on first use.
    services.certificate_render_pdf(certificate)
    HTML(string=MINIMAL_HTML).write_pdf()

    minimal, minimal_local, pdf_only, service = _interleaved_medians(
        [
            lambda: HTML(string=MINIMAL_HTML).write_pdf(),
            lambda: HTML(string=MINIMAL_HTML, url_fetcher=LocalStaticFetcher()).write_pdf(
                font_config=_font_config()
            ),
            lambda: services.certificate_render_pdf(certificate),
            lambda: services.certificate_render(certificate_id=pending.pop()),
        ],
        runs,
    )

    print(f"Single certificate, median of {runs} interleaved runs (same process, warm):")
    print(f"  minimal one-page HTML, WeasyPrint defaults:   {minimal * 1000:7.1f} ms")
    print(f"  minimal one-page HTML, render_pdf's setup:    {minimal_local * 1000:7.1f} ms")
    print(f"  certificate PDF/A-3u (template, QR, PDF):     {pdf_only * 1000:7.1f} ms")
    ratio = pdf_only / minimal
    print(f"  ratio certificate / minimal (defaults):       {ratio:7.2f}  (aim <= 1.5)")
    print(f"  ratio certificate / minimal (same setup):     {pdf_only / minimal_local:7.2f}")
    print(f"  whole certificate_render() (lock, file, row): {service * 1000:7.1f} ms")
    return pdf_only / minimal


def bench_worker(wave_size, redis_url):
    import redis
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun

    from certificates.models import Certificate, CertificateStatus
    from certificates.services import certificate_issue
    from config.celery import app as project_app
    from config.celery import make_celery_app
    from label.models import Wave
    from tests.factories.certificates import labelled_application

    wave = Wave.objects.create(
        number=90,
        year=2026,
        title="Vague de mesure",
        opens_at="2000-01-01T00:00:00Z",
        closes_at="2000-02-01T00:00:00Z",
        signatory_name="Présidence du Pôle Métropolitain de l'Artois",
        signatory_title="Président",
    )
    applications = [labelled_application(wave=wave) for _ in range(wave_size)]

    queue = f"bench-certificates-{uuid.uuid4().hex}"
    app = make_celery_app("bench_certificates", set_as_current=False)
    app.conf.update(
        broker_url=redis_url,
        task_always_eager=False,
        task_default_queue=queue,
        worker_hijack_root_logger=False,
    )

    def close_connections(**kwargs):
        connections.close_all()

    task_postrun.connect(close_connections, weak=False)
    try:
        with start_worker(app, perform_ping_check=False, loglevel="WARNING", shutdown_timeout=60):
            app.set_current()
            app.set_default()
            start = time.perf_counter()
            # As the announcement does: every certificate issued in one transaction, the
            # renderings published on its commit.
            with transaction.atomic():
                for application in applications:
                    certificate_issue(application=application)
            published = time.perf_counter()
            rows = Certificate.objects.filter(application__wave=wave)
            while rows.filter(status=CertificateStatus.PENDING).exists():
                if time.perf_counter() - start > 600:
                    raise SystemExit("The worker did not finish within 10 minutes.")
                time.sleep(0.1)
            elapsed = time.perf_counter() - start
    finally:
        task_postrun.disconnect(close_connections)
        project_app.set_default()
        project_app.set_current()
        app.close()
        client = redis.Redis.from_url(redis_url)
        client.delete(queue, f"_kombu.binding.{queue}")
        client.close()

    rendered = rows.filter(status=CertificateStatus.RENDERED).count()
    print(f"Wave of {wave_size} certificates, one in-process worker (solo pool) on Redis:")
    print(f"  issue + publish on commit:           {(published - start) * 1000:7.0f} ms")
    print(f"  all rendered after:                  {elapsed:7.1f} s")
    print(f"  per certificate:                     {elapsed / wave_size * 1000:7.1f} ms")
    print(f"  rendered / failed:                   {rendered} / {wave_size - rendered}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="runs for the medians (20)")
    parser.add_argument("--wave", type=int, default=100, help="certificates in the wave (100)")
    arguments = parser.parse_args()
    logging.disable(logging.INFO)  # WeasyPrint and Celery narrate every step at INFO

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        # A file, not SQLite's in-memory test database: the worker thread must see it.
        database.setdefault("TEST", {})["NAME"] = str(Path(MEDIA) / "bench.sqlite3")
    original_name = database["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        print(f"Database: {connection.vendor}; WeasyPrint output in {MEDIA}")
        bench_single(arguments.runs)
        redis_url = os.environ.get("REDIS_URL", "")
        if redis_url:
            bench_worker(arguments.wave, redis_url)
        else:
            print("Wave rendering by a worker: skipped, it needs Redis (set REDIS_URL).")
    finally:
        connection.creation.destroy_test_db(original_name, verbosity=0)


if __name__ == "__main__":
    main()
