"""The technical admin of applicant data: read-only files, expressions of interest."""

import pytest
from django.urls import reverse

from applications import workflow
from applications.enums import ApplicationState as S
from applications.models import Application, ExpressionOfInterest
from tests.conftest import login
from tests.factories import ApplicationFactory, UserFactory


@pytest.fixture
def superuser(roles):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.mark.django_db
def test_admin_lists_expressions_of_interest_and_marks_them_handled(client, superuser):
    first = ExpressionOfInterest.objects.create(email="a@example.org", message="Recyclerie")
    ExpressionOfInterest.objects.create(email="b@example.org")
    url = reverse("admin:applications_expressionofinterest_changelist")
    login(client, superuser)

    page = client.get(url).content.decode()
    client.post(url, {"action": "mark_handled", "_selected_action": [first.pk]})

    assert "a@example.org" in page and "b@example.org" in page
    assert set(ExpressionOfInterest.objects.filter(handled=True)) == {first}


@pytest.mark.django_db
def test_admin_shows_an_application_read_only(client, superuser, applicant):
    application = ApplicationFactory(complete=True, owner=applicant, title="Ferme urbaine")
    workflow.application_submit(application=application, by=applicant)
    url = reverse("admin:applications_application_change", args=[application.pk])
    login(client, superuser)

    page = client.get(url).content.decode()
    client.post(url, {"title": "Modifié à la main"})

    application.refresh_from_db()
    assert "Ferme urbaine" in page
    assert 'name="title"' not in page
    assert application.title == "Ferme urbaine"
    assert application.state == S.SUBMITTED
    assert client.get(reverse("admin:applications_application_add")).status_code == 403
    assert Application.objects.count() == 1
