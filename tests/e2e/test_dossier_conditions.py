"""A question asked only for one answer of another is hidden until that answer is given
(static/js/dossier-form.js; without the script it stays shown and the server decides)."""

import pytest

from label.enums import Role
from tests.applications.test_dossier_form import add_questions
from tests.factories import ApplicationFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_a_conditional_question_appears_with_its_answer(
    browser, live_server, browser_login, roles, open_wave
):
    applicant = UserFactory(roles=[Role.APPLICANT])
    add_questions(open_wave)
    draft = ApplicationFactory(owner=applicant, wave=open_wave)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    browser_login(context, applicant)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server.url}/mon-espace/candidatures/{draft.pk}/dossier/projet/")
    address = page.locator("[name='site_address']")
    assert not address.is_visible()
    page.get_by_label("Oui").check()
    assert address.is_visible()
    page.get_by_label("Non").check()
    assert not address.is_visible()
    assert errors == []
    context.close()
