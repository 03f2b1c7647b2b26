"""Two first readers of a wave without a form: the second never sees it half-built.

A wave made without the wave page (an import, a script) gets its default form on the first
read. On deadline day that first read is many applicants at once: one writes the form while
the others read it. The form and its rows are written in one transaction, so the others wait
for it whole. Only PostgreSQL runs two real connections at once (SQLite serialises writers):
skipped elsewhere, failed instead under REQUIRE_SERVICES=1 (CI's PostgreSQL leg).
"""

import os
import threading

import pytest
from django.db import connection

from callforms import declaration, defaults
from callforms.models import CallForm
from tests.factories import WaveFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql" and os.environ.get("REQUIRE_SERVICES") != "1",
        reason="concurrent connections are tested on PostgreSQL only",
    ),
]


@pytest.fixture(autouse=True)
def _postgres_required():
    """Under REQUIRE_SERVICES=1 a run on another database fails rather than passing empty."""
    assert connection.vendor == "postgresql", "REQUIRE_SERVICES=1 but no PostgreSQL database"


def test_a_reader_waits_for_the_whole_default_form(monkeypatch):
    wave = WaveFactory()
    # A wave without its form (loaded raw, e.g. from a fixture): its first readers make it.
    CallForm.objects.filter(wave=wave).delete()
    declaration.cache_clear()
    form_row_written, reader_started = threading.Event(), threading.Event()
    write_rows = defaults.form_rows_create

    def slow_rows(call_form, **models):
        # The form's row is written: let the reader come now, while the rows are not yet.
        form_row_written.set()
        reader_started.wait(timeout=5)
        threading.Event().wait(0.5)
        return write_rows(call_form, **models)

    monkeypatch.setattr(defaults, "form_rows_create", slow_rows)
    results, failures = {}, []

    def read(name):
        try:
            results[name] = declaration.form_for(wave)
        except Exception as error:  # noqa: BLE001 -- reported by the assertion below
            failures.append(error)
        finally:
            connection.close()

    writer = threading.Thread(target=read, args=("writer",))
    writer.start()
    assert form_row_written.wait(timeout=5)
    reader = threading.Thread(target=read, args=("reader",))
    reader.start()
    reader_started.set()
    writer.join(timeout=20)
    reader.join(timeout=20)

    assert failures == []
    writer_keys = [section.key for section in results["writer"].sections]
    assert len(writer_keys) == 6
    assert [section.key for section in results["reader"].sections] == writer_keys
