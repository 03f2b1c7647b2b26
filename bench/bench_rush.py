"""Load test of deadline day: applicants rushing to log in, fill, upload and file at once.

Production-like and loopback only: gunicorn (2 threaded workers by default) serves the
portal on 127.0.0.1 with the production settings (bench/rush_settings.py changes only what
plain HTTP needs), on a PostgreSQL database of its own (``label_euralens_bench``, dropped
and migrated again at each run), with a real Celery worker on Redis sending the mails (to
Django's dummy backend: nothing leaves the machine) from a private queue.

N applicants (200 by default, 50 at a time) each: log in; start a draft; autosave four
sections of the dossier (holder, project, contribution, budget with its financing plan);
upload a small PDF; give the consent; file. Each simulated applicant comes from an address
of its own (198.18.0.0/15, the benchmarking range) in X-Forwarded-For, as behind the reverse
proxy, so axes and the rate limits count them apart as they would in production.

It prints p50/p95/p99 per endpoint beside the aims (autosave p95 < 150 ms, submission p95
< 500 ms), then checks in the database that nothing was lost or doubled: each applicant's
dossier filed once with what was autosaved, references unique and consecutive, the
document stored, and one confirmation mail each in the outbox, sent by the worker.

    .venv/bin/python bench/bench_rush.py              # 200 applicants, 50 at a time
    .venv/bin/python bench/bench_rush.py --applicants 60 --concurrency 20

The run is bounded: ``--time-limit`` seconds for the rush (no applicant starts after it),
30 s per request, and at most 1,000 applicants. The simulated clients are Python threads
on the same machine as the server: on a small machine they take part of the CPU, so the
figures are an upper bound of what the server alone would answer.
"""

import argparse
import base64
import hashlib
import math
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VENV_BIN = Path(sys.executable).parent

PASSWORD = "rush-motdepasse-2026-bench"  # noqa: S105 -- the bench accounts' throw-away password
MAX_APPLICANTS = 1000
REQUEST_TIMEOUT = 30
WAVE_NUMBER = 11
# Aims of issue 18, with two gunicorn workers on the 2-core machine while 50 applicants rush.
AIMS_P95_MS = {"autosave": 150, "submit": 500}
# The smallest well-formed PDF, padded so that it is a real (small) upload.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n"
    + b"%"
    + b"0" * 20_000
    + b"\n%%EOF\n"
)
PDF_SHA256 = hashlib.sha256(PDF).hexdigest()
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DRAFT_LOCATION = re.compile(r"/mon-espace/candidatures/(\d+)/dossier/")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applicants", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--time-limit", type=float, default=600, help="seconds for the rush")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server (loopback), without database name",
    )
    parser.add_argument("--database", default="label_euralens_bench")
    parser.add_argument(
        "--redis", default=os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/0")
    )
    parser.add_argument(
        "--relax-limits",
        action="store_true",
        help="turn the rate limits off even when the portal reads X-Forwarded-For",
    )
    args = parser.parse_args()
    if not 1 <= args.applicants <= MAX_APPLICANTS:
        parser.error(f"--applicants must be between 1 and {MAX_APPLICANTS}")
    args.concurrency = max(1, min(args.concurrency, args.applicants))
    for url in (args.postgres, args.redis):
        if urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1"):
            parser.error(f"{url}: the bench runs on loopback only")
    return args


def bench_environment(args, media_root):
    """The environment of every process of the run: gunicorn, the worker and this one."""
    run = f"{os.getpid()}-{secrets.token_hex(3)}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.rush_settings",
        "PYTHONPATH": str(ROOT),
        "SECRET_KEY": secrets.token_urlsafe(64),
        # Production requires the key of the second factor's secrets: one for this run.
        "OTP_ENCRYPTION_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "DATABASE_URL": f"{args.postgres.rstrip('/')}/{args.database}",
        "REDIS_URL": args.redis,
        "EMAIL_URL": "dummy://",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{args.port}",
        "MEDIA_ROOT": str(media_root),
        "BENCH_CELERY_QUEUE": f"label-euralens-bench-{run}",
        "BENCH_CACHE_PREFIX": f"bench-rush-{run}",
        # Issue 17 makes the portal trust X-Forwarded-For only from the configured number of
        # proxies; the bench stands for one proxy. Today's settings read the header anyway
        # (AXES_IPWARE_META_PRECEDENCE_ORDER), so this is set ahead of that change.
        "TRUSTED_PROXY_COUNT": "1",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("AWS_STORAGE_BUCKET_NAME", None)  # uploads stay in the run's temporary folder
    return env


def forwarded_address_is_used():
    """Does the portal take the client address from X-Forwarded-For (as axes and the rate
    limits see it)? Asked of the code itself, so the answer follows issue 17's change."""
    from axes.helpers import get_client_ip_address
    from django.test import RequestFactory

    request = RequestFactory().get(
        "/", HTTP_X_FORWARDED_FOR=client_address(1), REMOTE_ADDR="127.0.0.1"
    )
    return get_client_ip_address(request) == client_address(1)


# --- Database --------------------------------------------------------------------------------


def database_recreate(args, env):
    """Drop and create the bench's own database, then migrate it (never another one)."""
    import psycopg

    if not args.database.startswith("label_euralens_bench"):
        sys.exit("The bench only drops databases named label_euralens_bench*.")
    with psycopg.connect(f"{args.postgres.rstrip('/')}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{args.database}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def data_create(count):
    """An open wave and `count` confirmed applicant accounts; returns their e-mails."""
    from datetime import timedelta

    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from label.enums import Role
    from label.models import User, Wave
    from label.services import role_groups_ensure

    now = timezone.now()
    Wave.objects.create(
        number=WAVE_NUMBER,
        year=now.year,
        title=f"Label Euralens — vague {WAVE_NUMBER} (bench)",
        opens_at=now - timedelta(days=30),
        closes_at=now + timedelta(days=1),
    )
    role_groups_ensure()
    # One hash for every account: hashing 200 passwords here would only slow the set-up;
    # each login still checks it with the production hasher.
    encoded = make_password(PASSWORD)
    users = User.objects.bulk_create(
        User(
            email=f"porteur{index:04d}@bench.example.org",
            full_name=f"Porteur {index}",
            password=encoded,
            is_active=True,
            email_confirmed_at=now,
        )
        for index in range(count)
    )
    group = Group.objects.get(name=Role.APPLICANT)
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=user.pk, group_id=group.pk) for user in users
    )
    return [user.email for user in users], encoded.split("$", 1)[0]


# --- Processes -------------------------------------------------------------------------------


def start_processes(args, env, logs):
    """gunicorn and a Celery worker, each in its own process group, logs in `logs`."""
    # The commands are built here from the venv's own binaries and integer options.
    gunicorn = subprocess.Popen(  # noqa: S603
        [
            str(VENV_BIN / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(args.threads),
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        stdout=open(logs / "gunicorn.log", "wb"),  # noqa: SIM115 -- closed with the process
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    worker = subprocess.Popen(  # noqa: S603
        [
            str(VENV_BIN / "celery"),
            "-A",
            "config",
            "worker",
            "--queues",
            env["BENCH_CELERY_QUEUE"],
            "--concurrency",
            "1",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=open(logs / "celery.log", "wb"),  # noqa: SIM115 -- closed with the process
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return [gunicorn, worker]


def stop_processes(processes):
    """Stop the processes this bench started (their own process groups only)."""
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def process_cpu_seconds(pid):
    """CPU seconds (user + system) a process and its children used, from /proc (Linux)."""
    total = 0.0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(child) for child in children]
        for one in pids:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None
    return total


def queue_delete(redis_url, queue):
    """Remove the run's private Celery queue and its binding from Redis."""
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    finally:
        client.close()


def wait_until_served(base_url, processes, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            sys.exit("gunicorn or the Celery worker stopped at start: see the logs above.")
        try:
            if requests.get(f"{base_url}/sante/", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    sys.exit(f"{base_url}/sante/ did not answer 200 within {timeout} s.")


def warm_up(base_url, args):
    """A few pages through every thread first: the first request of a process compiles the
    templates and URL patterns, which is start-up, not deadline day."""
    rounds = 4 * args.workers * args.threads
    with ThreadPoolExecutor(max_workers=args.workers * args.threads) as pool:
        list(
            pool.map(
                lambda _: requests.get(f"{base_url}/comptes/connexion/", timeout=REQUEST_TIMEOUT),
                range(rounds),
            )
        )


# --- The rush --------------------------------------------------------------------------------


@dataclass
class Recorder:
    """Response times (ms) per endpoint, and the failures, shared by the client threads."""

    times: dict = field(default_factory=dict)
    failures: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, endpoint, milliseconds):
        with self.lock:
            self.times.setdefault(endpoint, []).append(milliseconds)

    def fail(self, index, step, detail):
        with self.lock:
            self.failures.append((index, step, detail))


class StepFailed(Exception):
    pass


def client_address(index):
    """One address per simulated applicant, in 198.18.0.0/15 (RFC 2544, benchmarking)."""
    return f"198.{18 + index // 65536}.{index // 256 % 256}.{index % 256}"


def dossier_values(index):
    """What applicant `index` autosaves, section by section (checked afterwards)."""
    return {
        "porteur": {
            "holder_name": f"Association bench {index}",
            "holder_type": "association",
            "siret": "",
            "address": "12 rue de la Gare",
            "postcode": "62300",
            "city": "Lens",
            "contact_name": f"Contact {index}",
            "contact_email": f"contact{index}@bench.example.org",
            "contact_phone": "03 21 00 00 00",
        },
        "projet": {
            "title": f"Projet de la ruée {index}",
            "summary": "Des jardins partagés sur d'anciennes friches.",
            "description": "Création de jardins partagés sur trois friches minières.",
            "themes": ["nature", "alimentation"],
            "stage": "definition",
            "territory_wide": "on",
        },
        "contribution": {
            "contribution_transition": f"Biodiversité et lien social ({index}).",
            "contribution_feasibility": "Terrain mis à disposition par la commune.",
            "contribution_diffusion": "Visites ouvertes et guide méthodologique.",
            "contribution_innovation": "Gouvernance partagée avec les habitants.",
        },
        "budget": {
            "partners": "Commune de Lens",
            "total_cost": str(20_000 + index),
            "milestones": "Printemps : chantier ; été : récoltes.",
            "diffusion_strategy": "Presse locale",
            "expected_support": "Visibilité",
            # The financing plan is the table question of the wave's form.
            "financing_lines-rows": "2",
            "financing_lines-0-source": "Région Hauts-de-France",
            "financing_lines-0-amount": "12000",
            "financing_lines-0-secured": "on",
            "financing_lines-1-source": "Fonds propres",
            "financing_lines-1-amount": str(8_000 + index),
        },
    }


def applicant_rush(index, email, base_url, recorder):
    """One applicant's deadline day, from the login page to the filed dossier."""
    session = requests.Session()
    session.headers["X-Forwarded-For"] = client_address(index)

    def call(endpoint, method, path, expect, **kwargs):
        started = time.perf_counter()
        try:
            response = session.request(
                method,
                base_url + path,
                timeout=REQUEST_TIMEOUT,
                allow_redirects=False,
                **kwargs,
            )
        except requests.RequestException as error:
            raise StepFailed((endpoint, type(error).__name__)) from None
        recorder.add(endpoint, (time.perf_counter() - started) * 1000)
        if response.status_code != expect:
            raise StepFailed((endpoint, response.status_code))
        return response

    def csrf():
        return {"X-CSRFToken": session.cookies["csrftoken"]}

    try:
        page = call("login page", "GET", "/comptes/connexion/", 200)
        token = CSRF_INPUT.search(page.text).group(1)
        call(
            "login",
            "POST",
            "/comptes/connexion/",
            302,
            data={"username": email, "password": PASSWORD, "csrfmiddlewaretoken": token},
        )
        started = call(
            "start draft", "POST", "/mon-espace/candidatures/nouvelle/", 302, headers=csrf()
        )
        pk = DRAFT_LOCATION.search(started.headers["Location"]).group(1)
        dossier = f"/mon-espace/candidatures/{pk}/dossier"
        for section, values in dossier_values(index).items():
            saved = call(
                "autosave",
                "POST",
                f"{dossier}/{section}/brouillon/",
                200,
                data=values,
                headers=csrf(),
            ).json()
            if saved.get("errors") or not saved.get("saved"):
                raise StepFailed(("autosave", section, saved.get("errors")))
        call(
            "upload",
            "POST",
            f"{dossier}/pieces/",
            302,
            data={"kind": "financing_plan"},
            files={"file": (f"plan-{index}.pdf", PDF, "application/pdf")},
            headers=csrf(),
        )
        call(
            "consent",
            "POST",
            f"{dossier}/consentement/",
            302,
            data={"consent": "on", "action": "save"},
            headers=csrf(),
        )
        filed = call(
            "submit", "POST", f"/mon-espace/candidatures/{pk}/deposer/", 302, headers=csrf()
        )
        if not filed.headers["Location"].endswith(f"/mon-espace/candidatures/{pk}/"):
            raise StepFailed(("submit", filed.headers["Location"]))
    except StepFailed as failure:
        recorder.fail(index, failure.args[0][0], failure.args[0][1:])
    except Exception as error:  # an unexpected page: counted, the rush goes on
        recorder.fail(index, "unexpected", repr(error)[:200])
    finally:
        session.close()


def run_rush(args, emails, base_url):
    """Every applicant through the rush, `concurrency` at a time, within the time limit."""
    recorder = Recorder()
    deadline = time.monotonic() + args.time_limit
    skipped = []

    def one(index):
        if time.monotonic() > deadline:
            skipped.append(index)
            return
        applicant_rush(index, emails[index], base_url, recorder)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        list(pool.map(one, range(len(emails))))
    return recorder, time.perf_counter() - started, skipped


# --- Report and checks -----------------------------------------------------------------------


def percentile(values, fraction):
    """The nearest-rank percentile of `values`."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(fraction * len(ordered))) - 1]


def print_times(recorder):
    print(f"{'endpoint':<14}{'count':>7}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}   aim")
    order = ["login page", "login", "start draft", "autosave", "upload", "consent", "submit"]
    verdicts = []
    for endpoint in order:
        values = recorder.times.get(endpoint)
        if not values:
            continue
        p95 = percentile(values, 0.95)
        aim = AIMS_P95_MS.get(endpoint)
        verdict = ""
        if aim is not None:
            met = p95 < aim
            verdicts.append(met)
            verdict = f"p95 < {aim} ms: {'met' if met else 'MISSED'}"
        print(
            f"{endpoint:<14}{len(values):>7}{statistics.median(values):>8.0f}ms"
            f"{p95:>7.0f}ms{percentile(values, 0.99):>7.0f}ms{max(values):>7.0f}ms   {verdict}"
        )
    return all(verdicts)


def wait_for_mails(expected, timeout=120):
    """Wait until the worker has sent the expected mails (or the timeout)."""
    from label.enums import OutboxStatus
    from label.models import OutboxMail

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pending = OutboxMail.objects.filter(status=OutboxStatus.PENDING).count()
        sent = OutboxMail.objects.filter(status=OutboxStatus.SENT).count()
        if not pending and sent >= expected:
            return
        time.sleep(1)


def check_nothing_lost(emails, failed):
    """Compare the database with what the clients did; returns the list of problems."""
    from django.core.files.storage import default_storage
    from django.db.models import Count

    from applications.enums import ApplicationState, AttachmentKind, Transition
    from applications.models import Application, ApplicationEvent, Attachment
    from label.enums import OutboxStatus
    from label.models import OutboxMail, User

    problems = []
    users = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
    completed = [index for index in range(len(emails)) if index not in failed]
    applications = {
        app.owner_id: app for app in Application.objects.filter(owner_id__in=users.values())
    }
    per_owner = dict(
        Application.objects.values("owner_id").annotate(n=Count("pk")).values_list("owner_id", "n")
    )
    for index in completed:
        owner = users[emails[index]]
        if per_owner.get(owner) != 1:
            problems.append(f"applicant {index}: {per_owner.get(owner, 0)} dossiers instead of 1")
            continue
        app = applications[owner]
        expected = dossier_values(index)
        if app.state != ApplicationState.SUBMITTED:
            problems.append(f"applicant {index}: dossier in state {app.state}")
        for section in ("porteur", "projet", "contribution"):
            for name, value in expected[section].items():
                if name in ("themes", "territory_wide"):
                    continue
                # The builtin fields are the model's; the other answers are in `answers`.
                kept = app.answers.get(name) if name in app.answers else getattr(app, name, None)
                if str(kept) != value:
                    problems.append(f"applicant {index}: {name} lost ({kept!r})")
        if int(app.total_cost) != 20_000 + index:
            problems.append(f"applicant {index}: total cost lost ({app.total_cost})")
        amounts = sorted(
            int(Decimal(line["amount"])) for line in app.answers.get("financing_lines", [])
        )
        if amounts != sorted([12_000, 8_000 + index]):
            problems.append(f"applicant {index}: financing plan {amounts}")
    filed = Application.objects.filter(owner_id__in=users.values()).exclude(reference=None)
    references = list(filed.values_list("reference", flat=True))
    numbers = sorted(filed.values_list("reference_number", flat=True))
    if len(set(references)) != len(references):
        problems.append("references given twice")
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append(f"reference numbers not consecutive: {numbers[:5]}…")
    if len(references) != len(completed):
        problems.append(f"{len(references)} references for {len(completed)} filings")
    submits = ApplicationEvent.objects.filter(transition=Transition.SUBMIT)
    doubled = submits.values("application_id").annotate(n=Count("pk")).filter(n__gt=1)
    if doubled.exists() or submits.count() != len(completed):
        problems.append(f"{submits.count()} submit events for {len(completed)} filings")
    for app in filed:
        documents = list(Attachment.objects.filter(application=app))
        if len(documents) != 1 or documents[0].kind != AttachmentKind.FINANCING_PLAN:
            problems.append(f"{app.reference}: {len(documents)} documents instead of 1")
            continue
        stored = documents[0]
        if stored.sha256 != PDF_SHA256 or not default_storage.exists(stored.file.name):
            problems.append(f"{app.reference}: the stored document is missing or altered")
        mails = OutboxMail.objects.filter(
            recipient_id=app.owner_id, template="application_event", subject__contains=app.reference
        )
        statuses = list(mails.values_list("status", flat=True))
        if statuses != [OutboxStatus.SENT]:
            problems.append(f"{app.reference}: confirmation mails {statuses} instead of one sent")
    return problems, len(references)


def main():
    args = parse_args()
    work = Path(tempfile.mkdtemp(prefix="label-euralens-rush-"))
    media_root = work / "media"
    env = bench_environment(args, media_root)
    os.environ.update(env)
    base_url = f"http://127.0.0.1:{args.port}"
    print(
        f"Rush: {args.applicants} applicants, {args.concurrency} at a time; gunicorn "
        f"{args.workers} workers × {args.threads} threads (gthread) on {base_url}; PostgreSQL "
        f"database {args.database}; Celery worker on {args.redis} (queue "
        f"{env['BENCH_CELERY_QUEUE']}); files and logs in {work}."
    )
    database_recreate(args, env)

    import django

    django.setup()
    # Each applicant sends its own address in X-Forwarded-For, with TRUSTED_PROXY_COUNT=1
    # set for issue 17's setting. A portal that ignores the header sees them all as
    # 127.0.0.1, so the rate limits are turned off for the servers of this run and it is
    # said: the figures then lack the limiter's few cache calls per login.
    if args.relax_limits or not forwarded_address_is_used():
        env["BENCH_RELAX_LIMITS"] = "1"
        print(
            "Rate limits OFF for this run ("
            + (
                "--relax-limits"
                if args.relax_limits
                else "the portal does not read the client address from X-Forwarded-For, "
                "so every applicant would count as 127.0.0.1"
            )
            + "); axes stays on."
        )
    else:
        print(
            "Axes and the rate limits are on, as in production: each applicant has its own "
            "address in X-Forwarded-For."
        )
    emails, hasher = data_create(args.applicants)
    print(f"Accounts created; their passwords are {hasher} hashes.")
    processes = start_processes(args, env, work)
    try:
        wait_until_served(base_url, processes)
        warm_up(base_url, args)
        load_before = os.getloadavg()[0]
        cpu_before = process_cpu_seconds(processes[0].pid)
        client_cpu = time.process_time()
        recorder, elapsed, skipped = run_rush(args, emails, base_url)
        client_cpu = time.process_time() - client_cpu
        cpu_after = process_cpu_seconds(processes[0].pid)
        failed = {index for index, _step, _detail in recorder.failures} | set(skipped)
        done = args.applicants - len(failed)
        print(
            f"\n{done} of {args.applicants} applicants went through in {elapsed:.1f} s "
            f"({sum(map(len, recorder.times.values())) / elapsed:.0f} requests/s)."
        )
        if cpu_before is not None and cpu_after is not None:
            # On a shared machine the latencies include other people's work; the server's
            # own CPU time per applicant does not.
            print(
                f"gunicorn CPU: {cpu_after - cpu_before:.1f} s in all, "
                f"{(cpu_after - cpu_before) / max(done, 1) * 1000:.0f} ms per applicant; "
                f"the simulated clients (this process) {client_cpu:.1f} s; "
                f"{os.cpu_count()} cores, load average {load_before:.1f} before the rush and "
                f"{os.getloadavg()[0]:.1f} after."
            )
        if skipped:
            print(f"{len(skipped)} applicants not started: the time limit was reached.")
        for index, step, detail in recorder.failures[:10]:
            print(f"  applicant {index} failed at {step}: {detail}")
        print()
        aims_met = print_times(recorder)
        wait_for_mails(done)
    finally:
        stop_processes(processes)
        queue_delete(args.redis, env["BENCH_CELERY_QUEUE"])
    problems, filed = check_nothing_lost(emails, failed)
    print(
        f"\nDatabase check: {filed} dossiers filed, references unique and consecutive, "
        f"one stored document and one sent confirmation mail each: "
        + ("nothing lost or doubled." if not problems else f"{len(problems)} PROBLEMS:")
    )
    for problem in problems[:20]:
        print(f"  {problem}")
    shutil.rmtree(media_root, ignore_errors=True)
    ok = not problems and not recorder.failures and not skipped
    print(f"\nLogs: {work}/gunicorn.log, {work}/celery.log")
    print(
        "Result: "
        + ("all filed, nothing lost" if ok else "FAILURES")
        + ("; aims met." if aims_met else "; an aim was missed.")
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
