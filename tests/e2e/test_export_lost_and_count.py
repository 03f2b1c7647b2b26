"""The export's page in a browser, without a reload: a job whose worker died turns into a
failure that says why and offers « Relancer »; a done job says how many rows its file holds
(both from the JSON state polled by static/js/export-progress.js)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from applications.enums import ApplicationState as S
from applications.export_jobs import EXPORT_LOST_AFTER, export_job_run
from applications.models import ExportJob, ExportStatus
from tests.factories.label import WaveFactory
from tests.factories.reviews import application_in_state


@pytest.mark.django_db(transaction=True)
def test_the_page_says_how_many_rows_once_done(page, browser_login, instruction_user):
    wave = WaveFactory(number=11)
    application_in_state(S.SUBMITTED, wave=wave, title="Ressourcerie des Provinces")
    application_in_state(S.SUBMITTED, wave=wave, title="Vélo-école de Liévin")
    job = ExportJob.objects.create(wave=wave, parameters={"format": ["csv"]})
    browser_login(page.context, instruction_user)
    page.goto(f"/instruction/export/{job.pk}/")
    assert page.locator("[data-export-rows]").text_content().strip() == ""

    export_job_run(job.pk)

    page.get_by_role("link", name="Télécharger").wait_for(state="visible", timeout=10_000)
    assert page.locator("[data-export-rows]").text_content() == "Le fichier compte 2 candidatures."


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_worker_died_offers_relancer(page, browser_login, instruction_user):
    wave = WaveFactory(number=11)
    job = ExportJob.objects.create(wave=wave, parameters={"format": ["csv"]})
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.RUNNING, progress=40, heartbeat_at=timezone.now()
    )
    browser_login(page.context, instruction_user)
    page.goto(f"/instruction/export/{job.pk}/")
    assert page.locator("progress").get_attribute("value") == "40"

    # The worker dies: the progress stops moving past the bound.
    silent_since = timezone.now() - EXPORT_LOST_AFTER - timedelta(minutes=1)
    ExportJob.objects.filter(pk=job.pk).update(heartbeat_at=silent_since)

    relancer = page.get_by_role("button", name="Relancer")
    relancer.wait_for(state="visible", timeout=10_000)
    assert (
        "service de tâches a sans doute été redémarré"
        in page.locator("[data-export-error]").text_content()
    )
    assert not page.get_by_role("link", name="Actualiser").is_visible()
