"""Benchmark of the staff export task (issue 12): 500 files × 40 questions of the wave's form.

Builds a wave whose form has 40 questions besides the portal's own fields (the default
form's, plus short-text questions up to 40), files N complete applications (500 by default)
answering every one, then runs the export task's body (applications.export_jobs.
export_job_run) for CSV and XLSX with every column. Prints, for each format: the wall time
of the task (best of --runs), its peak Python memory (tracemalloc, a separate run, since
tracing slows it down), the number of SQL queries, and the same query count for a tenth of
the files (ten at least), which must be equal (constant batches, whatever the length).

Aims: under 30 s and under 200 MB for 500 files (a staff member waits on the progress page;
a worker shares its host), queries equal at N and N/10. The last lines say whether they are
met. Everything lives in a throw-away test database (a temporary SQLite file, or
``test_<name>_bench_<pid>`` on the PostgreSQL server of DATABASE_URL), destroyed at the end.

    .venv/bin/python bench/bench_export.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/label_euralens \\
        .venv/bin/python bench/bench_export.py --files 500 --questions 40
"""

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402 -- the settings module must be chosen first

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

AIM_SECONDS = 30.0
AIM_MEGABYTES = 200.0


def generate(files, questions, number):
    """A wave whose form has `questions` non-builtin questions, with `files` filed answers."""
    from applications.enums import ApplicationState
    from applications.models import Application
    from callforms.declaration import form_for
    from callforms.models import CallForm, Question, Section
    from label.models import Commune, Wave
    from label.services import role_groups_ensure
    from tests.factories import ApplicationFactory

    role_groups_ensure()
    now = timezone.now()
    wave = Wave.objects.create(
        number=number,
        year=now.year,
        title="Label Euralens — 11e vague (banc d'essai)",
        opens_at=now - timedelta(days=120),
        closes_at=now - timedelta(days=30),
    )
    spec = form_for(wave)
    present = [q for q in spec.questions() if not q.is_builtin]
    section = Section.objects.filter(form__wave=wave).order_by("-position").first()
    for index in range(len(present), questions):
        Question.objects.create(
            section=section,
            position=1000 + index,
            key=f"banc_{index}",
            label=f"Question d'essai n° {index}",
            kind="short_text",
        )
    call_form = CallForm.objects.get(wave=wave)
    call_form.version += 1
    call_form.save()
    commune = Commune.objects.order_by("pk").first()
    for file_number in range(1, files + 1):
        application = ApplicationFactory(complete=True, wave=wave)
        answers = dict(application.answers or {})
        answers.update(
            {f"banc_{index}": f"Réponse {index} du dossier {file_number}" for index in range(80)}
        )
        Application.objects.filter(pk=application.pk).update(
            state=ApplicationState.SUBMITTED,
            reference_number=file_number,
            reference=f"{wave.short_code}-{file_number:04d}",
            submitted_at=now,
            answers=answers,
        )
        if commune is not None:
            application.communes.set([commune])
    return wave, len([q for q in form_for(wave).questions() if not q.is_builtin])


def run(wave, export_format, trace=False):
    """(seconds, peak bytes or None, queries, rows) of one run of the task's body."""
    from applications.export_jobs import export_job_run
    from applications.models import ExportJob, ExportStatus

    job = ExportJob.objects.create(wave=wave, parameters={}, format=export_format)
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        export_job_run(job.pk)
    elapsed = time.perf_counter() - started
    peak = None
    if trace:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE, job.status
    job.file.delete(save=False)
    return elapsed, peak, len(queries.captured_queries), job.row_count


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()

    database = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        handle, test_name = tempfile.mkstemp(prefix="bench-export-", suffix=".sqlite3")
        os.close(handle)
    else:
        test_name = f"test_{database['NAME']}_bench_{os.getpid()}"
    database.setdefault("TEST", {})["NAME"] = test_name
    settings.DEBUG = False
    settings.MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="bench-export-media-"))
    old_name = database["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        # At least ten files: below, the task writes its progress once per file (fewer times).
        small = max(10, options.files // 10)
        started = time.perf_counter()
        small_wave, _count = generate(small, options.questions, number=10)
        wave, count = generate(options.files, options.questions, number=11)
        print(
            f"{connection.vendor}: {options.files} filed files × {count} questions of the "
            f"wave's form (and {small} files for the query check), built in "
            f"{time.perf_counter() - started:.1f} s; best of {options.runs} runs"
        )
        met = True
        for export_format in ("csv", "xlsx"):
            run(wave, export_format)  # warm the caches of the wave's form
            times = [run(wave, export_format)[0] for _ in range(options.runs)]
            _elapsed, peak, queries, rows = run(wave, export_format, trace=True)
            run(small_wave, export_format)
            _e, _p, small_queries, small_rows = run(small_wave, export_format)
            best, megabytes = min(times), peak / 1024 / 1024
            print(
                f"{export_format:4} {rows} rows: {best:6.2f} s (aim < {AIM_SECONDS:.0f} s), "
                f"peak {megabytes:6.1f} MB (aim < {AIM_MEGABYTES:.0f} MB), "
                f"{queries} queries ({small_queries} for {small_rows} rows: must be equal)"
            )
            met &= best < AIM_SECONDS and megabytes < AIM_MEGABYTES and queries == small_queries
        print("aims met" if met else "AIMS NOT MET")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        if connection.vendor == "sqlite" and os.path.exists(test_name):
            os.remove(test_name)


if __name__ == "__main__":
    main()
