"""Project photos in a real browser (issue 15): the project page and the catalogue at 1280 and
390 px (the WebP is the one loaded, nothing jumps, the placeholder stays small on a phone),
the holder's proposal page and staff's review page; axe finds nothing on any of them.

PHOTOS_SCREENSHOTS=/tmp/photos saves screenshots at both widths for a person to look at.
"""

import os
from pathlib import Path

import pytest
from django.test import Client

from catalogue.photos import photo_approve, photo_propose
from catalogue.services import catalogue_entry_publish_from_application
from demo.photos import scene_jpeg
from label.enums import Role
from tests.conftest import login
from tests.e2e.a11y import assert_no_axe_violation, format_vnu_errors, vnu_check
from tests.factories import CatalogueEntryFactory, UserFactory
from tests.factories.certificates import labelled_application

AXE = "axe-core/axe.min.js"
VNU = "vnu-jar/build/dist/vnu.jar"
SHOTS = os.environ.get("PHOTOS_SCREENSHOTS")
WIDTHS = (1280, 390)


def _shot(page, name, width):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)


@pytest.fixture
def photographed(transactional_db):
    """A labelled project with an approved photo, a second one pending, and two without."""
    from label.services import role_groups_ensure

    role_groups_ensure()
    holder = UserFactory(roles=[Role.APPLICANT], full_name="Camille Martin")
    staff = UserFactory(roles=[Role.APPLICANT, Role.INSTRUCTION], full_name="Claire Staff")
    application = labelled_application(owner=holder, title="Jardins partagés de la cité 12")
    entry = catalogue_entry_publish_from_application(application)
    photo = photo_propose(
        entry=entry,
        by=holder,
        upload=scene_jpeg("jardins"),
        alt="Des bacs de potager plantés devant les maisons de la cité.",
        credit="Collectif des jardiniers",
        consent=True,
    )
    photo_approve(photo=photo, by=staff)
    photo_propose(
        entry=entry,
        by=holder,
        upload=scene_jpeg("ressourcerie-soir"),
        alt="Le jardin au coucher du soleil.",
        credit="Camille Martin",
        consent=True,
    )
    CatalogueEntryFactory(name="Ressourcerie du Lensois", year=2024)
    CatalogueEntryFactory(name="Vélo-école de Liévin", year=2024)
    entry.refresh_from_db()
    return {"entry": entry, "holder": holder, "staff": staff}


@pytest.mark.django_db(transaction=True)
def test_project_page_and_cards_show_the_photo_at_both_widths(
    browser, live_server, photographed, node_tool
):
    entry = photographed["entry"]
    for width in WIDTHS:
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": 900}, locale="fr-FR"
        )
        page = context.new_page()
        page.goto(entry.get_absolute_url())
        image = page.locator("figure.catalogue-entry-figure img")
        image.scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
        )
        assert ".webp" in image.evaluate("img => img.currentSrc")
        box = image.bounding_box()
        assert box["width"] <= width and abs(box["width"] / box["height"] - 1200 / 750) < 0.02
        assert (
            "© Collectif des jardiniers"
            in page.locator("figure.catalogue-entry-figure figcaption").inner_text()
        )
        _shot(page, "projet", width)
        assert_no_axe_violation(page, node_tool(AXE), f"project page at {width}px")

        page.goto("/projets/")
        placeholder = page.locator(".catalogue-initials").first
        placeholder_height = placeholder.bounding_box()["height"]
        card_image = page.locator(".catalogue-card-image").first
        card_box = card_image.bounding_box()
        if width < 576:
            # A band on a phone, not a square that fills the screen.
            assert placeholder_height <= 100
        assert abs(card_box["width"] / card_box["height"] - 1.5) < 0.02
        _shot(page, "catalogue", width)
        assert_no_axe_violation(page, node_tool(AXE), f"catalogue at {width}px")
        context.close()


@pytest.mark.django_db(transaction=True)
def test_holder_and_staff_photo_pages(browser, live_server, photographed, browser_login, node_tool):
    entry = photographed["entry"]
    for width in WIDTHS:
        for who, path in (
            ("holder", f"/mon-espace/projets/{entry.slug}/photo/"),
            ("staff", "/instruction/catalogue/photos/"),
        ):
            context = browser.new_context(
                base_url=live_server.url, viewport={"width": width, "height": 900}, locale="fr-FR"
            )
            browser_login(context, photographed[who])
            page = context.new_page()
            response = page.goto(path)
            assert response.status == 200
            _shot(page, f"photos-{who}", width)
            assert_no_axe_violation(page, node_tool(AXE), f"{who} photo page at {width}px")
            context.close()


@pytest.mark.django_db(transaction=True)
def test_photo_pages_have_no_html_error(photographed, java, node_tool, tmp_path):
    """The <picture> markup, the link-preview tags and the photo forms pass the Nu checker."""
    entry = photographed["entry"]
    holder = login(Client(), photographed["holder"])
    staff = login(Client(), photographed["staff"])
    pages = {
        "projet": Client().get(entry.get_absolute_url()),
        "projets": Client().get("/projets/"),
        "photo-porteur": holder.get(f"/mon-espace/projets/{entry.slug}/photo/"),
        "photos-instruction": staff.get("/instruction/catalogue/photos/"),
    }
    documents = {}
    for name, response in pages.items():
        assert response.status_code == 200, name
        documents[name] = response.content.decode()

    errors = vnu_check(java, node_tool(VNU), documents, tmp_path)

    assert not errors, "The Nu HTML checker found errors:\n" + format_vnu_errors(errors)
