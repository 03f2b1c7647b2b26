"""The export's page in a browser: the bar follows the task without a reload (the JSON state
polled by static/js/export-progress.js), then « Télécharger » takes the focus and the file."""

import os
from pathlib import Path

import pytest

from applications.enums import ApplicationState as S
from applications.export_jobs import export_job_run
from applications.models import ExportJob
from tests.factories.label import WaveFactory
from tests.factories.reviews import application_in_state

# Screenshots for a person to look at, when asked: EXPORT_SCREENSHOTS=/tmp/export.
SHOTS = os.environ.get("EXPORT_SCREENSHOTS")


def _shoot(page, name):
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.django_db(transaction=True)
def test_the_bar_follows_the_task_then_the_file_downloads(page, browser_login, instruction_user):
    wave = WaveFactory(number=11)
    application_in_state(S.SUBMITTED, wave=wave, title="Ressourcerie des Provinces")
    # Recorded but not yet run, as when the worker is busy.
    job = ExportJob.objects.create(wave=wave, parameters={"format": ["csv"]})
    browser_login(page.context, instruction_user)
    page.goto(f"/instruction/export/{job.pk}/")

    assert page.locator("progress").get_attribute("value") == "0"
    assert page.get_by_role("link", name="Actualiser").is_visible()
    assert not page.get_by_role("link", name="Télécharger").is_visible()
    _shoot(page, "export-en-attente")

    export_job_run(job.pk)

    download_link = page.get_by_role("link", name="Télécharger")
    download_link.wait_for(state="visible", timeout=10_000)
    assert page.locator("progress").get_attribute("aria-valuenow") == "100"
    assert not page.get_by_role("link", name="Actualiser").is_visible()
    assert page.evaluate("document.activeElement.textContent.trim()") == "Télécharger"
    _shoot(page, "export-termine")
    with page.expect_download() as download:
        download_link.click()
    content = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    assert "Ressourcerie des Provinces" in content
    assert download.value.suggested_filename.startswith("candidatures-EL11-")
