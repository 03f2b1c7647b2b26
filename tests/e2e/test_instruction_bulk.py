"""A bulk action of the staff table driven with the keyboard alone: tick two files with the
space bar, « Tout sélectionner » with Enter, choose the action, confirm, read the outcome."""

import os
from pathlib import Path

import pytest

from applications.enums import ApplicationState as S
from applications.models import Application
from tests.factories.label import WaveFactory
from tests.factories.reviews import application_in_state

# Screenshots for a person to look at, when asked: BULK_SCREENSHOTS=/tmp/bulk.
SHOTS = os.environ.get("BULK_SCREENSHOTS")


def _shoot(page, name):
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def _tab_until(page, predicate, limit=120):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(predicate):
            return
    raise AssertionError(f"No Tab stop matched {predicate}")


@pytest.mark.django_db(transaction=True)
def test_bulk_select_for_review_with_the_keyboard(page, browser_login, instruction_user):
    wave = WaveFactory(number=11)
    eligible = [application_in_state(S.ELIGIBLE, wave=wave) for _ in range(2)]
    submitted = application_in_state(S.SUBMITTED, wave=wave)
    application_in_state(S.CHANGES_REQUESTED, wave=wave)
    browser_login(page.context, instruction_user)
    page.goto("/instruction/")
    _shoot(page, "tableau")

    # « Tout sélectionner » by keyboard (Enter on the link), then untick the file not wanted.
    _tab_until(page, "() => document.activeElement.dataset.selectAll !== undefined")
    page.keyboard.press("Enter")
    assert page.locator('input[name="ids"]:checked').count() == 4
    page.keyboard.press("Enter")
    assert page.locator('input[name="ids"]:checked').count() == 0
    for application in [*eligible, submitted]:
        _tab_until(page, f"() => document.activeElement.id === 'choix-{application.pk}'")
        page.keyboard.press("Space")
    assert page.locator('input[name="ids"]:checked').count() == 3

    page.locator("#id_bulk_action").focus()
    page.keyboard.press("ArrowDown")  # the native select moves without opening
    page.locator("#id_bulk_action").select_option("select_for_review")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/instruction/actions/")
    assert "Rien n'est encore modifié" in page.content()
    _shoot(page, "confirmation")

    _tab_until(
        page,
        "() => document.activeElement.type === 'submit'"
        " && !!document.activeElement.closest('main')",
    )
    page.keyboard.press("Enter")
    page.wait_for_selector(".bulk-moved")
    _shoot(page, "resultat")

    assert [Application.objects.get(pk=a.pk).state for a in eligible] == [S.IN_REVIEW] * 2
    assert Application.objects.get(pk=submitted.pk).state == S.SUBMITTED
    refused = page.locator(".bulk-refused li").all_inner_texts()
    assert len(refused) == 1
    assert submitted.reference in refused[0]
    assert "Déposée" in refused[0]
