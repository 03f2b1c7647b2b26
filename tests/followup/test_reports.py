"""Yearly progress reports: indicators, drafts with autosave, sending, photos, reminders."""

import datetime
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from applications.enums import ApplicationState
from applications.models import Application
from followup.enums import ReportStatus
from followup.models import Indicator, IndicatorValue, ProgressReport, ReportPhoto
from followup.reports import (
    first_report_year,
    report_schedule_get,
    report_status_for_application,
    reports_remind,
)
from followup.tasks import task_remind_reports
from label.models import OutboxMail
from tests.conftest import login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def indicators(project):
    return [
        Indicator.objects.create(
            application=project, name="Parcelles attribuées", unit="parcelles"
        ),
        Indicator.objects.create(application=project, name="Bénévoles", unit="personnes"),
    ]


def report_url(project, year=None):
    return reverse("followup:report", args=[project.pk, year or first_report_year(project)])


def png_upload(size=(2400, 1600), name="jardin.png"):
    buffer = BytesIO()
    Image.new("RGB", size, (40, 120, 60)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_holder_adds_indicator_with_unit(holder_client, project):
    holder_client.post(
        reverse("followup:indicator_create", args=[project.pk]),
        {"indicator-name": "Tonnes de CO₂ évitées", "indicator-unit": "t"},
    )

    assert list(Indicator.objects.values_list("name", "unit")) == [("Tonnes de CO₂ évitées", "t")]


def test_holder_files_report_with_two_indicators(holder_client, project, instruction_user):
    plots, volunteers = indicators(project)
    data = {
        "achievements": "Deux friches aménagées.",
        "difficulties": "Sécheresse.",
        f"indicator_{plots.pk}": "24",
        f"indicator_{volunteers.pk}": "37,5",
        "send": "1",
    }

    holder_client.post(report_url(project), data)

    report = ProgressReport.objects.get(application=project)
    assert report.status == ReportStatus.SENT
    assert report.sent_at is not None
    values = dict(IndicatorValue.objects.values_list("indicator__name", "value"))
    assert values == {"Parcelles attribuées": 24, "Bénévoles": 37.5}
    mail = OutboxMail.objects.get(template="followup_report_sent")
    assert mail.to == instruction_user.email


def test_indicator_value_refuses_text(holder_client, project):
    plots, _volunteers = indicators(project)

    response = holder_client.post(
        report_url(project),
        {"achievements": "x", f"indicator_{plots.pk}": "beaucoup", "send": "1"},
    )

    assert response.status_code == 400
    assert f'href="#id_indicator_{plots.pk}"' in response.content.decode()
    assert not IndicatorValue.objects.exists()
    assert not ProgressReport.objects.filter(status=ReportStatus.SENT).exists()


def test_autosave_keeps_draft(holder_client, project):
    plots, _volunteers = indicators(project)

    response = holder_client.post(
        report_url(project),
        {"achievements": "En cours de rédaction", f"indicator_{plots.pk}": "3"},
        HTTP_X_AUTOSAVE="1",
    )

    assert response.json() == {"saved": True}
    report = ProgressReport.objects.get(application=project)
    assert report.status == ReportStatus.DRAFT
    assert report.achievements == "En cours de rédaction"
    assert IndicatorValue.objects.get(report=report).value == 3


def test_autosave_with_text_in_a_number_saves_nothing(holder_client, project):
    plots, _volunteers = indicators(project)

    response = holder_client.post(
        report_url(project),
        {"achievements": "Texte", f"indicator_{plots.pk}": "douze"},
        HTTP_X_AUTOSAVE="1",
    )

    assert response.json()["saved"] is False
    assert not IndicatorValue.objects.exists()


def test_sent_report_cannot_be_changed(holder_client, project):
    holder_client.post(report_url(project), {"achievements": "Fait.", "send": "1"})

    holder_client.post(report_url(project), {"achievements": "Changé après coup"})

    assert ProgressReport.objects.get().achievements == "Fait."


def test_report_cannot_be_sent_empty(holder_client, project):
    holder_client.post(report_url(project), {"achievements": "", "send": "1"})

    assert ProgressReport.objects.get().status == ReportStatus.DRAFT


@pytest.mark.parametrize("state", [ApplicationState.REVOKED, ApplicationState.WITHDRAWN])
def test_report_refused_for_revoked_or_withdrawn_label(holder_client, project, state):
    Application.objects.filter(pk=project.pk).update(state=state)

    response = holder_client.post(report_url(project), {"achievements": "Fait.", "send": "1"})

    assert response.status_code in (403, 404)
    assert not ProgressReport.objects.filter(status=ReportStatus.SENT).exists()


def test_photo_is_resized_and_served_only_to_holder_and_staff(
    holder_client, project, client, instruction_user, roles
):
    holder_client.get(report_url(project))

    holder_client.post(
        reverse("followup:report_photo", args=[project.pk, first_report_year(project)]),
        {"image": png_upload(), "alt_text": "Des bénévoles plantent des salades", "consent": "on"},
    )

    photo = ReportPhoto.objects.get()
    with photo.image.open("rb") as stored, Image.open(stored) as picture:
        assert picture.format == "JPEG"
        assert max(picture.size) == 1200
    url = reverse("followup:photo_file", args=[photo.pk])
    response = holder_client.get(url)
    served = b"".join(response.streaming_content)
    assert served.startswith(b"\xff\xd8")
    login(client, UserFactory())
    assert client.get(url).status_code == 404


def test_photo_without_consent_or_not_an_image_is_refused(holder_client, project):
    url = reverse("followup:report_photo", args=[project.pk, first_report_year(project)])
    holder_client.post(url, {"image": png_upload(), "alt_text": "Une photo"})
    fake = SimpleUploadedFile("photo.png", b"%PDF-1.4 not an image", content_type="image/png")
    holder_client.post(url, {"image": fake, "alt_text": "Une photo", "consent": "on"})

    assert not ReportPhoto.objects.exists()


def test_reminders_a_month_and_a_week_before_once_each(project):
    year = first_report_year(project)
    schedule = report_schedule_get(project.wave)
    due = datetime.date(year, schedule.due_month, schedule.due_day)

    assert reports_remind(on=due - datetime.timedelta(days=40)) == 0
    assert reports_remind(on=due - datetime.timedelta(days=30)) == 1
    assert reports_remind(on=due - datetime.timedelta(days=29)) == 0
    assert reports_remind(on=due - datetime.timedelta(days=7)) == 1
    assert reports_remind(on=due - datetime.timedelta(days=6)) == 0

    mails = OutboxMail.objects.filter(template="followup_report_reminder")
    assert mails.count() == 2
    assert {mail.to for mail in mails} == {project.owner.email}


def test_no_reminder_for_a_report_already_sent(holder_client, project):
    year = first_report_year(project)
    holder_client.post(report_url(project), {"achievements": "Fait.", "send": "1"})
    schedule = report_schedule_get(project.wave)
    due_next = datetime.date(year, schedule.due_month, schedule.due_day)

    assert reports_remind(on=due_next - datetime.timedelta(days=7)) == 0


def test_beat_task_is_registered_and_runs(project):
    assert task_remind_reports.name == "followup.remind_reports"
    assert task_remind_reports.apply().get() == 0


def test_late_report_is_flagged(project):
    year = first_report_year(project)
    schedule = report_schedule_get(project.wave)
    due = datetime.date(year, schedule.due_month, schedule.due_day)

    assert report_status_for_application(project, on=due)["report_late"] is False
    assert report_status_for_application(project, on=due + datetime.timedelta(days=1))[
        "report_late"
    ]
