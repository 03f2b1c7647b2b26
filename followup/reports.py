"""The yearly progress reports: when they are due, drafts, sending, photos and reminders."""

import datetime
import hashlib
from io import BytesIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from applications.enums import ApplicationState
from applications.models import Application
from applications.uploads import check_upload
from followup.enums import ReportStatus
from followup.models import (
    Indicator,
    IndicatorValue,
    ProgressReport,
    ReportPhoto,
    ReportReminder,
    ReportSchedule,
)
from followup.services import _notify_staff
from label.dates import PARIS
from label.services import outbox_enqueue

# Reports are asked for a month, then a week, before their date (once each).
REMINDERS = (("month", 30), ("week", 7))
# The pages show a photo at most 1200 px wide; Pillow re-encodes it (dropping EXIF data).
PHOTO_MAX_SIZE = (1200, 1200)
PHOTO_EXTENSIONS = {"png", "jpg"}


def today():
    return timezone.localdate(timezone.now(), PARIS)


def report_schedule_get(wave):
    """The report calendar of a wave, created with the default date (31 March) if missing."""
    schedule, _created = ReportSchedule.objects.get_or_create(wave=wave)
    return schedule


def first_report_year(application):
    """Reports start the year after the label was announced."""
    announced = application.announced_at or application.wave.results_announced_at
    year = timezone.localtime(announced, PARIS).year if announced else application.wave.year
    return year + 1


def report_due_date(application, year, schedule=None):
    """The date the report of `year` is due, from the wave's calendar."""
    schedule = schedule or report_schedule_get(application.wave)
    day = min(schedule.due_day, 28) if schedule.due_month == 2 else schedule.due_day
    return datetime.date(year, schedule.due_month, day)


def next_report_due(application, sent_years, schedule=None):
    """(year, due date) of the first report not sent yet."""
    year = first_report_year(application)
    while year in sent_years:
        year += 1
    return year, report_due_date(application, year, schedule)


def _check_holder(application, by):
    # A revoked or withdrawn label files nothing more: act_as_holder asks for LABELLED.
    if not by.has_perm("followup.act_as_holder", application):
        raise PermissionDenied


@transaction.atomic
def indicator_add(*, application, by, name, unit):
    """The holder adds an indicator with its unit."""
    _check_holder(application, by)
    return Indicator.objects.create(application=application, name=name.strip(), unit=unit.strip())


def report_get_or_create_draft(*, application, year, by):
    """The report of a year, created as a draft for the holder if there is none yet."""
    _check_holder(application, by)
    try:
        report, _created = ProgressReport.objects.get_or_create(application=application, year=year)
    except IntegrityError:
        report = ProgressReport.objects.get(application=application, year=year)
    return report


@transaction.atomic
def report_save_draft(*, report, by, achievements, difficulties, values):
    """Save a draft (the form, or its autosave): texts and the indicators' numbers.

    ``values`` maps indicator ids to a Decimal, or None to clear it. A sent report is not
    changed any more.
    """
    report = (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related("application")
        .get(pk=report.pk)
    )
    _check_holder(report.application, by)
    if report.status != ReportStatus.DRAFT:
        raise ValidationError(_("Ce rapport est déjà envoyé : il ne peut plus être modifié."))
    report.achievements = achievements
    report.difficulties = difficulties
    report.save(update_fields=["achievements", "difficulties", "updated_at"])
    indicators = set(
        Indicator.objects.filter(application=report.application).values_list("pk", flat=True)
    )
    for indicator_id, value in values.items():
        if indicator_id not in indicators:
            continue
        if value is None:
            IndicatorValue.objects.filter(report=report, indicator_id=indicator_id).delete()
        else:
            IndicatorValue.objects.update_or_create(
                report=report, indicator_id=indicator_id, defaults={"value": value}
            )
    return report


@transaction.atomic
def report_send(*, report, by):
    """The holder sends the report: it is no longer a draft; the team is told by mail."""
    report = (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related("application")
        .get(pk=report.pk)
    )
    _check_holder(report.application, by)
    if report.status != ReportStatus.DRAFT:
        raise ValidationError(_("Ce rapport est déjà envoyé."))
    if not report.achievements.strip():
        raise ValidationError(_("Décrivez ce qui a été réalisé avant d'envoyer le rapport."))
    report.status = ReportStatus.SENT
    report.sent_at = timezone.now()
    report.sent_by = by
    report.save(update_fields=["status", "sent_at", "sent_by", "updated_at"])
    _notify_staff(
        template="followup_report_sent",
        context={"application": report.application, "report": report},
    )
    return report


def _resized_jpeg(upload):
    upload.seek(0)
    try:
        with Image.open(upload) as picture:
            picture = ImageOps.exif_transpose(picture).convert("RGB")
            picture.thumbnail(PHOTO_MAX_SIZE, Image.Resampling.LANCZOS)
            output = BytesIO()
            picture.save(output, format="JPEG", quality=85, optimize=True)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ValidationError(_("Le fichier n'est pas une image lisible.")) from error
    return output.getvalue()


@transaction.atomic
def report_photo_add(*, report, by, upload, alt_text, consent):
    """Add a photo to a draft report: checked like an attachment, then resized by Pillow."""
    _check_holder(report.application, by)
    if report.status != ReportStatus.DRAFT:
        raise ValidationError(_("Ce rapport est déjà envoyé : il ne peut plus être modifié."))
    if not consent:
        raise ValidationError(_("Une photo ne peut être ajoutée sans le consentement indiqué."))
    checked = check_upload(upload)
    if checked.extension not in PHOTO_EXTENSIONS:
        raise ValidationError(_("Seules les photos JPEG ou PNG sont acceptées."))
    content = _resized_jpeg(upload)
    photo = ReportPhoto(
        report=report,
        alt_text=alt_text.strip(),
        consent=True,
        sha256=hashlib.sha256(content).hexdigest(),
    )
    photo.image.save("photo.jpg", ContentFile(content), save=False)
    photo.save()
    return photo


def reports_remind(*, on=None):
    """Mail the holders whose report is due in a month or a week; each reminder once.

    Called by the beat (followup/tasks.py) every day. A reminder row, unique per project,
    year and kind, is written in the same transaction as the mail: a second run sends
    nothing. Returns the number of mails queued.
    """
    on = on or today()
    count = 0
    applications = Application.objects.filter(state=ApplicationState.LABELLED).select_related(
        "wave", "owner"
    )
    for application in applications:
        sent_years = set(
            ProgressReport.objects.filter(
                application=application, status=ReportStatus.SENT
            ).values_list("year", flat=True)
        )
        year, due = next_report_due(application, sent_years)
        days_left = (due - on).days
        kind = next(
            (
                name
                for name, days in sorted(REMINDERS, key=lambda r: r[1])
                if 0 <= days_left <= days
            ),
            None,
        )
        if kind is None:
            continue
        with transaction.atomic():
            _reminder, created = ReportReminder.objects.get_or_create(
                application=application, year=year, kind=kind
            )
            if not created:
                continue
            owner = application.owner
            outbox_enqueue(
                to=owner.email,
                recipient=owner,
                template="followup_report_reminder",
                context={"application": application, "year": year, "due": due, "kind": kind},
            )
            count += 1
    return count


def report_status_for_application(application, *, on=None):
    """The reports of a project, the next one due and whether it is late."""
    reports = list(ProgressReport.objects.filter(application=application).order_by("-year"))
    sent_years = {report.year for report in reports if report.status == ReportStatus.SENT}
    year, due = next_report_due(application, sent_years)
    on = on or today()
    return {
        "reports": reports,
        "next_report_year": year,
        "next_report_due": due,
        "report_late": due < on,
    }
