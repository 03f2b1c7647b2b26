"""The checkers themselves catch faults: a green accessibility run means something."""

import pytest

from tests.e2e.a11y import axe_violations, format_violations, vnu_check
from tests.e2e.test_accessibility import AXE, VNU

BROKEN_PAGE = """<!DOCTYPE html><html><head><title>x</title></head><body>
<main><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><input type="text" name="q">
<p class="faint">Texte trop pâle</p></main></body></html>"""


@pytest.mark.django_db(transaction=True)
def test_axe_reports_violations_of_a_broken_page(page, node_tool):
    page.set_content(BROKEN_PAGE)
    page.add_style_tag(content=".faint { color: #ccc; }")

    violations = axe_violations(page, node_tool(AXE))

    found = {violation["id"] for violation in violations}
    assert {"html-has-lang", "image-alt", "label", "color-contrast"} <= found
    assert "image-alt" in format_violations(violations)


def test_vnu_reports_errors_and_ignores_warnings(java, node_tool, tmp_path):
    documents = {
        "invalide": "<!DOCTYPE html><html lang=fr><head></head><body><p><div></p></body></html>",
        "valide": (
            "<!DOCTYPE html><html lang=fr><head><title>t</title></head>"
            '<body><script src="a.js" type="text/javascript"></script></body></html>'
        ),
    }

    errors = vnu_check(java, node_tool(VNU), documents, tmp_path)

    assert set(errors) == {"invalide"}
    assert any("title" in message["message"] for message in errors["invalide"])
