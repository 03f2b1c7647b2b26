"""Browser tests: Playwright driving Debian's Chromium against a live Django server.

Playwright's own browser download does not work on our machines, so the tests use the
system Chromium at /usr/bin/chromium. Without it (or without the npm tools of
`package.json`) the tests skip on a developer's machine and fail in CI, where they must
never be skipped.
"""

import os
import shutil
import tempfile
from pathlib import Path

import factory.random
import pytest
from django.conf import settings
from django.test import Client

from tests.conftest import login

CHROMIUM = Path("/usr/bin/chromium")
REPO_ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = REPO_ROOT / "node_modules"
# The README's captures are refreshed only on request (UPDATE_SCREENSHOTS=1), so that a browser
# run does not change tracked files; otherwise they go to a scratch folder for a person to look at.
SCREENSHOTS_DIR = (
    REPO_ROOT / "docs" / "screenshots"
    if os.environ.get("UPDATE_SCREENSHOTS")
    else Path(os.environ.get("SCREENSHOTS_SCRATCH", tempfile.gettempdir()))
    / "label-euralens-screenshots"
)
VIEWPORT = {"width": 1280, "height": 800}

CHROMIUM_ARGS = [
    # The CI containers run as root, where Chromium's sandbox cannot start.
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Nothing but the live server may be contacted: no updates, no sync, no telemetry.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def in_ci():
    """True when the suite runs in CI (CI=true), where browser tests may never be skipped."""
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def require(condition, reason):
    """Skip the test locally, fail it in CI, when a tool of the browser tests is missing."""
    if condition:
        return
    if in_ci():
        pytest.fail(f"{reason} (CI is set: browser tests may not be skipped)", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(config, items):
    """Mark the browser tests and run them after all the others.

    The session-wide Playwright instance keeps an asyncio loop registered as running in the
    main thread once it has started; running the browser tests last means no other test ever
    sees that loop (Django refuses ORM calls when it believes it is in async code).
    """
    here = Path(__file__).parent
    browser_tests, others = [], []
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.e2e)
            browser_tests.append(item)
        else:
            others.append(item)
    items[:] = others + browser_tests


@pytest.fixture(scope="session")
def browser_type_launch_args():
    """Launch Debian's Chromium, headless, with every background service turned off."""
    require(
        CHROMIUM.exists(),
        f"{CHROMIUM} is missing: install Debian's chromium package to run the browser tests",
    )
    return {"executable_path": str(CHROMIUM), "headless": True, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's live server, started once the test database exists.

    The server shares the test database connection only if that connection points to the
    test database when the server starts; started earlier (pytest may set up our
    session fixtures first), its threads would open connections of their own and leak them.
    """
    return live_server


@pytest.fixture(scope="session")
def base_url(live_server):
    """Pages are opened by path (`page.goto("/comptes/connexion/")`) on the live server.

    Defining it here also replaces pytest-playwright's fallback fixture, a method-style
    session fixture that pytest 9 warns about (and warnings are errors in this suite).
    """
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A French desktop visitor, so LocaleMiddleware serves French and screenshots match."""
    return {**browser_context_args, "viewport": VIEWPORT, "locale": "fr-FR"}


@pytest.fixture(scope="session")
def playwright(playwright):
    """Playwright's session, with Django's async-safety check relaxed while it lives.

    The sync API runs Playwright's asyncio loop in a greenlet of the main thread, so
    asyncio reports a running loop to the test body and Django raises
    SynchronousOnlyOperation on any ORM call (creating users, reading the outbox, the
    flush between transactional tests). Nothing here is really asynchronous: the live
    server answers from its own thread.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield playwright


@pytest.fixture(autouse=True)
def _stable_fake_data():
    """Same Faker names on every run, so the committed screenshots only change with the UI."""
    factory.random.reseed_random("label-euralens-e2e")


@pytest.fixture
def node_tool():
    """Path of a file installed by `npm ci` (axe-core, vnu-jar)."""

    def _path(relative):
        path = NODE_MODULES / relative
        require(path.exists(), f"{path} is missing: run `npm ci` at the repository root")
        return path

    return _path


@pytest.fixture
def browser_login(live_server):
    """Log a user into a browser context by giving it a fresh session cookie.

    Faster than the login form, which has its own test; the session is made by Django's
    test client with the plain model backend, as tests.conftest.login does.
    """

    def _login(context, user):
        client = Client()
        login(client, user)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )

    return _login


@pytest.fixture
def java():
    """The java executable that runs the Nu HTML checker."""
    path = shutil.which("java")
    require(path is not None, "java is missing: install a Java 17 runtime for the Nu checker")
    return path
