"""The accessibility statement says what the footer says, and names the checks really run."""

import re

import pytest


@pytest.mark.django_db
def test_accessibility_statement_and_footer_state_same_conformance(client):
    home = client.get("/").content.decode()
    statement = client.get("/accessibilite/").content.decode()

    footer_status = re.search(r"Accessibilité : ([^<]+)</a>", home).group(1).strip()
    assert footer_status == "non conforme"
    assert f"<strong>{footer_status}</strong>" in statement
    for tool in ("axe-core", "Nu HTML Checker", "Playwright"):
        assert tool in statement
