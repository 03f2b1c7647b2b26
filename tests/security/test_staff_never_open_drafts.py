"""Staff count drafts, never open them (issue 11, defect 7), on every staff page that takes a
file's id; found by security/attack.py (issue 17): the label revocation page opened a draft."""

import pytest
from django.urls import reverse

from applications.enums import ApplicationState
from label.enums import Role
from tests.conftest import login
from tests.factories import UserFactory
from tests.factories.reviews import application_in_state

pytestmark = pytest.mark.django_db


def test_the_revocation_page_of_a_draft_is_not_found(client, roles, open_wave):
    draft = application_in_state(ApplicationState.DRAFT, wave=open_wave, title="Brouillon SECRET")
    login(client, UserFactory(roles=[Role.INSTRUCTION]))
    url = reverse("reviews:revoke_label", args=[draft.pk])

    page = client.get(url)
    sent = client.post(url, {"motivation": "Non."})

    assert page.status_code == 404
    assert sent.status_code == 404
    assert "SECRET" not in page.content.decode()


def test_the_revocation_page_of_a_filed_file_still_opens(client, roles, open_wave):
    filed = application_in_state(ApplicationState.SUBMITTED, wave=open_wave)
    login(client, UserFactory(roles=[Role.INSTRUCTION]))

    assert client.get(reverse("reviews:revoke_label", args=[filed.pk])).status_code == 200
