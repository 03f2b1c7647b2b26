"""Keyboard use: skip link, visible focus, forms completed with the keyboard alone."""

import pytest

from applications.enums import ApplicationState, Transition
from applications.models import ApplicationEvent
from label.models import OutboxMail, User
from tests.conftest import DEMO_PASSWORD
from tests.factories import ApplicationFactory

# What a keyboard user sees of the element that has the focus.
_FOCUSED = """
() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  return {
    index: Array.prototype.indexOf.call(document.querySelectorAll("*"), element),
    tag: element.tagName.toLowerCase(),
    id: element.id,
    name: element.getAttribute("name"),
    href: element.getAttribute("href"),
    text: (element.innerText || element.value || "").trim(),
    inMain: element.closest("main") !== null,
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
    visible: box.width > 1 && box.height > 1,
  };
}
"""


def focused(page):
    return page.evaluate(_FOCUSED)


def assert_focus_visible(element):
    """The focused control is drawn on screen with a solid outline of at least 2 px."""
    assert element["visible"], element
    assert element["outlineStyle"] not in {"none", "hidden"}, element
    assert element["outlineWidth"] >= 2, element


def tab_to(page, name, limit=40):
    """Press Tab until the field `name` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page)["name"] == name:
            return
    raise AssertionError(f"No Tab stop reached the field {name!r} in {limit} presses")


@pytest.mark.django_db(transaction=True)
def test_skip_link_is_first_tab_stop_and_moves_focus_to_main(page):
    page.goto("/")

    page.keyboard.press("Tab")
    skip_link = focused(page)
    page.keyboard.press("Enter")
    target = focused(page)
    page.keyboard.press("Tab")
    after = focused(page)

    assert skip_link["href"] == "#contenu"
    assert skip_link["text"] == "Aller au contenu"
    assert_focus_visible(skip_link)
    assert (target["tag"], target["id"]) == ("main", "contenu")
    assert after["inMain"], "the next Tab stop after the skip link is not in the content"


@pytest.mark.django_db(transaction=True)
def test_focus_is_visible_on_every_tab_stop_of_login_page(page):
    page.goto("/comptes/connexion/")

    # Tab round the whole page once: the walk starts in the autofocused field and ends when
    # a control comes back; the document itself (between last and first) is no stop.
    stops, seen = [], set()
    for _ in range(80):
        page.keyboard.press("Tab")
        element = focused(page)
        if element["index"] in seen:
            break
        if element["tag"] != "body":
            seen.add(element["index"])
            stops.append(element)

    assert {"a", "button", "input"} <= {stop["tag"] for stop in stops}
    assert {"username", "password"} <= {stop["name"] for stop in stops}
    # The language is chosen by a link per language (a GET the public page cache allows).
    assert any("/langue/" in (stop["href"] or "") for stop in stops)
    assert "#contenu" in {stop["href"] for stop in stops}
    for stop in stops:
        assert_focus_visible(stop)


@pytest.mark.django_db(transaction=True)
def test_sign_up_with_keyboard_alone_creates_account(page):
    page.goto("/comptes/inscription/")

    tab_to(page, "full_name")
    assert_focus_visible(focused(page))
    page.keyboard.type("Camille Lefebvre")
    for name, value in [
        ("email", "camille.lefebvre@example.org"),
        ("organisation", "Association Les Jardins de Loos"),
        ("phone", "03 21 00 00 00"),
        ("password1", "un-mot-de-passe-solide-2026"),
        ("password2", "un-mot-de-passe-solide-2026"),
    ]:
        page.keyboard.press("Tab")
        element = focused(page)
        assert element["name"] == name
        assert_focus_visible(element)
        page.keyboard.type(value)
    page.keyboard.press("Shift+Tab")
    back = focused(page)["name"]
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert back == "password1"
    assert page.locator("h1").inner_text() == "Consultez votre messagerie"
    user = User.objects.get(email="camille.lefebvre@example.org")
    assert (user.full_name, user.organisation, user.is_active) == (
        "Camille Lefebvre",
        "Association Les Jardins de Loos",
        False,
    )
    assert user.check_password("un-mot-de-passe-solide-2026")
    assert OutboxMail.objects.filter(to=user.email, template="account_confirm").count() == 1


@pytest.mark.django_db(transaction=True)
def test_error_summary_takes_focus_and_its_links_lead_to_fields(page):
    page.goto("/comptes/inscription/")
    tab_to(page, "email")
    page.keyboard.type("pas-une-adresse")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    on_arrival = focused(page)
    for _ in range(10):
        page.keyboard.press("Tab")
        if focused(page)["href"] == "#id_email":
            break
    page.keyboard.press("Enter")
    field = focused(page)

    assert on_arrival["id"] == "resume-erreurs"
    assert field["name"] == "email"
    assert_focus_visible(field)
    assert not User.objects.filter(email="pas-une-adresse").exists()


@pytest.mark.django_db(transaction=True)
def test_failed_login_focuses_error_summary_not_the_autofocus_field(page, applicant):
    page.goto("/comptes/connexion/")
    page.keyboard.type(applicant.email)
    page.keyboard.press("Tab")
    page.keyboard.type("pas-le-bon-mot-de-passe")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert focused(page)["id"] == "resume-erreurs"
    assert page.url.endswith("/comptes/connexion/")


@pytest.mark.django_db(transaction=True)
def test_login_form_with_keyboard_opens_the_applicants_space(page, applicant):
    page.goto("/comptes/connexion/")

    start = focused(page)["name"]
    page.keyboard.type(applicant.email)
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert start == "username", "the e-mail field does not have the focus on arrival"
    # Each role lands where its work is: an applicant in « Mon espace » (issue 11).
    assert page.url.endswith("/mon-espace/")
    assert page.locator("h1").inner_text() == "Mon espace"
    applicant.refresh_from_db()
    assert applicant.last_login is not None


# --- The applicant's submission with the keyboard alone (issue 7, point 3) --------------------

# What a keyboard user sees of the focus: the outline, and Bootstrap's focus ring, which some
# controls draw as a box-shadow instead of an outline.
_FOCUS_RING = """
() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  return {
    tag: element.tagName.toLowerCase(),
    id: element.id,
    href: element.getAttribute("href"),
    text: (element.innerText || element.value || "").trim(),
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
    boxShadow: style.boxShadow,
    visible: box.width > 1 && box.height > 1,
  };
}
"""


def focus_ring(page):
    return page.evaluate(_FOCUS_RING)


def assert_focus_ring(element):
    """The focused control is on screen with an outline of 2 px or more, or a focus shadow."""
    outline = element["outlineStyle"] not in {"none", "hidden"} and element["outlineWidth"] >= 2
    shadow = element["boxShadow"] not in {"", "none"}
    assert element["visible"], element
    assert outline or shadow, f"no visible focus on {element}"


def press_until(page, key, wanted, limit=80):
    """Press `key` (Tab or Shift+Tab) until `wanted(element)`; every stop shows its focus.

    Returns the stops passed through, the last one being the wanted control.
    """
    stops = []
    for _ in range(limit):
        page.keyboard.press(key)
        element = focus_ring(page)
        if element["tag"] == "body":
            continue
        assert_focus_ring(element)
        stops.append(element)
        if wanted(element):
            return stops
    raise AssertionError(f"{key} reached no wanted control in {limit} presses: {stops[-5:]}")


def with_text(text):
    return lambda element: element["text"] == text


@pytest.mark.django_db(transaction=True)
def test_submission_with_keyboard_alone_files_the_dossier(page, applicant, browser_login):
    """From the list of « Mon espace » to the filed dossier: Tab, Shift+Tab, Enter, Space."""
    draft = ApplicationFactory(complete=True, owner=applicant)
    browser_login(page.context, applicant)
    page.goto("/mon-espace/")

    # The skip link, then the file's link in the table.
    stops = press_until(page, "Tab", lambda element: element["href"] == "#contenu")
    page.keyboard.press("Enter")
    stops += press_until(page, "Tab", with_text(draft.title))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # The file's page, then its confirmation page.
    stops += press_until(page, "Tab", with_text("Vérifier et déposer le dossier"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    heading = page.locator("h1").inner_text()
    # Past the button to « Annuler », back to the button, which Space presses.
    stops += press_until(page, "Tab", with_text("Annuler"))
    stops += press_until(page, "Shift+Tab", with_text("Déposer définitivement le dossier"))
    with page.expect_navigation():
        page.keyboard.press("Space")

    draft.refresh_from_db()
    assert heading == "Déposer le dossier"
    assert draft.state == ApplicationState.SUBMITTED
    assert draft.reference
    event = ApplicationEvent.objects.filter(application=draft).latest("created_at", "pk")
    assert (event.transition, event.actor) == (Transition.SUBMIT, applicant)
    assert OutboxMail.objects.filter(to=applicant.email, template="application_event").count() == 1
    assert page.locator("main").get_by_text(draft.reference).first.is_visible()
    assert {"a", "button"} <= {stop["tag"] for stop in stops}
