"""The dossier editor on a phone (390 × 844): the form on the first screen, every control of
the financing plan on screen (issue 11, defect 13)."""

import pytest

from tests.factories import ApplicationFactory

PHONE = {"width": 390, "height": 844}

# Where the form starts, and the horizontal extent of every control of the financing lines.
_LAYOUT = """
() => {
  const form = document.querySelector("#dossier-form");
  const controls = [...document.querySelectorAll(
    "[data-formset-row] input:not([type=hidden]), [data-formset-row] label"
  )].filter((element) => element.getClientRects().length > 0);
  return {
    formTop: form.getBoundingClientRect().top + window.scrollY,
    pageWidth: document.documentElement.scrollWidth,
    controls: controls.map((element) => {
      const box = element.getBoundingClientRect();
      return {left: box.left, right: box.right, name: element.name || element.htmlFor};
    }),
  };
}
"""


@pytest.fixture
def phone(page):
    page.set_viewport_size(PHONE)
    return page


@pytest.mark.parametrize("section", ["porteur", "projet", "budget"])
def test_dossier_form_starts_on_the_first_screen_of_a_phone(
    phone, applicant, browser_login, section
):
    # An empty draft: the longest list of what is missing above the form.
    draft = ApplicationFactory(owner=applicant)
    browser_login(phone.context, applicant)

    phone.goto(f"/mon-espace/candidatures/{draft.pk}/dossier/{section}/")

    layout = phone.evaluate(_LAYOUT)
    assert layout["formTop"] < PHONE["height"] - 100, layout["formTop"]
    assert layout["pageWidth"] <= PHONE["width"]


def test_every_financing_control_is_on_a_phone_screen(phone, applicant, browser_login):
    application = ApplicationFactory(complete=True, owner=applicant)
    browser_login(phone.context, applicant)

    phone.goto(f"/mon-espace/candidatures/{application.pk}/dossier/budget/")

    layout = phone.evaluate(_LAYOUT)
    assert layout["pageWidth"] <= PHONE["width"]
    names = {control["name"] for control in layout["controls"]}
    assert any(name.endswith("-DELETE") for name in names)
    for control in layout["controls"]:
        assert control["left"] >= 0 and control["right"] <= PHONE["width"], control
    # « Supprimer » of the first line is visible and takes a tap.
    delete = phone.get_by_label("Supprimer la ligne 1")
    delete.check()
    assert delete.is_checked()
    assert phone.get_by_text("Financeur ou source, ligne 1").is_visible()
