"""The certificate PDF read back as text: nothing of its template leaks, everything it must
say is there, and it is a tagged PDF/A-3a with language and title."""

import io
from datetime import UTC, date, datetime

import pytest
from django.core.files.base import ContentFile

from certificates.services import certificate_issue
from label.models import Wave
from tests.factories.certificates import labelled_application, rendered_certificate
from tests.label.pdf_checks import assert_no_template_leak, assert_tagged, pdf_text

pytestmark = pytest.mark.django_db

CEREMONY = datetime(2026, 11, 12, 18, 0, tzinfo=UTC)


def _content(certificate):
    with certificate.file.open("rb") as handle:
        return handle.read()


def test_certificate_pdf_text_has_no_template_syntax_and_states_everything():
    application = labelled_application(announced_at=CEREMONY, title="Jardins de la fosse 9")
    certificate = rendered_certificate(application)

    _reader, text = pdf_text(_content(certificate))

    assert_no_template_leak(text)
    assert text.startswith("CERTIFICAT DE LABELLISATION")
    assert certificate.number in text
    assert "« Jardins de la fosse 9 »" in text
    assert f"porté par {application.holder_name}" in text
    assert "12 novembre 2026" in text
    assert "Présidence du Pôle Métropolitain de l'Artois" in text
    assert "Président" in text


def test_certificate_pdf_is_tagged_pdf_a_3a_with_language_and_title():
    certificate = rendered_certificate()
    content = _content(certificate)
    reader, _text = pdf_text(content)
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()

    assert_tagged(content, title=certificate.number)
    assert 'pdfaid:part="3"' in xmp
    assert 'pdfaid:conformance="A"' in xmp


def _png(width=120, height=40):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "navy").save(buffer, format="PNG")
    return buffer.getvalue()


def test_certificate_pdf_shows_the_edition_ceremony_signatory_and_signature():
    application = labelled_application(announced_at=CEREMONY)
    wave = application.wave
    wave.edition_name = "Label Euralens 2027"
    wave.ceremony_on = date(2027, 1, 21)
    wave.signatory_name = "Claire Dupont"
    wave.signatory_title = "Présidente du Pôle Métropolitain de l'Artois"
    wave.signatory_image.save("signature.png", ContentFile(_png()), save=False)
    wave.save()

    content = _content(rendered_certificate(application))
    reader, text = pdf_text(content)

    assert_no_template_leak(text)
    assert f"Vague {wave.number} — Label Euralens 2027, remis lors" in text
    assert "remis lors de la cérémonie du 21 janvier 2027" in text
    assert "Claire Dupont" in text
    assert "Présidente du Pôle Métropolitain de l'Artois" in text
    images = list(reader.pages[0].images)
    assert any(image.image.size == (120, 40) for image in images)


def test_certificate_number_follows_the_editions_year_not_the_announcement():
    application = labelled_application(announced_at=datetime(2028, 2, 1, 12, 0, tzinfo=UTC))
    Wave.objects.filter(pk=application.wave_id).update(year=2027)
    application.wave.refresh_from_db()

    certificate = certificate_issue(application=application)

    assert certificate.number == f"LE-2027-{application.wave.number}-001"
