"""The « Cahier du label » in a real browser (issue 15): staff generate it from the wave list,
publish it after the confirmation, and a visitor downloads a tagged PDF from /projets/cahiers/;
axe finds nothing on the staff page, the confirmation and the public list at 1280 and 390 px."""

from datetime import date
from pathlib import Path

import pytest

from booklets.models import Booklet
from label.enums import Role
from tests.booklets.conftest import announce
from tests.e2e.a11y import assert_no_axe_violation
from tests.factories import CatalogueEntryFactory, UserFactory, WaveFactory
from tests.label.pdf_checks import assert_tagged, pdf_text

AXE = "axe-core/axe.min.js"


@pytest.fixture
def staff(transactional_db):
    from label.services import role_groups_ensure

    role_groups_ensure()
    return UserFactory(roles=[Role.APPLICANT, Role.INSTRUCTION], full_name="Claire Staff")


@pytest.fixture
def announced(transactional_db):
    wave = WaveFactory(number=10, year=2026, edition_name="Label Euralens 2026")
    wave.ceremony_on = date(2026, 3, 29)
    wave.save(update_fields=["ceremony_on"])
    CatalogueEntryFactory(
        name="Ressourcerie du Lensois", wave_number=10, communes=["62498"], themes=["ess"]
    )
    CatalogueEntryFactory(
        name="Vélo-école de Liévin", wave_number=10, communes=["62510"], themes=["mobilites"]
    )
    return announce(wave)


@pytest.fixture
def new_context(browser, live_server):
    """Browser contexts closed at the end of the test: an open one keeps connections to the
    live server, whose threads would close their database connection after the teardown."""
    contexts = []

    def _new(**kwargs):
        context = browser.new_context(base_url=live_server.url, locale="fr-FR", **kwargs)
        contexts.append(context)
        return context

    yield _new
    for context in contexts:
        context.close()


@pytest.mark.django_db(transaction=True)
def test_staff_generate_and_publish_then_a_visitor_downloads_it(
    new_context, browser_login, staff, announced
):
    context = new_context()
    browser_login(context, staff)
    page = context.new_page()
    page.goto("/instruction/vagues/")
    page.get_by_role("link", name="Cahier du label de la vague 10").click()
    page.get_by_label("Introduction du cahier").fill("Bienvenue dans le cahier de l'édition.")
    page.get_by_role("button", name="Enregistrer l'introduction").click()
    page.get_by_role("button", name="Générer le cahier").click()

    # Tasks run in-process in tests: the version is ready when the page comes back.
    row = page.get_by_role("row").filter(has_text="Prêt")
    assert row.count() == 1
    page.get_by_role("link", name="Publier la version 1").click()
    page.get_by_role("button", name="Publier la version 1").click()
    assert page.get_by_text("La version 1 du cahier est publiée").is_visible()

    visitor = new_context().new_page()
    visitor.goto("/projets/cahiers/")
    with visitor.expect_download() as download_info:
        visitor.get_by_role("link", name="Télécharger le cahier Label Euralens 2026").click()
    content = Path(download_info.value.path()).read_bytes()

    assert download_info.value.suggested_filename == "cahier-du-label-vague-10.pdf"
    assert_tagged(content, title="Cahier du label — Label Euralens 2026")
    _reader, text = pdf_text(content)
    assert "Bienvenue dans le cahier de l'édition." in text
    assert "Ressourcerie du Lensois" in text and "Vélo-école de Liévin" in text
    assert Booklet.objects.get().published_at is not None


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 390])
def test_axe_finds_nothing_on_the_cahier_pages(
    new_context, browser_login, staff, announced, node_tool, width
):
    from booklets.services import booklet_generate, booklet_request

    booklet = booklet_request(wave=announced, by=staff)
    booklet_generate(booklet_id=booklet.pk)
    context = new_context(viewport={"width": width, "height": 900})
    browser_login(context, staff)
    page = context.new_page()
    for path in (
        "/instruction/vagues/10/cahier/",
        "/instruction/vagues/10/cahier/1/publier/",
    ):
        page.goto(path)
        assert_no_axe_violation(page, node_tool(AXE), f"{path} at {width} px")
    page.get_by_role("button", name="Publier la version 1").click()
    anonymous = new_context(viewport={"width": width, "height": 900}).new_page()
    anonymous.goto("/projets/cahiers/")
    assert_no_axe_violation(anonymous, node_tool(AXE), f"/projets/cahiers/ at {width} px")
