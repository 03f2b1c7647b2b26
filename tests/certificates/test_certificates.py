"""Certificates: issue and numbering, the PDF read back, the QR code, idempotent rendering,
crashes and retries, re-issue, the wave's ZIP and who may download what."""

import base64
import hashlib
import io
import re
import shutil
import subprocess
import threading
import time
import zipfile
from datetime import UTC, datetime, timedelta
from unittest import mock

import pypdf
import pytest
import segno
import time_machine
import weasyprint
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from weasyprint.urls import URLFetchingError

from applications.enums import ApplicationState
from applications.models import Application
from certificates import services as services
from certificates.models import Certificate, CertificateStatus
from certificates.services import (
    certificate_issue,
    certificate_qr_code,
    certificate_render,
    certificate_sweep,
    certificate_verification_url,
)
from certificates.tasks import task_render_certificate
from label.enums import Award, Role
from label.pdf import LocalStaticFetcher
from tests.conftest import login
from tests.factories import UserFactory, WaveFactory
from tests.factories.certificates import labelled_application, rendered_certificate

pytestmark = pytest.mark.django_db

# 12 November 2026, 19:00 in Paris: the evening of the ceremony.
CEREMONY = datetime(2026, 11, 12, 18, 0, tzinfo=UTC)
A4_LANDSCAPE = (841.89, 595.28)


def _certificate_files(settings):
    folder = settings.MEDIA_ROOT / "certificats"
    return sorted(folder.iterdir()) if folder.exists() else []


def _pdf_bytes(certificate):
    with certificate.file.open("rb") as handle:
        return handle.read()


def _text(pdf_bytes):
    reader = pypdf.PdfReader(io.BytesIO(pdf_bytes))
    return "\n".join(page.extract_text() for page in reader.pages)


def _run(*command):
    # A fixed local tool found by shutil.which, on files of the test's own folder.
    return subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603


def _decode_qr(image):
    """The text of the QR code in an image, read by zbarimg (Debian's zbar-tools)."""
    return _run(shutil.which("zbarimg"), "--quiet", "--raw", str(image)).stdout.strip()


def _in_state(application, state, **fields):
    Application.objects.filter(pk=application.pk).update(state=state, **fields)
    application.refresh_from_db()
    return application


# Issue and numbering


def test_certificate_issue_numbers_the_projects_of_a_wave_in_order():
    first = labelled_application(announced_at=CEREMONY)
    second = labelled_application(announced_at=CEREMONY)

    one = certificate_issue(application=first)
    two = certificate_issue(application=second)

    assert (one.number, two.number) == ("LE-2026-11-001", "LE-2026-11-002")
    assert (one.version, one.status) == (1, CertificateStatus.PENDING)
    assert one.file.name.startswith("certificats/") and one.file.name.endswith(".pdf")
    assert one.file.name != two.file.name


def test_certificate_issue_numbers_each_wave_from_one():
    wave_12 = WaveFactory(
        number=12,
        year=2027,
        opens_at=timezone.now() + timedelta(days=400),
        closes_at=timezone.now() + timedelta(days=500),
    )
    certificate_issue(application=labelled_application(announced_at=CEREMONY))

    other = certificate_issue(application=labelled_application(wave=wave_12))

    # The number carries the year of the wave's edition, whenever the file was announced.
    assert other.number == "LE-2027-12-001"


def test_certificate_issue_refuses_an_application_that_is_not_labelled():
    application = labelled_application()
    _in_state(application, ApplicationState.DEFERRED, award="")

    with pytest.raises(ValidationError):
        certificate_issue(application=application)

    assert not Certificate.objects.exists()


def test_certificate_issue_again_without_reason_returns_the_version_in_force():
    application = labelled_application()
    first = certificate_issue(application=application)

    again = certificate_issue(application=application)

    assert again.pk == first.pk
    assert Certificate.objects.count() == 1


def test_certificate_token_carries_at_least_128_random_bits():
    tokens = [certificate_issue(application=labelled_application()).token for _ in range(5)]

    for token in tokens:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        assert len(raw) * 8 >= 128
        assert re.fullmatch(r"[A-Za-z0-9_-]+", token)
    assert len(set(tokens)) == len(tokens)


def test_certificate_rendering_is_scheduled_on_commit_only(django_capture_on_commit_callbacks):
    application = labelled_application()

    with django_capture_on_commit_callbacks() as callbacks:
        certificate = certificate_issue(application=application)
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.PENDING  # nothing ran before the commit
    for callback in callbacks:
        callback()

    certificate.refresh_from_db()
    assert len(callbacks) == 1
    assert certificate.status == CertificateStatus.RENDERED


def test_certificate_issue_rolled_back_leaves_no_row_and_queues_nothing(
    django_capture_on_commit_callbacks,
):
    application = labelled_application()

    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        certificate_issue(application=application)
        raise RuntimeError("the announcement failed")

    assert callbacks == []
    assert not Certificate.objects.exists()


def test_certificate_issued_while_the_broker_is_down_is_rendered_by_the_sweep(
    django_capture_on_commit_callbacks, settings
):
    application = labelled_application()
    with (
        mock.patch.object(task_render_certificate, "delay", side_effect=OSError("no broker")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        certificate = certificate_issue(application=application)
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.PENDING

    assert certificate_sweep() == 0  # too recent: its task may still be on its way
    later = timezone.now() + timedelta(seconds=settings.CERTIFICATE_SWEEP_AFTER + 1)
    with time_machine.travel(later):
        swept = certificate_sweep()

    certificate.refresh_from_db()
    assert swept == 1
    assert certificate.status == CertificateStatus.RENDERED


# The PDF


def test_certificate_pdf_states_the_label_and_reads_back():
    application = labelled_application(announced_at=CEREMONY)
    certificate = rendered_certificate(application)
    content = _pdf_bytes(certificate)
    reader = pypdf.PdfReader(io.BytesIO(content))
    text = _text(content)
    url = certificate_verification_url(certificate)

    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A4_LANDSCAPE, abs=1)
    assert certificate.number in text
    assert application.title in text
    assert application.holder_name in text
    assert "Label Euralens" in text
    assert "Lens" in text
    assert "Vague 11 — Label Euralens 2026, décerné le" in text
    assert "12 novembre 2026" in text
    assert application.wave.signatory_name in " ".join(text.split())
    assert url in text
    assert url == f"http://127.0.0.1:8000/verifier/{certificate.token}/"
    assert hashlib.sha256(content).hexdigest() == certificate.sha256


def test_certificate_pdf_is_pdf_a_3a_with_title_language_and_embedded_fonts():
    certificate = rendered_certificate()
    reader = pypdf.PdfReader(io.BytesIO(_pdf_bytes(certificate)))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()

    assert certificate.number in reader.metadata.title
    assert root["/Lang"] == "fr"
    assert 'pdfaid:part="3"' in xmp
    assert 'pdfaid:conformance="A"' in xmp
    assert "/OutputIntents" in root
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert fonts
    for font in fonts.values():
        descendant = font.get_object()["/DescendantFonts"][0].get_object()
        assert "DejaVu" in descendant["/BaseFont"]
        assert "/FontFile2" in descendant["/FontDescriptor"].get_object()


def test_certificate_pdf_of_label_espoirs_for_the_whole_territory():
    application = labelled_application(award=Award.ESPOIRS)
    Application.objects.filter(pk=application.pk).update(territory_wide=True)
    application.communes.clear()

    text = " ".join(_text(_pdf_bytes(rendered_certificate(application))).split())

    assert "Label Espoirs" in text
    assert "tout le territoire du Pôle Métropolitain de l'Artois" in text


def test_certificate_pdf_keeps_a_long_title_and_many_communes_on_one_page():
    from label.models import Commune

    application = labelled_application()
    Application.objects.filter(pk=application.pk).update(title="Transition " * 18)
    application.communes.set(Commune.objects.order_by("name")[:40])

    reader = pypdf.PdfReader(io.BytesIO(_pdf_bytes(rendered_certificate(application))))

    assert len(reader.pages) == 1


def test_certificate_pdf_is_rendered_with_the_local_only_url_fetcher():
    certificate = certificate_issue(application=labelled_application())

    with mock.patch("label.pdf.HTML", wraps=weasyprint.HTML) as html:
        certificate_render(certificate_id=certificate.pk)

    fetcher = html.call_args.kwargs["url_fetcher"]
    assert isinstance(fetcher, LocalStaticFetcher)
    with pytest.raises(URLFetchingError):
        fetcher.fetch("https://example.org/logo.png")
    with pytest.raises(URLFetchingError):
        fetcher.fetch("file:///etc/passwd")


# The QR code


def test_certificate_qr_code_encodes_the_verification_url():
    certificate = certificate_issue(application=labelled_application())
    url = certificate_verification_url(certificate)
    expected = segno.make(url, error="m", boost_error=False)

    context = services.certificate_pdf_context(certificate)
    qr = certificate_qr_code(url)

    assert context["verification_url"] == url
    assert qr.matrix == expected.matrix
    assert qr.designator == expected.designator
    # The SVG in the PDF is the one of that URL, and of no other (one character differs).
    assert context["qr_svg"] == expected.svg_inline(scale=3, border=0, dark="#000")
    assert context["qr_svg"] != certificate_qr_code(url[:-2] + "x/").svg_inline(
        scale=3, border=0, dark="#000"
    )


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbarimg (zbar-tools) not installed")
def test_certificate_qr_code_decodes_back_to_the_verification_url(tmp_path):
    certificate = certificate_issue(application=labelled_application())
    url = certificate_verification_url(certificate)
    image = tmp_path / "qr.png"
    certificate_qr_code(url).save(image, kind="png", scale=6)

    decoded = _decode_qr(image)

    assert decoded == url


@pytest.mark.skipif(
    shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None,
    reason="zbarimg (zbar-tools) or pdftoppm (poppler-utils) not installed",
)
def test_certificate_printed_qr_code_decodes_back_to_the_verification_url(tmp_path):
    certificate = rendered_certificate()
    pdf = tmp_path / "certificat.pdf"
    pdf.write_bytes(_pdf_bytes(certificate))
    _run(shutil.which("pdftoppm"), "-r", "150", "-png", str(pdf), str(tmp_path / "page"))

    decoded = _decode_qr(next(tmp_path.glob("page*.png")))

    assert decoded == certificate_verification_url(certificate)


# Idempotent rendering, crashes and retries


def test_certificate_render_twice_renders_once_and_keeps_one_file(settings):
    certificate = certificate_issue(application=labelled_application())

    with mock.patch.object(services, "render_pdf", wraps=services.render_pdf) as render:
        certificate_render(certificate_id=certificate.pk)
        first = Certificate.objects.get(pk=certificate.pk)
        certificate_render(certificate_id=certificate.pk)
    second = Certificate.objects.get(pk=certificate.pk)

    assert render.call_count == 1
    assert second.status == CertificateStatus.RENDERED
    assert (second.sha256, second.rendered_at, second.attempts) == (
        first.sha256,
        first.rendered_at,
        1,
    )
    assert [path.name for path in _certificate_files(settings)] == [
        certificate.file.name.split("/")[-1]
    ]


def test_certificate_render_of_an_unknown_id_does_nothing():
    assert certificate_render(certificate_id=999_999) is None


def test_certificate_worker_dying_mid_write_is_rendered_again_over_the_same_file(settings):
    certificate = certificate_issue(application=labelled_application())
    real_write = services._write_file

    def write_half_then_die(row, content):
        real_write(row, content[: len(content) // 2])
        raise SystemExit("worker killed")  # not an Exception: nothing is recorded

    with (
        mock.patch.object(services, "_write_file", write_half_then_die),
        pytest.raises(SystemExit),
    ):
        certificate_render(certificate_id=certificate.pk)
    crashed = Certificate.objects.get(pk=certificate.pk)
    assert (crashed.status, crashed.attempts, crashed.sha256) == (CertificateStatus.PENDING, 0, "")
    assert len(_certificate_files(settings)) == 1  # the half-written file

    certificate_render(certificate_id=certificate.pk)  # the task runs again (acks_late)

    rendered = Certificate.objects.get(pk=certificate.pk)
    files = _certificate_files(settings)
    content = files[0].read_bytes()
    assert rendered.status == CertificateStatus.RENDERED
    assert [path.name for path in files] == [certificate.file.name.split("/")[-1]]
    assert hashlib.sha256(content).hexdigest() == rendered.sha256
    assert len(pypdf.PdfReader(io.BytesIO(content)).pages) == 1


def test_certificate_render_failing_after_the_write_leaves_it_pending_then_renders(settings):
    certificate = certificate_issue(application=labelled_application())
    real_save = Certificate.save

    def save_fails(self, *args, **kwargs):
        if kwargs.get("update_fields") and "sha256" in kwargs["update_fields"]:
            raise OperationalError("database went away")
        return real_save(self, *args, **kwargs)

    with mock.patch.object(Certificate, "save", save_fails), pytest.raises(OperationalError):
        certificate_render(certificate_id=certificate.pk)
    failed = Certificate.objects.get(pk=certificate.pk)
    assert failed.status == CertificateStatus.PENDING
    assert failed.attempts == 1
    assert "database went away" in failed.last_error

    certificate_render(certificate_id=certificate.pk)

    rendered = Certificate.objects.get(pk=certificate.pk)
    assert rendered.status == CertificateStatus.RENDERED
    assert (rendered.attempts, rendered.last_error) == (2, "")
    assert len(_certificate_files(settings)) == 1


def test_certificate_render_gives_up_after_the_last_transient_failure(settings):
    settings.CERTIFICATE_MAX_ATTEMPTS = 3
    certificate = certificate_issue(application=labelled_application())

    with mock.patch.object(services, "render_pdf", side_effect=OSError("disk full")):
        for _ in range(3):
            with pytest.raises(OSError):
                certificate_render(certificate_id=certificate.pk)

    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.FAILED
    assert certificate.attempts == 3
    assert "disk full" in certificate.last_error


def test_certificate_render_gives_up_at_once_on_an_error_that_would_repeat():
    certificate = certificate_issue(application=labelled_application())

    with (
        mock.patch.object(services, "render_pdf", side_effect=ValueError("bad template")),
        pytest.raises(ValueError, match="bad template"),
    ):
        certificate_render(certificate_id=certificate.pk)

    certificate.refresh_from_db()
    assert (certificate.status, certificate.attempts) == (CertificateStatus.FAILED, 1)


def test_certificate_task_retries_a_transient_failure():
    certificate = certificate_issue(application=labelled_application())
    real_render = services.render_pdf
    calls = []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OSError("storage hiccup")
        return real_render(**kwargs)

    with mock.patch.object(services, "render_pdf", side_effect=flaky):
        task_render_certificate.apply(args=[certificate.pk])

    certificate.refresh_from_db()
    assert len(calls) == 2
    assert certificate.status == CertificateStatus.RENDERED
    assert certificate.attempts == 2
    assert task_render_certificate.name == "certificates.render_certificate"
    assert OSError in task_render_certificate.autoretry_for


def test_certificate_retry_gives_a_failed_certificate_new_tries(
    django_capture_on_commit_callbacks,
):
    certificate = certificate_issue(application=labelled_application())
    Certificate.objects.filter(pk=certificate.pk).update(
        status=CertificateStatus.FAILED, attempts=5
    )

    with django_capture_on_commit_callbacks(execute=True):
        count = services.certificate_retry(certificates=[certificate])

    certificate.refresh_from_db()
    assert count == 1
    assert (certificate.status, certificate.attempts) == (CertificateStatus.RENDERED, 1)


def test_certificate_sweep_leaves_rendered_and_failed_certificates_alone(settings):
    rendered = rendered_certificate()
    failed = certificate_issue(application=labelled_application())
    Certificate.objects.filter(pk=failed.pk).update(status=CertificateStatus.FAILED)

    with (
        mock.patch.object(services, "certificate_schedule_render") as schedule,
        time_machine.travel(timezone.now() + timedelta(hours=1)),
    ):
        assert certificate_sweep() == 0

    schedule.assert_not_called()
    assert Certificate.objects.get(pk=rendered.pk).status == CertificateStatus.RENDERED


def test_beat_schedule_runs_the_certificate_sweep(settings):
    entries = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]

    assert "certificates.sweep_certificates" in entries


# Re-issue and history


def test_certificate_reissue_creates_version_2_and_keeps_version_1(settings):
    application = labelled_application()
    first = rendered_certificate(application)
    Application.objects.filter(pk=application.pk).update(title="Jardins partagés de Lens")

    second = rendered_certificate(application, reason="Titre corrigé")

    first.refresh_from_db()
    assert (second.version, second.number, second.token) == (2, first.number, first.token)
    assert second.reason == "Titre corrigé"
    assert first.superseded_at is not None and second.superseded_at is None
    assert first.file.name != second.file.name
    assert len(_certificate_files(settings)) == 2
    assert "Jardins partagés de Lens" in _text(_pdf_bytes(second))
    assert "Jardins partagés de Lens" not in _text(_pdf_bytes(first))
    assert list(application.certificates.current()) == [second]
    assert services.certificate_get_for_token(first.token) == second


def test_certificate_history_page_lists_every_version_for_staff(client, instruction_user):
    application = labelled_application()
    first = rendered_certificate(application)
    second = rendered_certificate(application, reason="Coquille dans le nom du porteur")

    response = login(client, instruction_user).get(
        reverse("certificates:history", args=[application.pk])
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert reverse("certificates:download", args=[first.pk]) in page
    assert reverse("certificates:download", args=[second.pk]) in page
    assert "Coquille dans le nom du porteur" in page
    assert "en vigueur" in page


def test_certificate_reissue_page_asks_for_a_reason_then_issues_version_2(
    client, instruction_user, django_capture_on_commit_callbacks
):
    application = labelled_application()
    first = rendered_certificate(application)
    login(client, instruction_user)
    url = reverse("certificates:reissue", args=[application.pk])

    confirmation = client.get(url)
    refused = client.post(url, {"reason": "  "})
    assert Certificate.objects.filter(application=application).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Commune ajoutée"})

    second = application.certificates.current_version()
    assert "version 2" in confirmation.content.decode()
    assert refused.status_code == 200 and "reason" in refused.context["form"].errors
    assert response.url == reverse("certificates:history", args=[application.pk])
    assert (second.version, second.reason, second.issued_by) == (
        2,
        "Commune ajoutée",
        instruction_user,
    )
    assert second.status == CertificateStatus.RENDERED
    assert Certificate.objects.get(pk=first.pk).superseded_at is not None


def test_certificate_reissue_by_an_applicant_is_refused(client, applicant):
    application = labelled_application(owner=applicant)
    rendered_certificate(application)

    response = login(client, applicant).post(
        reverse("certificates:reissue", args=[application.pk]), {"reason": "Je veux"}
    )

    assert response.status_code == 403
    assert application.certificates.count() == 1


def test_certificate_reissue_of_a_revoked_label_is_refused(client, instruction_user):
    application = labelled_application()
    rendered_certificate(application)
    _in_state(application, ApplicationState.REVOKED, revoked_at=timezone.now())

    response = login(client, instruction_user).post(
        reverse("certificates:reissue", args=[application.pk]), {"reason": "Correction"}
    )

    assert response.status_code == 200
    assert application.certificates.count() == 1


# The wave's ZIP


def test_wave_certificates_zip_holds_one_pdf_per_labelled_project(client, instruction_user):
    labelled = [labelled_application() for _ in range(3)]
    certificates = [rendered_certificate(application) for application in labelled]
    rendered_certificate(labelled[0], reason="Correction")  # version 2 replaces version 1
    revoked = labelled_application()
    rendered_certificate(revoked)
    _in_state(revoked, ApplicationState.REVOKED, revoked_at=timezone.now())
    _in_state(labelled_application(), ApplicationState.REFUSED, award="")
    wave = labelled[0].wave

    response = login(client, instruction_user).get(reverse("certificates:wave_zip", args=[wave.pk]))

    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = sorted(archive.namelist())
    assert response["Content-Type"] == "application/zip"
    assert names == sorted(f"{certificate.number}.pdf" for certificate in certificates)
    current = labelled[0].certificates.current_version()
    assert archive.read(f"{current.number}.pdf") == _pdf_bytes(current)
    assert current.version == 2


def test_wave_certificates_zip_lists_the_certificates_not_rendered_yet(client, instruction_user):
    done = rendered_certificate()
    waiting = labelled_application()
    certificate_issue(application=waiting)

    response = login(client, instruction_user).get(
        reverse("certificates:wave_zip", args=[done.application.wave_id])
    )

    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert [name for name in archive.namelist() if name.endswith(".pdf")] == [f"{done.number}.pdf"]
    assert waiting.title in archive.read("certificats-manquants.txt").decode()


def test_wave_certificates_zip_is_for_staff_only(client, applicant):
    certificate = rendered_certificate(labelled_application(owner=applicant))
    url = reverse("certificates:wave_zip", args=[certificate.application.wave_id])

    anonymous = client.get(url)
    refused = login(client, applicant).get(url)

    assert anonymous.status_code == 302 and reverse("accounts:login") in anonymous.url
    assert refused.status_code == 403
    assert "certificats" not in refused.get("Content-Disposition", "")


# Downloads


def test_certificate_download_by_the_owner_gives_the_pdf(client, applicant):
    certificate = rendered_certificate(labelled_application(owner=applicant))

    response = login(client, applicant).get(reverse("certificates:download", args=[certificate.pk]))

    assert response["Content-Type"] == "application/pdf"
    assert f"certificat-{certificate.number}-v1.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == _pdf_bytes(certificate)


def test_certificate_download_by_another_applicant_is_not_found(client, roles):
    certificate = rendered_certificate()
    stranger = UserFactory(roles=[Role.APPLICANT])

    response = login(client, stranger).get(reverse("certificates:download", args=[certificate.pk]))

    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_certificate_download_needs_an_account(client):
    certificate = rendered_certificate()

    response = client.get(reverse("certificates:download", args=[certificate.pk]))

    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_certificate_download_of_a_superseded_version_is_for_staff_only(
    client, applicant, instruction_user
):
    application = labelled_application(owner=applicant)
    first = rendered_certificate(application)
    rendered_certificate(application, reason="Correction")
    url = reverse("certificates:download", args=[first.pk])

    owner = login(client, applicant).get(url)
    staff = login(client, instruction_user).get(url)

    assert owner.status_code == 404
    assert b"".join(staff.streaming_content) == _pdf_bytes(first)


def test_certificate_download_after_revocation_is_for_staff_only(
    client, applicant, instruction_user
):
    application = labelled_application(owner=applicant)
    certificate = rendered_certificate(application)
    _in_state(application, ApplicationState.REVOKED, revoked_at=timezone.now())
    url = reverse("certificates:download", args=[certificate.pk])

    owner = login(client, applicant).get(url)
    staff = login(client, instruction_user).get(url)

    assert owner.status_code == 404
    assert b"".join(staff.streaming_content) == _pdf_bytes(certificate)


def test_certificate_download_of_a_pending_certificate_is_not_found(client, applicant):
    certificate = certificate_issue(application=labelled_application(owner=applicant))

    response = login(client, applicant).get(reverse("certificates:download", args=[certificate.pk]))

    assert response.status_code == 404


# The owner's panel


def test_certificate_panel_offers_the_download_of_the_version_in_force(applicant):
    application = labelled_application(owner=applicant)
    rendered_certificate(application)
    current = rendered_certificate(application, reason="Correction")

    html = render_to_string("certificates/certificate_panel.html", {"application": application})

    assert reverse("certificates:download", args=[current.pk]) in html
    assert "version 2" in html


def test_certificate_panel_says_the_label_was_withdrawn(applicant):
    application = labelled_application(owner=applicant)
    certificate = rendered_certificate(application)
    _in_state(
        application,
        ApplicationState.REVOKED,
        revoked_at=datetime(2027, 3, 3, 10, 0, tzinfo=UTC),
    )

    html = render_to_string("certificates/certificate_panel.html", {"application": application})

    assert "Label retiré le 3 mars 2027" in html
    assert reverse("certificates:download", args=[certificate.pk]) not in html


# Two workers at once (PostgreSQL only: SQLite has no row locks)

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks are tested on PostgreSQL only"
)


def _at_once(*targets):
    """Run callables in threads released together, each with its own connection."""
    barrier = threading.Barrier(len(targets), timeout=10)
    results = [None] * len(targets)

    def run(index, target):
        try:
            barrier.wait()
            results[index] = target()
        except Exception as error:  # collected and checked by the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@on_postgresql
def test_certificate_rendered_by_two_workers_at_once_is_rendered_once(settings):
    with mock.patch.object(services, "certificate_schedule_render"):  # no eager rendering
        certificate = certificate_issue(application=labelled_application())
    real_render = services.certificate_render_pdf
    calls = []

    def slow_render(row):
        calls.append(row.pk)
        time.sleep(0.5)  # the other worker arrives while this one holds the row lock
        return real_render(row)

    with mock.patch.object(services, "certificate_render_pdf", slow_render):
        results = _at_once(
            lambda: certificate_render(certificate_id=certificate.pk),
            lambda: certificate_render(certificate_id=certificate.pk),
        )

    certificate.refresh_from_db()
    assert [type(result) for result in results] == [Certificate, Certificate]
    assert calls == [certificate.pk]
    assert certificate.status == CertificateStatus.RENDERED
    assert len(_certificate_files(settings)) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@on_postgresql
def test_certificates_issued_at_once_in_a_wave_get_consecutive_numbers():
    first = labelled_application(announced_at=CEREMONY)
    second = labelled_application(announced_at=CEREMONY)

    results = _at_once(
        lambda: certificate_issue(application=first),
        lambda: certificate_issue(application=second),
    )

    assert [type(result) for result in results] == [Certificate, Certificate]
    assert sorted(Certificate.objects.values_list("number", flat=True)) == [
        "LE-2026-11-001",
        "LE-2026-11-002",
    ]


def test_a_render_queued_under_its_name_of_the_previous_release_still_renders(
    django_capture_on_commit_callbacks,
):
    from celery import current_app

    certificate = certificate_issue(application=labelled_application())

    with django_capture_on_commit_callbacks(execute=True):
        current_app.tasks["label.render_certificate"].apply(args=[certificate.pk])

    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.RENDERED
