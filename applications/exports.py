"""Exports of the staff table to CSV and XLSX, with a registry of columns.

The applications app registers the columns of the dossier below. Other apps add their own at
start-up (in their AppConfig.ready()), e.g. the reviews app adds the scores:

    register_export_column(
        "score_mean", _("Note moyenne"), lambda application: application.score_mean,
        prefetch=lambda queryset: queryset.annotate(score_mean=Avg(...)),
    )

so that this module never imports them (imports go reviews → applications, not back).
"""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from applications.models import Attachment
from applications.rules import STAFF_VISIBLE, is_filed_state
from callforms.declaration import form_for
from callforms.kinds import kind_for
from label.enums import Agglomeration, Epci, HolderType
from label.spreadsheets import spreadsheet_safe

# format key → (label, content type, file extension)
EXPORT_FORMATS = {
    "csv": (_("CSV (tableur, séparateur point-virgule)"), "text/csv; charset=utf-8", "csv"),
    "xlsx": (
        _("Excel (XLSX)"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
}


@dataclass(frozen=True)
class ExportColumn:
    """One column of the export.

    `value_getter(application)` returns a str, number, date, datetime or None. `prefetch`
    prepares the queryset once for the whole export: a callable taking and returning the
    queryset (annotate, prefetch_related…), or a lookup / Prefetch passed to
    prefetch_related. Getters must only read what it loaded, so that an export costs the
    same number of queries whatever its length.
    """

    key: str
    label: Any
    value_getter: Any
    prefetch: Any = None
    # For a column that stands for several: expand(applications) -> [ExportColumn], called
    # once with the loaded applications (the questions of the wave's form, in form order).
    expand: Any = None

    def prepare(self, queryset):
        if self.prefetch is None:
            return queryset
        if isinstance(self.prefetch, str | Prefetch):
            return queryset.prefetch_related(self.prefetch)
        return self.prefetch(queryset)


_REGISTRY: dict[str, ExportColumn] = {}


def register_export_column(key, label, value_getter, prefetch=None, expand=None):
    """Add a column to the export (or replace the one with the same key); returns it."""
    column = ExportColumn(
        key=key, label=label, value_getter=value_getter, prefetch=prefetch, expand=expand
    )
    _REGISTRY[key] = column
    return column


def export_columns():
    """Every registered column, in the order of registration."""
    return list(_REGISTRY.values())


def export_columns_for(keys):
    """The registered columns among `keys`, in the order of registration (unknown keys ignored)."""
    wanted = set(keys or ())
    return [column for column in _REGISTRY.values() if column.key in wanted]


# Base columns: the dossier.


def _communes(application):
    if application.territory_wide:
        return str(Agglomeration.PMA.label)
    return ", ".join(commune.name for commune in application.communes.all())


def _agglomerations(application):
    if application.territory_wide:
        return str(Agglomeration.PMA.label)
    codes = sorted({commune.epci for commune in application.communes.all()})
    return ", ".join(str(Epci(code).label) for code in codes)


def _specs(applications):
    """The declaration of each wave's form among the applications (one read per wave)."""
    specs = {}
    for application in applications:
        if application.wave_id not in specs:
            specs[application.wave_id] = form_for(application.wave)
    return specs


def _with_wave_and_documents(queryset):
    return queryset.select_related("wave").prefetch_related(
        Prefetch(
            "attachments",
            queryset=Attachment.objects.filter(message__isnull=True).order_by("created_at", "pk"),
            to_attr="export_documents",
        )
    )


def _answer_columns(applications):
    """One column per question of the wave's form that is not a builtin (those have their
    own columns), in form order; a question whose kind exports several values gets several."""
    specs = _specs(applications)
    questions, seen = [], set()
    for spec in specs.values():
        for question in spec.questions():
            if not question.is_builtin and question.key not in seen:
                seen.add(question.key)
                questions.append(question)
    columns = []
    for question in questions:
        for index, header in enumerate(question.export_headers()):
            if question.is_file:
                # The documents section often repeats a question's label (« Plan de
                # financement » is a table and a document): the header says which.
                header = _("%(label)s (fichiers)") % {"label": header}
            columns.append(
                ExportColumn(
                    key=f"answer:{question.key}:{index}",
                    label=header,
                    value_getter=partial(_answer_value, specs, question.key, index),
                )
            )
    return columns


def _answer_value(specs, key, index, application):
    question = specs[application.wave_id].question(key)
    if question is None:
        return None
    if question.is_file:
        value = [d for d in getattr(application, "export_documents", []) if d.kind == key]
    else:
        value = (application.answers or {}).get(key)
    values = question.export_values(value)
    return values[index] if index < len(values) else None


def _financed_columns(applications):
    """The total of the table questions whose total must equal the project's total cost."""
    specs = _specs(applications)

    def financed(application):
        spec = specs[application.wave_id]
        answers = application.answers or {}
        totals = [
            kind_for(question.kind).total(question, answers.get(question.key))
            for question in spec.answer_questions()
            if question.options.get("total_equals") and answers.get(question.key)
        ]
        return sum(totals, Decimal("0")) if totals else None

    return [ExportColumn("financed", _("Plan de financement (€)"), financed)]


def _holder_type(application):
    return str(HolderType(application.holder_type).label) if application.holder_type else ""


register_export_column("reference", _("Référence"), lambda a: a.reference or "")
register_export_column("title", _("Titre du projet"), lambda a: a.title)
register_export_column("holder", _("Structure porteuse"), lambda a: a.holder_name)
register_export_column("holder_type", _("Type de porteur"), _holder_type)
register_export_column("contact_name", _("Personne à contacter"), lambda a: a.contact_name)
register_export_column("contact_email", _("E-mail du contact"), lambda a: a.contact_email)
register_export_column("state", _("État"), lambda a: str(a.get_state_display()))
register_export_column("communes", _("Communes"), _communes, prefetch="communes")
register_export_column("agglomeration", _("Agglomération"), _agglomerations, prefetch="communes")
register_export_column("themes", _("Thématiques"), lambda a: ", ".join(map(str, a.theme_labels)))
register_export_column("total_cost", _("Coût total (€)"), lambda a: a.total_cost)
register_export_column(
    "financed",
    _("Plan de financement (€)"),
    None,
    prefetch=lambda queryset: queryset.select_related("wave"),
    expand=_financed_columns,
)
register_export_column("submitted_at", _("Déposée le"), lambda a: a.submitted_at)
register_export_column("last_submitted_at", _("Dernier dépôt le"), lambda a: a.last_submitted_at)
register_export_column(
    "eligibility_decided_at", _("Recevabilité décidée le"), lambda a: a.eligibility_decided_at
)
register_export_column(
    "answers",
    _("Réponses au formulaire de la vague (une colonne par question)"),
    None,
    prefetch=_with_wave_and_documents,
    expand=_answer_columns,
)


# Writing the files.


def _prepare(applications, columns):
    if isinstance(applications, QuerySet):
        # Whatever query the caller built, a draft never leaves in an export (it is its
        # author's until filed).
        applications = applications.filter(STAFF_VISIBLE)
        for column in columns:
            applications = column.prepare(applications)
    return applications


def export_rows(applications, columns, progress=None):
    """The header and one row of raw values per filed application (drafts are left out).

    `progress(done, total)`, when given, is called after every tenth of the rows (and once
    at the end), so a caller that stores it costs at most ten writes whatever the length.
    """
    applications = [
        application
        for application in _prepare(applications, columns)
        if is_filed_state(getattr(application, "state", None))
    ]
    flat = []
    for column in columns:
        flat.extend(column.expand(applications) if column.expand else [column])
    yield [str(column.label) for column in flat]
    total = len(applications)
    step = max(1, -(-total // 10))
    for done, application in enumerate(applications, start=1):
        yield [column.value_getter(application) for column in flat]
        if progress is not None and (done % step == 0 or done == total):
            progress(done, total)
    if progress is not None and total == 0:
        progress(0, 0)


def _safe_text(value):
    # Applicants write the titles: a formula among them is neutralised (label/spreadsheets.py).
    return spreadsheet_safe(ILLEGAL_CHARACTERS_RE.sub("", value))


def _local(moment):
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def _csv_cell(value):
    """French spreadsheet conventions: decimal comma, day/month/year."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(_("oui") if value else _("non"))
    if isinstance(value, Decimal | float):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, datetime):
        return _local(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int):
        return str(value)
    return _safe_text(str(value))


def export_csv(applications, columns, progress=None):
    """The export as CSV bytes: UTF-8 with a byte-order mark and ";", as French Excel reads."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for index, row in enumerate(export_rows(applications, columns, progress)):
        writer.writerow(row if index == 0 else [_csv_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_cell(value):
    if value is None or isinstance(value, bool | int | float | Decimal | date):
        if isinstance(value, datetime):
            # Spreadsheets have no time zones: the local time of Paris is written.
            return _local(value).replace(tzinfo=None)
        return value
    return _safe_text(str(value))


def export_xlsx(applications, columns, progress=None):
    """The export as an XLSX workbook (bytes): a bold, frozen header row and typed cells."""
    rows = export_rows(applications, columns, progress)
    header = next(rows)
    body = [[_xlsx_cell(value) for value in row] for row in rows]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(_("Candidatures"))
    sheet.append(header)
    for row in body:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, cells in enumerate(zip(header, *body, strict=True), start=1):
        width = max(len(str(value)) for value in cells if value is not None)
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 10), 60)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, datetime):
                cell.number_format = "DD/MM/YYYY HH:MM"
            elif isinstance(cell.value, date):
                cell.number_format = "DD/MM/YYYY"
            elif isinstance(cell.value, Decimal | float):
                cell.number_format = "#,##0.00"
    sheet.freeze_panes = "A2"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def export_render(applications, columns, export_format, progress=None):
    """(bytes, content type, extension) of the export in a format of EXPORT_FORMATS."""
    _label, content_type, extension = EXPORT_FORMATS[export_format]
    render = export_xlsx if export_format == "xlsx" else export_csv
    return render(applications, columns, progress), content_type, extension
