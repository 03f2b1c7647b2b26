"""The instruction team's follow-up list: rows, alerts, filters, export, charts, query count."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from followup.enums import ReportStatus
from followup.models import Indicator, IndicatorValue, ProgressReport
from followup.reports import first_report_year
from tests.factories.certificates import labelled_application

pytestmark = pytest.mark.django_db

LIST_URL = reverse("followup:staff_list")


def sent_report(project, year, values):
    report = ProgressReport.objects.create(
        application=project, year=year, status=ReportStatus.SENT, achievements="Fait."
    )
    for name, unit, value in values:
        indicator, _ = Indicator.objects.get_or_create(application=project, name=name, unit=unit)
        IndicatorValue.objects.create(report=report, indicator=indicator, value=Decimal(value))
    return report


def test_list_shows_projects_with_alerts(staff_client, project):
    Application.objects.filter(pk=project.pk).update(
        announced_at=timezone.now() - datetime.timedelta(days=500)
    )

    page = staff_client.get(LIST_URL).content.decode()

    assert project.title in page
    assert "Rapport en retard" in page
    assert "Convention non acceptée après 60 jours" in page
    assert reverse("reviews:revoke_label", args=[project.pk]) in page


def test_recent_project_has_no_alert(staff_client, project):
    page = staff_client.get(LIST_URL).content.decode()

    assert project.title in page
    assert "Rapport en retard" not in page
    assert "Convention non acceptée" not in page


def test_list_filters_by_theme_and_agglomeration(staff_client, project):
    Application.objects.filter(pk=project.pk).update(themes=["energie"], themes_index="|energie|")

    nature = staff_client.get(LIST_URL + "?theme=nature").content.decode()
    energie = staff_client.get(LIST_URL + "?theme=energie").content.decode()
    call = staff_client.get(LIST_URL + "?agglomeration=CALL").content.decode()
    cabbalr = staff_client.get(LIST_URL + "?agglomeration=CABBALR").content.decode()

    assert project.title not in nature
    assert project.title in energie
    assert project.title in call
    assert project.title not in cabbalr


def test_export_csv_is_spreadsheet_safe(staff_client, project):
    Application.objects.filter(pk=project.pk).update(title="=HYPERLINK(1)")

    response = staff_client.get(reverse("followup:staff_export"))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][1] == "Projet"
    assert rows[1][1].startswith("'=")
    assert rows[1][5] == ""


def test_indicators_summed_by_theme_and_year_with_table(staff_client, project, roles):
    other = labelled_application()
    year = first_report_year(project)
    sent_report(project, year, [("Bénévoles", "personnes", "12")])
    sent_report(other, year, [("bénévoles", "personnes", "8"), ("Parcelles", "parcelles", "5")])

    page = staff_client.get(LIST_URL).content.decode()

    assert "<svg" in page
    assert "Indicateurs — Paysage, nature et biodiversité" in page
    assert f'{year} — Bénévoles (personnes)</th><td class="text-end">20</td>' in page


def test_holder_cannot_see_the_staff_list(holder_client, project):
    response = holder_client.get(LIST_URL)

    assert project.title not in response.content.decode()
    assert response.status_code in (302, 403)


def test_staff_list_query_count_does_not_grow(staff_client, project, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    staff_client.get(LIST_URL)  # settles the session and the caches of the first request
    with CaptureQueriesContext(connection) as one:
        staff_client.get(LIST_URL)
    for _ in range(6):
        labelled_application()
        sent_report(labelled_application(), 2030, [("Bénévoles", "personnes", "3")])

    with django_assert_num_queries(len(one)):
        response = staff_client.get(LIST_URL)
    assert response.content.decode().count('href="/instruction/suivi/projets/') == 13


def test_staff_read_a_sent_report_but_cannot_change_it(staff_client, project):
    year = first_report_year(project)
    sent_report(project, year, [("Bénévoles", "personnes", "12")])
    url = reverse("followup:report", args=[project.pk, year])

    detail = staff_client.get(reverse("followup:staff_detail", args=[project.pk])).content.decode()
    page = staff_client.get(url).content.decode()
    staff_client.post(url, {"achievements": "Réécrit par l'équipe"})

    assert url in detail
    assert "Bénévoles" in page and "12" in page
    assert ProgressReport.objects.get().achievements == "Fait."
