"""Exports of the staff table: CSV and XLSX parsed back, chosen columns, filters, registry."""

import csv
import io
from datetime import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Value
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from applications import export_jobs, exports
from applications.enums import ApplicationState as S
from applications.exports import export_columns_for, export_csv, register_export_column
from applications.models import Application, ExportJob, ExportStatus
from callforms.declaration import form_for
from tests.applications.test_instruction_dashboard import BETHUNE, LENS, staff_application
from tests.conftest import login

URL = reverse("applications:instruction_export")


@pytest.fixture
def staff_client(client, instruction_user):
    return login(client, instruction_user)


@pytest.fixture
def scratch_column():
    """Registers a column for one test, then puts the registry back as it was."""
    saved = dict(exports._REGISTRY)

    def register(key, *args, **kwargs):
        assert key not in saved, "a scratch column must not replace another app's column"
        return register_export_column(key, *args, **kwargs)

    yield register
    exports._REGISTRY.clear()
    exports._REGISTRY.update(saved)


def export(client, params=None, url=URL):
    """Ask for an export as the dashboard does, let the (eager) task write it, download it.

    The download's body is in `content_bytes`. Other test modules use it too.
    """
    with TestCase.captureOnCommitCallbacks(execute=True):
        asked = client.post(url, params or {})
    job = ExportJob.objects.latest("pk")
    assert asked.status_code == 302
    assert asked["Location"] == reverse("applications:instruction_job", kwargs={"pk": job.pk})
    job.refresh_from_db()
    assert (job.status, job.progress) == (ExportStatus.DONE, 100)
    response = client.get(
        reverse("applications:instruction_export_download", kwargs={"pk": job.pk})
    )
    assert response.status_code == 200
    response.content_bytes = b"".join(response.streaming_content)
    return response


def parse_csv(response):
    raw = response.content_bytes
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 byte-order mark for French Excel"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def parse_xlsx(response):
    sheet = load_workbook(io.BytesIO(response.content_bytes)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_csv_export_has_the_chosen_columns_and_french_conventions(staff_client, open_wave):
    staff_application(
        open_wave,
        number=1,
        title="Écoquartier des Provinces",
        holder_name="Ville de Béthune",
        communes=[BETHUNE, LENS],
        total_cost=Decimal("20000.50"),
    )

    response = export(
        staff_client, {"format": "csv", "columns": ["reference", "title", "communes", "total_cost"]}
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="candidatures-EL11-' in response["Content-Disposition"]
    rows = parse_csv(response)
    assert rows == [
        ["Référence", "Titre du projet", "Communes", "Coût total (€)"],
        ["EL11-0001", "Écoquartier des Provinces", "Béthune, Lens", "20000,50"],
    ]


def test_xlsx_export_has_typed_cells_and_the_chosen_columns(staff_client, open_wave):
    application = staff_application(open_wave, number=4, title="Ressourcerie")
    Application.objects.filter(pk=application.pk).update(
        submitted_at=datetime.fromisoformat("2026-04-02T10:30:00+02:00")
    )

    response = export(
        staff_client,
        {"format": "xlsx", "columns": ["submitted_at", "reference", "financed", "agglomeration"]},
    )

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = parse_xlsx(response)
    # Columns come in the registry's order, whatever the order of the request.
    assert rows[0] == ["Référence", "Agglomération", "Plan de financement (€)", "Déposée le"]
    assert rows[1][0] == "EL11-0004"
    assert rows[1][1] == "CA de Lens-Liévin"
    assert Decimal(str(rows[1][2])) == Decimal("20000")
    assert rows[1][3] == datetime(2026, 4, 2, 10, 30)  # Paris local time, naive


def test_export_applies_the_current_filters_and_search(staff_client, open_wave):
    staff_application(open_wave, number=1, title="Jardins de Béthune", themes=["nature"])
    staff_application(open_wave, number=2, title="Jardins de Lens", themes=["energie"])
    staff_application(open_wave, number=3, title="Bethune mobilités", state=S.ELIGIBLE)

    response = export(
        staff_client,
        {"format": "csv", "columns": ["title"], "q": "béthune", "state": S.SUBMITTED},
    )

    assert parse_csv(response) == [["Titre du projet"], ["Jardins de Béthune"]]


def test_export_of_the_chosen_wave_only(staff_client, open_wave):
    from datetime import timedelta

    from tests.factories import WaveFactory

    older = WaveFactory(
        number=10,
        opens_at=open_wave.opens_at - timedelta(days=400),
        closes_at=open_wave.opens_at - timedelta(days=300),
    )
    staff_application(open_wave, title="Onzième")
    staff_application(older, title="Dixième")

    response = export(staff_client, {"wave": "10", "columns": ["title"]})

    assert parse_csv(response) == [["Titre du projet"], ["Dixième"]]


def test_export_ignores_unknown_columns_and_formats(staff_client, open_wave):
    staff_application(open_wave, number=1)

    response = export(staff_client, {"format": "pdf", "columns": ["password", "reference"]})

    assert parse_csv(response) == [["Référence"], ["EL11-0001"]]


def test_export_without_columns_gives_every_column(staff_client, open_wave):
    staff_application(open_wave, number=1)

    rows = parse_csv(export(staff_client))

    # Every registered column, the « answers » one standing for one column per question of
    # the wave's form that is not a builtin, in form order.
    questions = [q for q in form_for(open_wave).questions() if not q.is_builtin]
    assert len(rows[0]) == len(exports.export_columns()) - 1 + len(questions)
    start = rows[0].index(questions[0].label)
    assert rows[0][start : start + len(questions)] == [
        f"{q.label} (fichiers)" if q.is_file else q.label for q in questions
    ]
    assert len(rows) == 2


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_export_neutralises_formulas_written_by_applicants(staff_client, open_wave, export_format):
    staff_application(open_wave, title='=HYPERLINK("http://evil.example","clic")')

    response = export(staff_client, {"format": export_format, "columns": ["title"]})

    rows = parse_csv(response) if export_format == "csv" else parse_xlsx(response)
    assert rows[1][0] == '\'=HYPERLINK("http://evil.example","clic")'


def test_registered_column_is_offered_and_exported_with_its_prefetch(
    staff_client, open_wave, scratch_column
):
    scratch_column(
        "scratch_score",
        "Colonne d'essai",
        lambda application: application.scratch_score,
        prefetch=lambda queryset: queryset.annotate(scratch_score=Value(Decimal("72.5"))),
    )
    staff_application(open_wave, number=1)

    dashboard = staff_client.get(reverse("applications:instruction_home"))
    response = export(staff_client, {"columns": ["reference", "scratch_score"]})

    assert 'value="scratch_score"' in dashboard.content.decode()
    assert parse_csv(response) == [["Référence", "Colonne d'essai"], ["EL11-0001", "72,50"]]


def test_registering_a_key_again_replaces_the_column(scratch_column):
    scratch_column("scratch", "Avant", lambda application: 1)
    scratch_column("scratch", "Après", lambda application: 2)

    (column,) = export_columns_for(["scratch"])

    assert str(column.label) == "Après"


BASE_KEYS = [
    "reference",
    "title",
    "holder",
    "state",
    "communes",
    "agglomeration",
    "themes",
    "total_cost",
    "financed",
]


def _run_export(wave, parameters):
    job = ExportJob.objects.create(wave=wave, parameters=parameters, format="csv")
    with CaptureQueriesContext(connection) as queries:
        export_jobs.export_job_run(job.pk)
    job.refresh_from_db()
    return job, queries


@pytest.mark.parametrize("count", [10, 60])
def test_export_task_query_count_does_not_grow(open_wave, django_assert_num_queries, count):
    for number in range(1, count + 1):
        staff_application(open_wave, number=number)
    _run_export(open_wave, {})  # warm the caches (the wave's form, the communes)
    job = ExportJob.objects.create(wave=open_wave, parameters={"columns": BASE_KEYS}, format="xlsx")
    # take the job, read it, the communes of the filter form, rows, their communes, the
    # sections of the wave's form (financing total), ten progress writes (one per tenth of
    # the rows), the file's row
    with django_assert_num_queries(17):
        export_jobs.export_job_run(job.pk)

    job.refresh_from_db()
    assert (job.status, job.progress, job.row_count) == (ExportStatus.DONE, 100, count)


def test_export_of_every_registered_column_costs_the_same_for_10_or_60(open_wave):
    """Columns added by other apps (the review scores) must prefetch too."""
    for number in range(1, 11):
        staff_application(open_wave, number=number)
    _run_export(open_wave, {"format": ["csv"]})  # warm the caches (the wave's form)
    _job, few = _run_export(open_wave, {"format": ["csv"]})
    for number in range(11, 61):
        staff_application(open_wave, number=number)
    job, many = _run_export(open_wave, {"format": ["csv"]})

    assert job.row_count == 60
    assert len(many.captured_queries) == len(few.captured_queries)


def test_csv_cells_follow_french_conventions():
    rows = list(
        csv.reader(
            io.StringIO(
                export_csv(
                    [type("Row", (), {"a": None, "b": True, "c": 3, "d": 1.5})()],
                    [
                        exports.ExportColumn("a", "A", lambda row: row.a),
                        exports.ExportColumn("b", "B", lambda row: row.b),
                        exports.ExportColumn("c", "C", lambda row: row.c),
                        exports.ExportColumn("d", "D", lambda row: row.d),
                    ],
                ).decode("utf-8-sig")
            ),
            delimiter=";",
        )
    )

    assert rows == [["A", "B", "C", "D"], ["", "oui", "3", "1,50"]]


def test_export_gives_a_question_staff_added_its_column_in_form_order(staff_client, open_wave):
    from callforms.models import CallForm, Question, Section

    form_for(open_wave)
    section = Section.objects.get(form__wave=open_wave, key="projet")
    Question.objects.create(
        section=section, position=100, key="budget_public", label="Budget public", kind="amount"
    )
    Question.objects.create(
        section=section, position=101, key="has_site", label="Un lieu ?", kind="yesno"
    )
    call_form = CallForm.objects.get(wave=open_wave)
    call_form.version += 1
    call_form.save()
    application = staff_application(open_wave, number=1)
    Application.objects.filter(pk=application.pk).update(
        answers={**application.answers, "budget_public": "1500.50", "has_site": True}
    )

    rows = parse_csv(export(staff_client, {"columns": ["reference", "answers"]}))

    header = rows[0]
    # « projet » questions in form order: the new ones after « État d'avancement ».
    assert header.index("Budget public") == header.index("État d'avancement") + 1
    assert header.index("Un lieu ?") == header.index("Budget public") + 1
    values = dict(zip(header, rows[1], strict=True))
    assert values["Budget public"] == "1500,50"
    assert values["Un lieu ?"] == "oui"
    assert values["Plan de financement"].startswith("Financeur ou source : Région")
    # A file question's column names its documents (its header says it is files).
    assert values["Plan de financement (fichiers)"] == "plan-de-financement.pdf"
