"""Every page type of pages.PAGES passes axe-core (WCAG 2.0/2.1 A and AA) and the Nu checker."""

import pytest
from django.test import Client

from tests.conftest import login
from tests.e2e.a11y import assert_no_axe_violation, format_vnu_errors, vnu_check
from tests.e2e.conftest import SCREENSHOTS_DIR
from tests.e2e.pages import PAGES

AXE = "axe-core/axe.min.js"
VNU = "vnu-jar/build/dist/vnu.jar"
NARROW = {"width": 320, "height": 640}


def _submit_form(page, form):
    """Fill the fields by name, submit their form with its own button; return the response."""
    for name, value in form.items():
        page.locator(f"main [name='{name}']").fill(value)
    first = page.locator(f"main [name='{next(iter(form))}']")
    with page.expect_navigation() as navigation:
        first.locator("xpath=ancestor::form").locator("[type=submit]").click()
    return navigation.value


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("case", PAGES, ids=[case.name for case in PAGES])
def test_page_has_no_accessibility_violation(case, request, page, browser_login, node_tool):
    """axe-core finds nothing at desktop and phone widths; no CSP violation; no h-scroll."""
    axe = node_tool(AXE)
    user, path = case.prepare(request)
    if user is not None:
        browser_login(page.context, user)
    csp_errors = []
    page.on(
        "console",
        lambda message: (
            csp_errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    if case.serve is not None:
        served = case.serve()
        page.route(
            f"**{path}",
            lambda route: route.fulfill(
                status=served.status_code,
                headers=dict(served.headers),
                body=served.content,
            ),
        )

    response = page.goto(path)
    if case.form:
        response = _submit_form(page, case.form)

    assert response.status == case.status
    assert page.locator("h1").count() == 1
    if case.screenshot:
        SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS_DIR / f"{case.name}.png")
    assert_no_axe_violation(page, axe, label=case.name)
    # Reflow (WCAG 1.4.10): at 320 CSS pixels, as on a phone or at 400 % zoom, nothing
    # needs horizontal scrolling, and the collapsed menu passes the rules as well.
    page.set_viewport_size(NARROW)
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    assert_no_axe_violation(page, axe, label=f"{case.name} (320 px)")
    assert not csp_errors, "The content security policy blocked:\n" + "\n".join(csp_errors)


@pytest.mark.django_db
def test_pages_have_no_html_error(request, java, node_tool, tmp_path):
    """The HTML served for every page type passes the Nu HTML checker (warnings allowed).

    The pages are fetched with Django's test client and checked in one run of the
    checker, whose Java start-up is the slow part.
    """
    vnu = node_tool(VNU)
    documents = {}
    for case in PAGES:
        user, path = case.prepare(request)
        if case.serve is not None:
            response = case.serve()
        else:
            client = Client()
            if user is not None:
                login(client, user)
            response = client.post(path, case.form) if case.form else client.get(path)
        assert response.status_code == case.status, case.name
        documents[case.name] = response.content.decode()

    errors = vnu_check(java, vnu, documents, tmp_path)

    assert not errors, "The Nu HTML checker found errors:\n" + format_vnu_errors(errors)
