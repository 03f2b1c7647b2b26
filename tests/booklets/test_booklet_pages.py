"""The cahier's pages: staff generate, follow, publish and withdraw; the public downloads only
what is published."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from booklets.models import Booklet, BookletSettings, BookletStatus
from booklets.services import booklet_generate, booklet_publish, booklet_request
from label.enums import Role
from tests.booklets.conftest import announce
from tests.conftest import login
from tests.factories import UserFactory, WaveFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, instruction_user):
    return login(client, instruction_user)


@pytest.fixture
def applicant_client(client, applicant):
    return login(client, applicant)


def _ready(wave, *, published=False):
    booklet = booklet_request(wave=wave, by=None)
    booklet_generate(booklet_id=booklet.pk)
    booklet.refresh_from_db()
    if published:
        booklet = booklet_publish(booklet=booklet, by=None)
    return booklet


def _body(response):
    return b"".join(response.streaming_content)


def test_cahiers_url_is_the_booklets_page_not_a_project_slug():
    assert resolve("/projets/cahiers/").view_name == "booklets:list"


def test_staff_page_shows_the_form_the_button_and_the_versions(staff_client, announced_wave):
    _ready(announced_wave)

    response = staff_client.get(reverse("booklets:staff", args=[10]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Cahier du label de la vague 10" in page
    assert "Générer le cahier" in page
    assert reverse("booklets:staff_download", args=[10, 1]) in page
    assert reverse("booklets:publish", args=[10, 1]) in page
    assert 'name="introduction"' in page


@pytest.mark.parametrize("name", ["staff", "generate"])
def test_staff_pages_refuse_other_roles(applicant_client, announced_wave, name):
    response = (
        applicant_client.post(reverse(f"booklets:{name}", args=[10]))
        if name == "generate"
        else applicant_client.get(reverse(f"booklets:{name}", args=[10]))
    )

    assert response.status_code == 403
    assert not Booklet.objects.exists()


def test_staff_page_sends_visitors_to_the_login(client, announced_wave):
    response = client.get(reverse("booklets:staff", args=[10]))

    assert response.status_code == 302
    assert "connexion" in response["Location"] or "login" in response["Location"]


def test_staff_needs_the_second_factor(client, instruction_user, announced_wave):
    login(client, instruction_user, otp_verified=False)

    response = client.post(reverse("booklets:generate", args=[10]))

    assert response.status_code in (302, 403)
    assert not Booklet.objects.exists()


def test_introduction_is_saved_by_staff(staff_client, announced_wave):
    response = staff_client.post(
        reverse("booklets:staff", args=[10]), {"introduction": "Bienvenue dans ce cahier."}
    )

    assert response.status_code == 302
    settings_row = BookletSettings.objects.get(wave=announced_wave)
    assert settings_row.introduction == "Bienvenue dans ce cahier."


def test_generate_queues_a_version_that_the_task_makes(
    staff_client, instruction_user, wave_projects, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("booklets:generate", args=[10]))

    assert response.status_code == 302
    booklet = Booklet.objects.get()
    assert booklet.created_by == instruction_user
    assert booklet.status == BookletStatus.DONE
    status = staff_client.get(reverse("booklets:status", args=[10, 1])).json()
    assert status == {
        "version": 1,
        "status": "done",
        "status_label": "Prêt",
        "progress": 100,
        "message": "Le cahier est prêt.",
        "done": True,
    }


def test_generate_is_refused_with_a_message_before_the_announcement(staff_client, open_wave):
    response = staff_client.post(reverse("booklets:generate", args=[11]), follow=True)

    assert not Booklet.objects.exists()
    assert "une fois les résultats de la vague annoncés" in response.content.decode()


def test_generate_needs_the_csrf_token(instruction_user, announced_wave):
    client = login(Client(enforce_csrf_checks=True), instruction_user)

    response = client.post(reverse("booklets:generate", args=[10]))

    assert response.status_code == 403
    assert not Booklet.objects.exists()


def test_running_version_shows_a_progress_bar_with_its_script(staff_client, announced_wave):
    booklet = booklet_request(wave=announced_wave, by=None)
    Booklet.objects.filter(pk=booklet.pk).update(
        status=BookletStatus.RUNNING, progress=40, message="Projet 2 sur 5 préparé."
    )

    page = staff_client.get(reverse("booklets:staff", args=[10])).content.decode()

    assert '<progress id="booklet-progress-bar"' in page
    assert 'value="40"' in page
    assert 'aria-describedby="booklet-progress-message"' in page
    assert "Projet 2 sur 5 préparé." in page
    assert "js/booklets" in page
    assert "<script>" not in page  # no inline script: the content security policy forbids it
    assert reverse("booklets:status", args=[10, 1]) in page


def test_status_is_refused_to_other_roles(applicant_client, announced_wave):
    booklet_request(wave=announced_wave, by=None)

    response = applicant_client.get(reverse("booklets:status", args=[10, 1]))

    assert response.status_code == 403


def test_publish_asks_for_confirmation_then_publishes(staff_client, announced_wave):
    booklet = _ready(announced_wave)

    confirm = staff_client.get(reverse("booklets:publish", args=[10, 1]))
    booklet.refresh_from_db()
    assert confirm.status_code == 200
    assert "Publier la version 1 du cahier ?" in confirm.content.decode()
    assert booklet.published_at is None

    staff_client.post(reverse("booklets:publish", args=[10, 1]))

    booklet.refresh_from_db()
    assert booklet.published_at is not None


def test_publish_and_withdraw_are_refused_to_other_roles(applicant_client, announced_wave):
    booklet = _ready(announced_wave)

    assert applicant_client.post(reverse("booklets:publish", args=[10, 1])).status_code == 403
    booklet_publish(booklet=booklet, by=None)
    assert applicant_client.post(reverse("booklets:withdraw", args=[10, 1])).status_code == 403

    booklet.refresh_from_db()
    assert booklet.published_at is not None


def test_withdraw_takes_the_cahier_off_the_public_list(staff_client, announced_wave):
    booklet = _ready(announced_wave, published=True)

    staff_client.post(reverse("booklets:withdraw", args=[10, 1]))

    booklet.refresh_from_db()
    assert booklet.published_at is None
    assert Client().get(reverse("booklets:download", args=[10])).status_code == 404


def test_public_list_shows_only_published_cahiers(client, announced_wave):
    _ready(announced_wave)

    empty = client.get(reverse("booklets:list")).content.decode()
    assert "Aucun cahier n'est encore publié." in empty
    assert client.get(reverse("booklets:download", args=[10])).status_code == 404

    booklet = _ready(announced_wave, published=True)
    page = client.get(reverse("booklets:list")).content.decode()

    assert "Label Euralens 2026" in page
    assert reverse("booklets:download", args=[10]) in page
    assert "PDF," in page
    response = client.get(reverse("booklets:download", args=[10]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-cache"
    assert _body(response)[:5] == b"%PDF-"
    assert booklet.version == 2


def test_public_cannot_reach_unpublished_versions_through_staff_urls(client, announced_wave):
    _ready(announced_wave)

    response = client.get(reverse("booklets:staff_download", args=[10, 1]))

    assert response.status_code == 302  # the login page: staff only
    applicant = login(Client(), UserFactory(roles=[Role.APPLICANT]))
    assert applicant.get(reverse("booklets:staff_download", args=[10, 1])).status_code == 403


def test_staff_download_any_ready_version(staff_client, announced_wave):
    _ready(announced_wave)

    response = staff_client.get(reverse("booklets:staff_download", args=[10, 1]))

    assert response.status_code == 200
    assert _body(response)[:5] == b"%PDF-"
    assert response["Cache-Control"] == "private, no-store"
    assert staff_client.get(reverse("booklets:staff_download", args=[10, 9])).status_code == 404


def test_public_list_queries_do_not_grow_with_editions(
    client, announced_wave, django_assert_num_queries
):
    _ready(announced_wave, published=True)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("booklets:list"))
    count = len(one.captured_queries)

    for number in (7, 8, 9):
        _ready(announce(WaveFactory(number=number, year=2020 + number)), published=True)

    with django_assert_num_queries(count):
        response = client.get(reverse("booklets:list"))
    assert response.content.decode().count("Télécharger le cahier") == 4


def test_catalogue_list_links_to_the_cahiers(client, db):
    page = client.get(reverse("catalogue:list")).content.decode()

    assert reverse("booklets:list") in page


def test_wave_list_links_to_each_wave_cahier(staff_client, announced_wave):
    page = staff_client.get(reverse("label:wave_list")).content.decode()

    assert reverse("booklets:staff", args=[10]) in page
