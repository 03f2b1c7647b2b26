"""The outside attack of issue 17, run again against a production-like portal.

Start the portal first (``security/serve.sh start``: gunicorn on PostgreSQL and Redis with
config.settings.production, DEBUG off, and a second gunicorn without Redis), then::

    .venv/bin/python security/attack.py                    # (a), (b), (c); JSON summary
    .venv/bin/python security/attack.py --only access      # one part: access|hostile|redis

Parts (see security/README.md):

(a) access: log in as each role (the demo's accounts; staff and jury pass their second factor
    with the demo's TOTP secret, computed here with the standard library), and request EVERY
    URL pattern of config.urls, GET and POST, with the ids of objects the role does not own.
    A 200 is a leak unless ``allowed()`` lists it (with its reason); a 5xx is a finding.
(b) hostile: the hostile inputs of tests/security and more (path traversal, oversized bodies,
    bad Host, forged X-Forwarded-For, malformed cookies and parameters): no 5xx.
(c) redis: against the gunicorn whose Redis is unreachable: login, /projets/, /api/projects
    answer 200 and a login goes through; /sante/ answers 503.

The URL patterns and the victims' ids are read from the code and the database (the Django
ORM on the same DATABASE_URL, read-only); every attack request goes over HTTP. ``--prepare``
(run by serve.sh before gunicorn starts) gives the attack's extra accounts a password, and the
victim holder a draft and a file in deliberation.
Only the standard library and requests (already in the project's environment).
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import re
import struct
import sys
import time
from pathlib import Path
from urllib.parse import urljoin

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BASE = os.environ.get("ATTACK_BASE", "http://127.0.0.1:8791")
NO_REDIS_BASE = os.environ.get("ATTACK_NO_REDIS_BASE", "http://127.0.0.1:8792")
DEMO_PASSWORD = "demo-euralens"  # noqa: S105 -- the demo's published password
DEMO_TOTP_SECRET = base64.b32encode(b"label-euralens-demo!").decode("ascii")
# The victim: a holder of the demo whose files none of the attacking roles owns.
VICTIM = "porteur.collectif-des-jardiniers-de-la-cite-12@example.org"
# Accounts the attack adds (--prepare): a bare applicant, staff without its second factor yet,
# a holder of a labelled project.
STRANGER = "intrus@example.org"
STAFF_NOT_ENROLLED = "instruction.sans.2fa@example.org"
HOLDER = "porteur.association-roulons-ensemble@example.org"

ROLES = {
    "anonymous": None,
    "applicant": "candidat@example.org",
    "stranger": STRANGER,
    "holder": HOLDER,
    "reviewer": "expert@example.org",
    "jury": "jury@example.org",
    "instruction": "instruction@example.org",
    "instruction_password_only": "instruction@example.org",
    "instruction_not_enrolled": STAFF_NOT_ENROLLED,
}


# --- Allowed 200s ------------------------------------------------------------------------------

# Public pages: anybody may read them, whatever the id (published projects, the open data,
# the API, the certificate check by its public code, the legal pages, the widget).
PUBLIC = re.compile(
    r"^(catalogue:|api:|booklets:list|admin:login|applications:call|privacy:notice|"
    r"label:(home|health|legal|privacy|accessibility|language|sitemap|"
    r"robots|terms|call|calls|contact|help|about|page|set_language)|certificates:verif|"
    r"followup:news_photo|javascript-catalog|otp_webauthn:js-i18n-catalog|"
    r"accounts:(login|signup|signup_done|signup_resend|password_reset|password_reset_done|"
    r"password_reset_complete|unlock_request))"
)
# Pages of one's own account (no foreign id in them).
OWN_ACCOUNT = re.compile(
    r"^(accounts:(profile|password_change|otp_manage|otp_setup|otp_verify)|privacy:|"
    r"reviews:reviewer_profile|"
    r"applications:(applicant_home|call|interest)|label:(home|dashboard))"
)
# What each role may read on objects that are not its own, by its job.
ROLE_ALLOWED = {
    # Instruction reads every filed file (its PDF and documents too), wave and export, the
    # jury's pages and the follow-up (followup.view_followup); in the admin, the models its
    # account has Django permissions on (communes, outbox, assignments in the demo).
    "instruction": re.compile(
        r"^(applications:(instruction_|receipt|attachment_download|dossier_pdf)|reviews:|"
        r"label:wave|followup:|admin:|"
        r"certificates:|followup:staff|followup:convention_model|catalogue:photo_review|"
        r"booklets:|label:)"
    ),
    # The jury reads files in deliberation (not recused) and their documents, and sittings.
    "jury": re.compile(r"^(reviews:(jury_|access_jury)|applications:attachment_download)"),
    "reviewer": re.compile(r"^reviews:(review_home|reviewer_home|my_|jury_interests)"),
}


# What a role must be able to read on a victim's file, by the file's state: a GET that does not
# answer 200 there is a finding too (a reader kept from their work). The jury reads a file in
# deliberation and its documents (DESIGN.md §4); on that file, the other roles get no 200 but
# instruction (allowed()): the applicant and the bare applicant who do not own it, the holder
# of another project, the reviewer not assigned to it, staff without its second factor.
MUST_READ = {
    ("jury", "deliberation"): {"reviews:jury_file", "applications:attachment_download"},
}
# The victims' states whose files the jury reads; a 200 of the jury on a page of any other
# victim's file (submitted, eligible, withdrawn, a draft, ...) is a finding.
JURY_READS = {"deliberation"}


def allowed(role, name, has_ids):
    """Is a 200 for this role on this URL name (with foreign ids or not) legitimate, and why?"""
    if PUBLIC.match(name):
        return "public page"
    if role == "anonymous":
        return None
    if not has_ids and OWN_ACCOUNT.match(name):
        return "own account page"
    if role == "instruction" and ROLE_ALLOWED["instruction"].match(name):
        return "instruction reads every filed file (after its second factor)"
    if role == "jury" and ROLE_ALLOWED["jury"].match(name):
        return "jury reads files in deliberation it is not kept away from"
    if role == "reviewer" and not has_ids and ROLE_ALLOWED["reviewer"].match(name):
        return "reviewer's own list"
    return None


# --- TOTP (RFC 6238) with the standard library ---------------------------------------------------


def totp(secret, at=None, step=30, digits=6):
    """The current code of a base32 secret (as authenticator applications compute it)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = int((at or time.time()) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return f"{code:0{digits}d}"


# --- An HTTP client that behaves like a browser behind the documented nginx ---------------------


class Browser:
    """requests without its cookie jar: the portal's cookies are Secure (production), and the
    attack speaks plain HTTP to gunicorn as nginx does, saying X-Forwarded-Proto: https."""

    def __init__(self, base=BASE, client_ip="203.0.113.10"):
        self.base = base
        self.cookies = {}
        self.client_ip = client_ip
        self.count = 0

    def request(self, method, path, *, headers=None, **kwargs):
        sent = {
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.client_ip,
            "Host": "127.0.0.1",
            "Referer": f"https://127.0.0.1{path if path.startswith('/') else '/'}",
            "User-Agent": "label-euralens-attack/1",
        }
        sent.update(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.count += 1
        response = requests.request(
            method,
            urljoin(self.base, path),
            headers=sent,
            allow_redirects=False,
            timeout=60,
            **kwargs,
        )
        for cookie in response.cookies:
            if cookie.value in ("", '""') or (cookie.expires and cookie.expires < time.time()):
                self.cookies.pop(cookie.name, None)
            else:
                self.cookies[cookie.name] = cookie.value
        return response

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def csrf(self):
        if "csrftoken" not in self.cookies:
            self.get("/comptes/connexion/")
        return self.cookies.get("csrftoken", "")

    def post(self, path, data=None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrfmiddlewaretoken", self.csrf())
        headers = kwargs.pop("headers", {})
        headers.setdefault("X-CSRFToken", self.cookies.get("csrftoken", ""))
        return self.request("POST", path, data=data, headers=headers, **kwargs)

    def login(self, email, *, second_factor=True):
        """Log in by the login page; pass the second factor by a TOTP code when asked."""
        self.get("/comptes/connexion/")
        response = self.post("/comptes/connexion/", {"username": email, "password": DEMO_PASSWORD})
        if response.status_code != 302:
            raise RuntimeError(f"login of {email} answered {response.status_code}")
        location = response.headers.get("Location", "")
        if "double-authentification/verifier" not in location:
            # The landing page sends a session awaiting its second factor to the code page.
            landing = self.get(location)
            if "double-authentification/verifier" in landing.headers.get("Location", ""):
                location = landing.headers["Location"]
        if "double-authentification/verifier" in location and second_factor:
            # A code already used in this 30-second step is refused (replay protection).
            for attempt in range(3):
                verified = self.post(location, {"code": totp(DEMO_TOTP_SECRET)})
                if verified.status_code == 302 and "verifier" not in verified.headers.get(
                    "Location", ""
                ):
                    return location
                time.sleep(31 - time.time() % 30 if attempt == 0 else 1)
            raise RuntimeError(f"second factor of {email} refused")
        return location


# --- The URL patterns and the victims' ids -------------------------------------------------


def django_setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    # The database serve.sh made for the attacked portal (read-only here).
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/label_sec_attack")
    import django

    django.setup()


def url_patterns():
    """(name, route regex text, parameters) of every pattern of config.urls."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found = []

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                name = pattern.name or f"unnamed:{pattern.pattern}"
                full = f"{namespace}:{name}" if namespace else name
                found.append((full, prefix + str(pattern.pattern)))

    walk(get_resolver().url_patterns, "", "")
    return found


class Victims:
    """Ids of objects that none of the attacking roles owns (read once from the database)."""

    def __init__(self):
        from django.apps import apps

        get = apps.get_model
        Application = get("applications", "Application")
        User = get("label", "User")
        victim = User.objects.get(email=VICTIM)
        reviewer = User.objects.get(email=ROLES["reviewer"])
        self.applications = {}
        # One file per state. In deliberation, the one --prepare makes: on the demo the
        # reviewer is assigned to every file that reached the jury, so no other qualifies.
        for application in (
            Application.objects.exclude(owner__email__in=[e for e in ROLES.values() if e])
            .exclude(assignments__reviewer=reviewer)
            .order_by("pk")
        ):
            self.applications.setdefault(application.state, application.pk)
        # The victim's draft (made by --prepare): staff may count drafts, never open them.
        draft = Application.objects.filter(owner=victim, state="draft").first()
        if draft is not None:
            self.applications["draft"] = draft.pk
        Attachment = get("applications", "Attachment")
        self.attachments = {
            state: Attachment.objects.filter(application_id=pk).values_list("pk", flat=True).first()
            for state, pk in self.applications.items()
        }
        Assignment = get("reviews", "Assignment")
        other = Assignment.objects.exclude(reviewer=reviewer).order_by("pk").first()
        self.assignment = other.pk if other else 999999
        Review = get("reviews", "Review")
        review = Review.objects.exclude(assignment__reviewer=reviewer).order_by("pk").first()
        self.review = review.pk if review else 999999
        self.wave = get("label", "Wave").objects.order_by("-pk").values_list("pk", flat=True)[0]
        certificate = get("certificates", "Certificate").objects.exclude(
            application__owner__email__in=[e for e in ROLES.values() if e]
        )
        self.certificate = certificate.values_list("pk", flat=True).first() or 999999
        self.user = victim.pk
        photo = get("followup", "ReportPhoto").objects.exclude(
            report__application__owner__email=HOLDER
        )
        self.photo = photo.values_list("pk", flat=True).first() or 999999
        news = get("followup", "ProjectNews").objects.exclude(status="approved")
        self.news = news.values_list("pk", flat=True).first() or 999999
        self.slug = (
            get("catalogue", "CatalogueEntry").objects.values_list("slug", flat=True).first()
            or "projet"
        )
        self.generic = {
            "committee": get("reviews", "Committee").objects.values_list("pk", flat=True).first(),
            "jury_session": get("reviews", "JurySession")
            .objects.values_list("pk", flat=True)
            .first(),
        }

    def application_ids(self):
        return sorted({pk for pk in self.applications.values() if pk})

    def state_of(self, application):
        """The state (key of `applications`) of a victim's file id, None for any other id."""
        for state, pk in self.applications.items():
            if pk == application:
                return state
        return None

    def value(self, name, parameter, application):
        """The foreign value of one URL parameter, for a route aimed at `application`."""
        attachment = self._attachment_of(application)
        table = {
            "application_pk": application,
            "attachment_pk": attachment,
            "wave_pk": self.wave,
            "photo_pk": self.photo,
            "news_pk": self.news,
            "item_pk": application,
            "panel_pk": application,
            "slug": self.slug,
            "year": 2026,
            "section": "projet",
            "action": "presence",
            "variant": "card",
            "version": 1,
            "number": 1,
            "token": "AAAA-forged-token",
            "uidb64": "MQ",
            "code": "EL10-0001-XXXX",
            "object_id": application,
            "id": self.user,
            "content_type_id": 1,
            "app_label": "applications",
            "url": "applications/application/",
        }
        if parameter == "pk":
            by_name = [
                ("certificates:", self.certificate),
                ("reviews:staff_review", self.review),
                ("reviews:review_reopen", self.review),
                ("reviews:committee", self.generic["committee"]),
                ("reviews:jury_session", self.generic["jury_session"]),
                ("reviews:review", self.assignment),
                ("reviews:engagement", self.assignment),
                ("reviews:accept", self.assignment),
                ("reviews:conflict", self.assignment),
                ("reviews:attachment", self.assignment),
                ("label:wave", self.wave),
                ("catalogue:photo", self.photo),
                ("accounts:passkey", 1),
            ]
            for prefix, value in by_name:
                if name.startswith(prefix):
                    return value if value is not None else 999999
            return application
        return table.get(parameter, 1)

    def _attachment_of(self, application):
        for state, pk in self.applications.items():
            if pk == application:
                return self.attachments.get(state) or 999999
        return 999999


def parameters_of(route):
    """The names of a route's parameters."""
    return [m.group(2) or m.group(3) for m in PARAMETER.finditer(route)]


PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def build_paths(name, route, victims):
    """The concrete paths of a route aimed at the victims' objects (one per file state when it
    takes an application)."""
    parameters = parameters_of(route)
    targets = victims.application_ids() if parameters else [None]
    paths, aimed_at = [], {}
    for application in targets:
        used = []

        def fill(match, application=application, used=used):
            parameter = match.group(2) or match.group(3)
            value = victims.value(name, parameter, application)
            if value == application and parameter in APPLICATION_PARAMETERS:
                used.append(parameter)
            return str(value)

        path = "/" + PARAMETER.sub(fill, route)
        path = path.replace("^", "").replace("$", "")
        if path not in paths:
            paths.append(path)
            # The file a path designates (not the admin's ids, which are other models').
            if used and not name.startswith("admin:"):
                aimed_at[path] = application
    return parameters, paths, aimed_at


# The parameters that designate a file when they carry its id.
APPLICATION_PARAMETERS = {"pk", "application_pk"}


# --- (a) Access control ------------------------------------------------------------------------


def part_access(results):
    django_setup()
    victims = Victims()
    patterns = url_patterns()
    findings, allowed_hits = [], {}
    browsers = {}
    for index, (role, email) in enumerate(ROLES.items()):
        browser = Browser(client_ip=f"203.0.113.{20 + index}")
        if email:
            browser.login(email, second_factor=role != "instruction_password_only")
        browsers[role] = browser
    tally = {}  # GET statuses by role and URL name, for the routes that take ids
    draft = victims.applications.get("draft")
    if "deliberation" not in victims.applications:
        raise RuntimeError("no victim in deliberation: run attack.py --prepare (serve.sh does)")
    # Every GET first, then every POST: a POST a role may legitimately send (a jury member
    # recusing themself, staff moving a file) changes what the next GETs could show.
    for method in ("GET", "POST"):
        for role, browser in browsers.items():
            for name, route in patterns:
                if name in {"accounts:logout", "admin:logout"}:
                    continue  # would end the role's session mid-run
                parameters, paths, aimed_at = build_paths(name, route, victims)
                for path in paths:
                    if method == "POST":
                        response = browser.post(path, {"confirm": "1"})
                    else:
                        response = browser.get(path)
                    status = response.status_code
                    state = victims.state_of(aimed_at.get(path))
                    if method == "GET" and parameters_of(route):
                        key = f"{role} {name}"
                        tally.setdefault(key, {}).setdefault(str(status), 0)
                        tally[key][str(status)] += 1
                    finding = {
                        "part": "access",
                        "role": role,
                        "method": method,
                        "path": path,
                        "name": name,
                        "status": status,
                    }
                    if status >= 500:
                        findings.append(finding)
                    elif method == "GET" and name in MUST_READ.get((role, state), ()):
                        if status != 200:
                            findings.append({**finding, "expected": 200, "state": state})
                        else:
                            allowed_hits.setdefault("must read", set()).add(f"{role} {name}")
                    elif status == 200 and method == "GET":
                        reason = allowed(role, name, bool(parameters))
                        if aimed_at.get(path) == draft and not PUBLIC.match(name):
                            reason = None  # the victim's draft is nobody else's, staff's neither
                        jury_off = state is not None and state not in JURY_READS
                        if role == "jury" and jury_off and not PUBLIC.match(name):
                            reason = None  # the jury reads files in deliberation, no other
                        if reason:
                            allowed_hits.setdefault(reason, set()).add(f"{role} {name}")
                        else:
                            findings.append(finding)
                    if "sessionid" not in browser.cookies and ROLES[role]:
                        # A page logged the role out (a refused second factor, a deletion):
                        # log in again so that the rest of the run still attacks as the role.
                        browser.login(
                            ROLES[role], second_factor=role != "instruction_password_only"
                        )
    requests_sent = sum(browser.count for browser in browsers.values())
    results["access"] = {
        "patterns": len(patterns),
        "roles": list(ROLES),
        "requests": requests_sent,
        "findings": findings,
        "allowed_200": {reason: sorted(hits) for reason, hits in allowed_hits.items()},
        "get_statuses_with_ids": tally,
    }


# --- (b) Hostile inputs ---------------------------------------------------------------------------

XSS = "<script>alert('xss')</script><b onmouseover=alert(1)>x</b>"
HOSTILE_VALUES = [
    XSS,
    "'; DROP TABLE applications_application; --",
    "' OR '1'='1",
    "../../../../etc/passwd",
    "..%2f..%2f..%2fetc%2fpasswd",
    "%00",
    "\x00",
    "A" * 3000,  # longer request lines are refused by gunicorn itself (4094 bytes)
    "{{ settings.SECRET_KEY }}",
    "${7*7}",
    '=HYPERLINK("http://evil.example")',
    "\u202egnp.exe",
    "9" * 40,
    "-1",
    "1e309",
    "[]",
    '{"$gt": ""}',
    "http://evil.example/",
    "//evil.example",
    "javascript:alert(1)",
]
TRAVERSALS = [
    "/static/../config/settings/base.py",
    "/static/..%2f..%2fconfig%2fsettings%2fbase.py",
    "/static/%2e%2e/%2e%2e/etc/passwd",
    "/media/../../etc/passwd",
    "/media/..%2f..%2fetc%2fpasswd",
    "/projets/..%2f..%2fetc%2fpasswd/",
    "/projets/%2e%2e%2f%2e%2e%2fetc%2fpasswd/image/card.jpg",
    "/mon-espace/candidatures/1/pieces/..%2f..%2f1/",
    "/api/projects/..%2f..%2fetc%2fpasswd",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/static/css/../../../manage.py",
    "/gestion/../../etc/passwd",
    "/" + "a/" * 500,
    "/projets/" + "x" * 5000 + "/",
]
PUBLIC_FORMS = [
    ("/comptes/connexion/", ["username", "password"]),
    ("/comptes/inscription/", ["full_name", "email", "organisation", "phone", "password1"]),
    ("/comptes/reinitialiser/", ["email"]),
    ("/comptes/debloquer/", ["email"]),
    ("/comptes/confirmation/renvoyer/", ["email"]),
]
PUBLIC_QUERIES = [
    "/projets/",
    "/projets/carte/",
    "/projets/statistiques/",
    "/api/projects",
    "/api/communes",
    "/integrer/projets/",
    "/integrer/projets.json",
    "/donnees/projets.csv",
    "/donnees/projets.json",
    "/flux/projets.atom",
    "/verifier/",
]
QUERY_KEYS = [
    "q",
    "page",
    "commune",
    "theme",
    "wave",
    "agglomeration",
    "ordering",
    "limit",
    "offset",
    "format",
    "next",
    "lang",
    "state",
    "year",
]


def part_hostile(results):
    browser = Browser(client_ip="203.0.113.90")
    findings = []
    fresh_count = [0]

    def check(response, what):
        if response.status_code >= 500:
            findings.append({"part": "hostile", "what": what, "status": response.status_code})

    for path in PUBLIC_QUERIES:
        for key in QUERY_KEYS:
            for value in HOSTILE_VALUES:
                check(browser.get(path, params={key: value}), f"GET {path}?{key}={value[:40]!r}")
    for path, fields in PUBLIC_FORMS:
        for value in HOSTILE_VALUES:
            fresh = Browser(client_ip=f"198.51.100.{len(findings) % 200 + 1}")
            check(
                fresh.post(path, {field: value for field in fields}), f"POST {path} {value[:40]!r}"
            )
            # The same with a list where a string is expected, and no CSRF token at all.
            check(
                fresh.request("POST", path, data=[(fields[0], value), (fields[0], value)]),
                f"POST {path} twice {value[:40]!r} without CSRF",
            )
            fresh_count[0] += fresh.count
    for path in TRAVERSALS:
        response = browser.get(path)
        check(response, f"GET {path[:80]}")
        if b"SECRET_KEY" in response.content or b"root:x:0:0" in response.content:
            findings.append({"part": "hostile", "what": f"traversal {path}", "status": 200})
    # Oversized bodies: a 40 MB form, a 40 MB JSON body, 20,000 fields, a huge cookie.
    big = "x" * (40 * 1024 * 1024)
    check(browser.post("/comptes/connexion/", {"username": big, "password": "x"}), "40 MB form")
    check(
        browser.request(
            "POST", "/api/projects", data=big, headers={"Content-Type": "application/json"}
        ),
        "40 MB JSON",
    )
    many = {f"f{i}": "1" for i in range(20000)}
    check(browser.post("/comptes/connexion/", many), "20,000 fields")
    check(browser.get("/projets/", headers={"Cookie": "sessionid=" + "A" * 8000}), "8 kB cookie")
    check(
        browser.get("/projets/", headers={"Cookie": "csrftoken=\x7f\x00;;=;sessionid=%%%"}),
        "malformed cookie",
    )
    check(
        browser.request(
            "POST",
            "/comptes/connexion/",
            data=b"\xff\xfe\x00garbage",
            headers={"Content-Type": "multipart/form-data; boundary=zzz"},
        ),
        "broken multipart",
    )
    check(
        browser.request(
            "POST",
            "/comptes/connexion/",
            data=b"a=%E9%ZZ&b=\xff",
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        ),
        "bad percent-encoding",
    )
    # Bad Host headers: refused (400), never a 500 nor a redirect to the forged host.
    for host in [
        "evil.example",
        "127.0.0.1:8791@evil.example",
        "",
        "a" * 300,
        "localhost:99999",
        "[::1",
        "127.0.0.1\r\nX-Injected: 1",
    ]:
        try:
            response = browser.get("/comptes/reinitialiser/", headers={"Host": host})
        except (requests.RequestException, ValueError):
            continue  # the HTTP library itself refused to send it
        check(response, f"Host {host[:40]!r}")
        if "evil.example" in response.headers.get("Location", ""):
            findings.append({"part": "hostile", "what": f"redirect to Host {host}", "status": 0})
    # Forged X-Forwarded-For: many hops, garbage, IPv6, spoofed private addresses, CRLF.
    for forged in [
        "1.2.3.4, 5.6.7.8, 9.9.9.9",
        "not-an-ip",
        "::1",
        "127.0.0.1",
        "1.1.1.1," * 200,
        "",
        "999.999.999.999",
        "[2001:db8::1]:443",
        "203.0.113.5\r\nX: y",
    ]:
        try:
            response = browser.get("/comptes/connexion/", headers={"X-Forwarded-For": forged})
        except (requests.RequestException, ValueError):
            continue
        check(response, f"XFF {forged[:40]!r}")
        if "\r" not in forged:
            forger = Browser(client_ip=forged)
            response = forger.post(
                "/comptes/connexion/", {"username": "nobody@example.org", "password": "wrong"}
            )
            fresh_count[0] += forger.count
            check(response, f"login with XFF {forged[:40]!r}")
    # Methods and content types the portal does not expect.
    for method in ["PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND"]:
        check(browser.request(method, "/projets/"), f"{method} /projets/")
        check(browser.request(method, "/api/projects"), f"{method} /api/projects")
    # Hostile uploads of tests/security/test_uploads.py are covered there (unit level);
    # the signed-in editor's upload is attacked through part (a)'s POSTs.
    results["hostile"] = {"requests": browser.count + fresh_count[0], "findings": findings}


# --- (c) Redis away ----------------------------------------------------------------------------


def part_redis(results):
    browser = Browser(base=NO_REDIS_BASE, client_ip="203.0.113.77")
    expected = {"/comptes/connexion/": 200, "/projets/": 200, "/api/projects": 200, "/sante/": 503}
    answers, findings = {}, []
    for path, status in expected.items():
        got = browser.get(path).status_code
        answers[path] = got
        if got != status:
            findings.append({"part": "redis", "path": path, "expected": status, "status": got})
    # A whole login without Redis: an applicant reaches their area.
    applicant = Browser(base=NO_REDIS_BASE, client_ip="203.0.113.78")
    applicant.login(ROLES["applicant"])
    answers["applicant login + /mon-espace/"] = applicant.get("/mon-espace/").status_code
    if answers["applicant login + /mon-espace/"] != 200:
        findings.append(
            {
                "part": "redis",
                "path": "applicant login",
                "status": answers["applicant login + /mon-espace/"],
            }
        )
    # Staff and jury: the password passes; the second-factor page fails closed (429) by design
    # (README, « Rate limits »: its counter is what stops guessing a six-digit code).
    jury = Browser(base=NO_REDIS_BASE, client_ip="203.0.113.79")
    try:
        jury.login(ROLES["jury"])
        answers["jury second factor"] = 200
    except RuntimeError:
        verify = "/comptes/double-authentification/verifier/"
        answers["jury second factor"] = jury.post(verify, {"code": "000000"}).status_code
    if answers["jury second factor"] not in (200, 429):
        findings.append(
            {"part": "redis", "path": "jury second factor", "status": answers["jury second factor"]}
        )
    browser.count += applicant.count + jury.count
    results["redis"] = {"requests": browser.count, "answers": answers, "findings": findings}


# --- Setup (run by serve.sh with the local settings, before gunicorn starts) ----------------------


def prepare():
    """Give the attack's extra accounts a password, and the victim a draft with a document and
    a file in deliberation (the attack's own database only)."""
    django_setup()
    from django.apps import apps

    from label.enums import Role
    from label.services import user_grant_role

    User = apps.get_model("label", "User")
    # A draft of the victim's (a copy of the demo applicant's draft, with its documents).
    Application = apps.get_model("applications", "Application")
    victim = User.objects.get(email=VICTIM)
    draft = Application.objects.filter(owner=victim, state="draft").first()
    if draft is None:
        draft = Application.objects.filter(owner__email=ROLES["applicant"], state="draft").first()
        draft.pk = None
        draft.id = None
        draft._state.adding = True
        draft.owner = victim
        draft.title = "Brouillon SECRET de la victime"
        draft.save()
    if not draft.attachments.exists():
        attachment = apps.get_model("applications", "Attachment").objects.order_by("pk").first()
        attachment.pk = None
        attachment.id = None
        attachment._state.adding = True
        attachment.application = draft
        attachment.save()
    _prepare_file_in_deliberation(victim)
    # The demo jury member declares their interests (none), as the jury area asks before it
    # opens files: the attack then reads what a declared member may read, and no more.
    jury = User.objects.get(email=ROLES["jury"])
    apps.get_model("reviews", "ReviewerProfile").objects.get_or_create(user=jury)
    holder = User.objects.get(email=HOLDER)
    holder.set_password(DEMO_PASSWORD)
    holder.save()
    for email, role in ((STRANGER, Role.APPLICANT), (STAFF_NOT_ENROLLED, Role.INSTRUCTION)):
        user, _created = User.objects.get_or_create(
            email=email, defaults={"full_name": email.split("@")[0], "is_active": True}
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        user_grant_role(user=user, role=Role.APPLICANT)
        user_grant_role(user=user, role=role)


def _prepare_file_in_deliberation(victim):
    """A file of the victim's in deliberation, with no reviewer assigned (the attack's own
    database only): the jury must read it, no other attacking role but instruction may.

    On the demo every file that reached the jury has the demo reviewer among its reviewers, so
    none of them is a victim (the reviewer may read its own files). This one is a copy of an
    eligible file of somebody else's, given its own reference and carried into deliberation by
    the workflow, as staff would (« retenir », then « transmettre au jury »: no assignment,
    hence no review pending).
    """
    from django.apps import apps
    from django.db.models import Max

    from applications.workflow import application_select_for_review
    from reviews.jury.services import send_to_jury

    Application = apps.get_model("applications", "Application")
    if Application.objects.filter(owner=victim, state="deliberation").exists():
        return
    attacking = [email for email in ROLES.values() if email]
    application = (
        Application.objects.filter(state="eligible")
        .exclude(owner__email__in=attacking)
        .order_by("pk")
        .first()
    )
    attachments = list(application.attachments.order_by("pk"))
    communes = list(application.communes.all())
    last = Application.objects.filter(wave_id=application.wave_id).aggregate(
        last=Max("reference_number")
    )["last"]
    application.pk = None
    application.id = None
    application._state.adding = True
    application.owner = victim
    application.title = "Dossier en délibération de la victime"
    application.reference_number = (last or 0) + 1
    application.reference = f"{application.wave.short_code}-{application.reference_number:04d}"
    application.save()
    application.communes.set(communes)
    for attachment in attachments:
        attachment.pk = None
        attachment.id = None
        attachment._state.adding = True
        attachment.application = application
        attachment.save()
    staff = apps.get_model("label", "User").objects.get(email=ROLES["instruction"])
    application = application_select_for_review(application=application, by=staff)
    send_to_jury(application=application, by=staff)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["access", "hostile", "redis"])
    parser.add_argument("--prepare", action="store_true")
    # serve.sh keeps its state there too (a scratch folder of this machine, not shared).
    parser.add_argument("--output", default="/tmp/label-sec/results.json")  # noqa: S108
    options = parser.parse_args()
    if options.prepare:
        prepare()
        return 0
    results = {}
    parts = {"access": part_access, "hostile": part_hostile, "redis": part_redis}
    for name, part in parts.items():
        if options.only in (None, name):
            started = time.time()
            part(results)
            results[name]["seconds"] = round(time.time() - started)
    Path(options.output).parent.mkdir(parents=True, exist_ok=True)
    Path(options.output).write_text(json.dumps(results, indent=2, ensure_ascii=False))
    total = sum(len(part["findings"]) for part in results.values())
    for name, part in results.items():
        print(f"{name}: {part['requests']} requests, {len(part['findings'])} findings")
        for finding in part["findings"][:50]:
            print("   ", json.dumps(finding, ensure_ascii=False))
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
