"""The public verification page of a certificate, and the rate limiter that guards it."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from applications.enums import ApplicationState
from applications.models import Application
from certificates.services import certificate_get_valid_for_token, certificate_issue
from label.enums import Award
from label.ratelimit import parse_rate, ratelimit
from tests.factories.certificates import labelled_application, rendered_certificate

pytestmark = pytest.mark.django_db

CEREMONY = datetime(2026, 11, 12, 18, 0, tzinfo=UTC)


def _verify(client, certificate_or_token, **extra):
    token = getattr(certificate_or_token, "token", certificate_or_token)
    return client.get(reverse("certificates:verify", args=[token]), **extra)


def test_verification_of_a_valid_certificate_states_what_it_certifies(client):
    application = labelled_application(announced_at=CEREMONY)
    certificate = rendered_certificate(application)

    response = _verify(client, certificate)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Certificat valide" in page
    assert "Label retiré" not in page
    for shown in (
        application.title,
        application.holder_name,
        "Label Euralens",
        "Vague 11 — Label Euralens 2026",
        "12 novembre 2026",
        certificate.number,
        "Version 1",
    ):
        assert shown in page.replace("&#x27;", "'")
    assert response["Cache-Control"] == "no-cache"
    assert response["X-Robots-Tag"] == "noindex"


def test_verification_shows_no_personal_data(client):
    application = labelled_application()
    certificate = rendered_certificate(application)

    page = _verify(client, certificate).content.decode()

    for private in (
        application.owner.email,
        application.contact_name,
        application.contact_email,
        application.contact_phone,
        application.address,
        str(application.total_cost),
        certificate.reason or "motif-absent",
    ):
        assert private not in page


def test_verification_of_a_label_espoirs(client):
    certificate = rendered_certificate(labelled_application(award=Award.ESPOIRS))

    page = _verify(client, certificate).content.decode()

    assert "Label Espoirs" in page
    assert "Certificat valide" in page


def test_verification_after_revocation_says_label_withdrawn_and_when(client):
    application = labelled_application()
    certificate = rendered_certificate(application)
    Application.objects.filter(pk=application.pk).update(
        state=ApplicationState.REVOKED, revoked_at=datetime(2027, 3, 3, 10, 0, tzinfo=UTC)
    )

    response = _verify(client, certificate)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Label retiré le 3 mars 2027" in page
    assert "Certificat valide" not in page
    assert certificate_get_valid_for_token(certificate.token) is None


def test_verification_of_an_unknown_token_is_the_french_404_page(client):
    rendered_certificate()

    response = _verify(client, "jeton-inconnu-" + "x" * 30)

    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_verification_after_reissue_shows_the_version_in_force(client):
    application = labelled_application()
    first = rendered_certificate(application)
    second = rendered_certificate(application, reason="Titre corrigé")

    page = _verify(client, first.token).content.decode()

    assert second.token == first.token  # the QR code printed on version 1 still works
    assert "Version 2" in page
    assert certificate_get_valid_for_token(first.token) == second


def test_verification_of_a_certificate_not_rendered_yet_is_already_valid(client):
    certificate = certificate_issue(application=labelled_application())

    page = _verify(client, certificate).content.decode()

    assert "Certificat valide" in page


def test_verification_refuses_other_methods(client):
    certificate = rendered_certificate()

    response = client.post(reverse("certificates:verify", args=[certificate.token]))

    assert response.status_code == 405


def test_verification_is_rate_limited_per_address(client):
    certificate = rendered_certificate()

    answers = [_verify(client, certificate).status_code for _ in range(30)]
    limited = _verify(client, certificate)
    other_address = _verify(client, certificate, REMOTE_ADDR="192.0.2.7")

    assert answers == [200] * 30
    assert limited.status_code == 429
    assert "Trop de requêtes" in limited.content.decode()
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert other_address.status_code == 200


def test_verification_rate_limit_counts_unknown_tokens_too(client):
    for _ in range(30):
        _verify(client, "inconnu")

    assert _verify(client, "inconnu").status_code == 429


def test_verification_rate_limit_opens_again_in_the_next_window(client):
    certificate = rendered_certificate()
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(minutes=1)

    with time_machine.travel(start, tick=False):
        for _ in range(31):
            _verify(client, certificate)
        assert _verify(client, certificate).status_code == 429
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert _verify(client, certificate).status_code == 200


# The limiter itself, reusable by other views


def test_ratelimit_parse_rate_reads_count_and_period():
    assert parse_rate("30/m") == (30, 60)
    assert parse_rate("5/s") == (5, 1)
    assert parse_rate("100/h") == (100, 3600)
    with pytest.raises(ValueError, match="Invalid rate"):
        parse_rate("30 per minute")


def test_ratelimit_keeps_separate_counters_per_view():
    factory = RequestFactory()

    @ratelimit(key="ip", rate="2/m")
    def first(request):
        return HttpResponse("un")

    @ratelimit(key="ip", rate="2/m")
    def second(request):
        return HttpResponse("deux")

    codes_first = [first(factory.get("/")).status_code for _ in range(3)]
    code_second = second(factory.get("/")).status_code

    assert codes_first == [200, 200, 429]
    assert code_second == 200


def test_ratelimit_by_user_counts_each_account(roles):
    from django.contrib.auth.models import AnonymousUser

    from tests.factories import UserFactory

    factory = RequestFactory()

    @ratelimit(key="user", rate="1/m")
    def view(request):
        return HttpResponse("ok")

    def request_as(user):
        request = factory.get("/")
        request.user = user
        return request

    alice, bob = UserFactory(), UserFactory()

    assert view(request_as(alice)).status_code == 200
    assert view(request_as(alice)).status_code == 429
    assert view(request_as(bob)).status_code == 200
    assert view(request_as(AnonymousUser())).status_code == 200


def test_ratelimit_can_be_turned_off(settings):
    settings.RATELIMIT_ENABLED = False
    factory = RequestFactory()

    @ratelimit(key="ip", rate="1/m")
    def view(request):
        return HttpResponse("ok")

    assert [view(factory.get("/")).status_code for _ in range(3)] == [200, 200, 200]
