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
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from applications.rules import STAFF_VISIBLE, is_filed_state
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

    def prepare(self, queryset):
        if self.prefetch is None:
            return queryset
        if isinstance(self.prefetch, str | Prefetch):
            return queryset.prefetch_related(self.prefetch)
        return self.prefetch(queryset)


_REGISTRY: dict[str, ExportColumn] = {}


def register_export_column(key, label, value_getter, prefetch=None):
    """Add a column to the export (or replace the one with the same key); returns it."""
    column = ExportColumn(key=key, label=label, value_getter=value_getter, prefetch=prefetch)
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


def _financed(application):
    lines = application.financing_lines.all()
    return sum((line.amount for line in lines), Decimal("0")) if lines else None


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
register_export_column("stage", _("État d'avancement"), lambda a: str(a.get_stage_display()))
register_export_column("total_cost", _("Coût total (€)"), lambda a: a.total_cost)
register_export_column(
    "financed", _("Plan de financement (€)"), _financed, prefetch="financing_lines"
)
register_export_column("submitted_at", _("Déposée le"), lambda a: a.submitted_at)
register_export_column("last_submitted_at", _("Dernier dépôt le"), lambda a: a.last_submitted_at)
register_export_column(
    "eligibility_decided_at", _("Recevabilité décidée le"), lambda a: a.eligibility_decided_at
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


def export_rows(applications, columns):
    """The header and one row of raw values per filed application (drafts are left out)."""
    yield [str(column.label) for column in columns]
    for application in _prepare(applications, columns):
        if not is_filed_state(getattr(application, "state", None)):
            continue
        yield [column.value_getter(application) for column in columns]


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


def export_csv(applications, columns):
    """The export as CSV bytes: UTF-8 with a byte-order mark and ";", as French Excel reads."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for index, row in enumerate(export_rows(applications, columns)):
        writer.writerow(row if index == 0 else [_csv_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_cell(value):
    if value is None or isinstance(value, bool | int | float | Decimal | date):
        if isinstance(value, datetime):
            # Spreadsheets have no time zones: the local time of Paris is written.
            return _local(value).replace(tzinfo=None)
        return value
    return _safe_text(str(value))


def export_xlsx(applications, columns):
    """The export as an XLSX workbook (bytes): a bold, frozen header row and typed cells."""
    rows = export_rows(applications, columns)
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


def export_render(applications, columns, export_format):
    """(bytes, content type, extension) of the export in a format of EXPORT_FORMATS."""
    _label, content_type, extension = EXPORT_FORMATS[export_format]
    render = export_xlsx if export_format == "xlsx" else export_csv
    return render(applications, columns), content_type, extension
